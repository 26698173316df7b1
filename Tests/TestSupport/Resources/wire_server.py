#!/usr/bin/env python3
"""A raw-socket HTTP/1.1 server for the loopback transport's own tests: the byte-level answers
that a well-behaved registry never sends (chunked bodies, bodies larger than a read buffer, a
connection closed mid-response, malformed status lines, 1xx interim responses), plus counters of
accepted connections so keep-alive reuse shows. It binds 127.0.0.1 (::1 with the argument
"ipv6") on a free port, prints the port, and serves until SIGTERM. Each request's path picks the answer; see `answer`."""
import json, socket, sys, threading, time

lock = threading.Lock()
stats = {"connections": 0, "requests": 0}

def pattern(n):
    return bytes(i % 251 for i in range(n))

def response(status, body=b"", headers=None, reason="X"):
    head = "HTTP/1.1 %d %s\r\n" % (status, reason)
    fields = {"Content-Length": str(len(body))}
    fields.update(headers or {})
    for k, v in fields.items():
        if v is not None:
            head += "%s: %s\r\n" % (k, v)
    return head.encode() + b"\r\n" + body

def chunked(parts, trailer=b""):
    out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
    for i, part in enumerate(parts):
        ext = ";note=x" if i == 0 else ""
        out += b"%x%s\r\n" % (len(part), ext.encode()) + part + b"\r\n"
    return out + b"0\r\n" + trailer + b"\r\n"

def answer(conn, method, path, headers, body, port):
    """Sends the answer for one request; returns False to close the connection, "armed" to
    drop the next request on it unanswered."""
    route, _, query = path.partition("?")
    send = conn.sendall
    head_only = method == "HEAD"
    def reply(data):
        if head_only:
            data = data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
        send(data)
    if route == "/stats":
        with lock:
            reply(response(200, json.dumps(stats).encode()))
        return True
    if route == "/echo":
        reply(response(200, json.dumps({"method": method, "path": path, "headers": headers,
                                        "body": body.decode("latin-1")}).encode()))
        return True
    if route == "/head":  # a HEAD answer announces a length but sends no body
        reply(response(200, b"x" * 12345, {"Docker-Content-Digest": "sha256:" + "a" * 64}))
        return True
    if route == "/chunked":
        reply(chunked([b"hello, ", b"chunked", b" world"], b"X-Trailer: yes\r\n"))
        return True
    if route == "/large":
        reply(response(200, pattern(int(query.split("=")[1]))))
        return True
    if route == "/large-chunked":
        data = pattern(1_000_003)
        reply(chunked([data[i:i + 70_000] for i in range(0, len(data), 70_000)]))
        return True
    if route == "/until-close":  # no length: the body ends when the connection does
        send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + pattern(200_000))
        return False
    if route == "/close-mid":
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"y" * 100)
        return False
    if route == "/close-mid-chunked":
        send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + b"y" * 100)
        return False
    if route == "/close-at-once":
        return False
    if route == "/bad-status":
        send(b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n")
        return False
    if route == "/not-http":  # some other protocol's greeting; the connection stays open
        send(b"SSH-2.0-OpenSSH_9.2\r\n")
        time.sleep(3)
        return False
    if route == "/bad-length":
        send(b"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n12abc")
        return False
    if route == "/bad-chunk":
        send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
        return False
    if route == "/continue":
        send(b"HTTP/1.1 100 Continue\r\n\r\n" + response(200, b"ok"))
        return True
    if route == "/challenge":
        reply(response(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                       {"WWW-Authenticate": 'Basic realm="wire"'}))
        return True
    if route == "/redirect-same":
        reply(response(302, b"moved", {"Location": "/echo?from=redirect"}))
        return True
    if route == "/redirect-other":  # another host name for the same server: a different origin
        reply(response(307, b"", {"Location": "http://localhost:%d/echo" % port}))
        return True
    if route == "/redirect-loop":
        reply(response(302, b"", {"Location": "/redirect-loop"}))
        return True
    if route == "/close-after":  # answers, then closes the idle connection shortly after
        reply(response(200, b"bye"))
        time.sleep(0.05)
        return False
    if route == "/arm-drop":  # the next request on this connection is dropped unanswered
        reply(response(200, b"armed"))
        return "armed"
    if route == "/slow":
        time.sleep(3)
        reply(response(200, b"late"))
        return True
    if route == "/duplicate":
        reply(response(200, b"", {"X-Many": "one"}).replace(b"\r\n\r\n", b"\r\nx-many: two\r\n\r\n", 1))
        return True
    reply(response(404, b"no such route"))
    return True

def read_request(conn, pending):
    while b"\r\n\r\n" not in pending:
        data = conn.recv(65536)
        if not data:
            return None, b""
        pending += data
    head, pending = pending.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(pending) < length:
        data = conn.recv(65536)
        if not data:
            return None, b""
        pending += data
    return (method, path, headers, pending[:length]), pending[length:]

def serve(conn, port):
    with lock:
        stats["connections"] += 1
    pending = b""
    armed = False
    try:
        while True:
            request, pending = read_request(conn, pending)
            if request is None:
                return
            with lock:
                stats["requests"] += 1
            if armed:  # as a server that closes an idle keep-alive connection just as it is reused
                return
            outcome = answer(conn, *request, port)
            armed = outcome == "armed"
            if not outcome:
                return
    except OSError:
        pass
    finally:
        conn.close()

# "ipv6" as the first argument serves on ::1 instead.
ipv6 = sys.argv[1:2] == ["ipv6"]
listener = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("::1" if ipv6 else "127.0.0.1", 0))
listener.listen(64)
port = listener.getsockname()[1]
print(port, flush=True)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn, port), daemon=True).start()
