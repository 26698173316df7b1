#!/usr/bin/env python3
"""A deliberately hostile registry for regsh's tests (issue 17). It binds 127.0.0.1 on a free
port, prints the port, and serves one mode until killed:

  drip      every answer comes one byte a second
  bodydrip  every answer's head comes at once, its body one byte a second
  flood     every answer announces 1 GiB and sends it as fast as it can
  steady    every answer announces 32 MiB and sends 1 KiB every tenth of a second: fast
            enough for the rate floor, too slow to end within the total timeout
  slowflood as steady, but announcing 1 GiB (over the size limit) and never closing
  slowblob  repository "repo" answers fine, but its layer blob comes a byte a second
  silence   connections are accepted, requests read, and never answered
  pages     repositories list fine until GET /_break; then the catalog and the tag lists of
            "fresh" (new entries on every page, for ever), "same" (a new URL every time,
            the same entries), "self" (a Link back to the same page) and "backwards" (a
            cursor that moves back) never end
  names     registry text holding control bytes: repository names, tags, error bodies and
            header values with ESC, BEL, BS, CR, NUL, DEL and C1 controls; "nul\\0x" next to
            a real "nul"
  manifests repository "mixed": good tags next to a bad tag name, a body that is not JSON,
            JSON that is not a manifest, and a manifest of 200,000 layers (about 30 MB)

Only the standard library: the tests start it with Debian's python3."""
import hashlib, json, socket, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
state = {"broken": False}

# Every control character a terminal acts on, and the common escape sequences.
CONTROLS = "".join(chr(c) for c in list(range(0x01, 0x20)) + [0x7F] + list(range(0x80, 0xA0)))
SEQUENCES = "\x1b[31m\x1b[2J\x1b]0;pwned\x07\x1b[1A\r\x08\x9b31m"

def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

BLOBS = {}
MANIFESTS = {}  # digest -> (media type, body)

def blob(data):
    BLOBS[sha(data)] = data
    return {"digest": sha(data), "size": len(data)}

def image(name, layers=1, annotations=None):
    config = blob(json.dumps({"architecture": "amd64", "os": "linux",
                              "created": "2024-01-01T10:00:00Z", "name": name}).encode())
    layer = blob(("layer of %s" % name).encode())
    body = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": dict(config, mediaType=OCI_CONFIG),
            "layers": [dict(layer, mediaType=OCI_LAYER)] * layers}
    if annotations:
        body["annotations"] = annotations
    data = json.dumps(body).encode()
    MANIFESTS[sha(data)] = (OCI_MANIFEST, data)
    return sha(data)

def raw_manifest(data, media_type=OCI_MANIFEST):
    MANIFESTS[sha(data)] = (media_type, data)
    return sha(data)

# tags per repository: tag -> digest
REPOS = {}
if MODE == "pages":
    for name in ["fresh", "same", "self", "backwards", "steady"]:
        REPOS[name] = {"v1": image(name + ":v1")}
elif MODE == "names":
    good = image("good:v1", annotations={"note": "annotated" + CONTROLS + SEQUENCES})
    REPOS["good"] = {"v1": good, "bad" + SEQUENCES + "tag": good, "cr\rtag": good,
                     "ctl" + CONTROLS: good}
    REPOS["nul"] = {"v1": image("nul:v1")}
    REPOS["nul\x00x"] = {"v1": image("nul-x:v1")}
    REPOS["red\x1b[31mrepo"] = {"v1": good}
    REPOS["controls" + CONTROLS] = {"v1": good}
    REPOS["errbody"] = {"v1": good}
    REPOS["header"] = {"v1": good}
elif MODE == "manifests":
    mixed = {"good1": image("mixed:good1"), "good2": image("mixed:good2")}
    mixed["bad tag!"] = mixed["good1"]
    mixed["notjson"] = raw_manifest(b"<html><body>502 Bad Gateway</body></html>")
    mixed["notmanifest"] = raw_manifest(json.dumps(
        {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "layers": []}).encode())
    mixed["huge"] = image("mixed:huge", layers=200_000)
    REPOS["mixed"] = mixed
else:
    REPOS["repo"] = {"v1": image("repo:v1")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def error(self, status, code, message):
        self.send(status, {"errors": [{"code": code, "message": message, "detail": None}]})

    def do_GET(self): self.route()
    def do_HEAD(self): self.route()

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = urllib.parse.unquote(url.path)
        if MODE == "flood":
            return self.flood()
        if MODE in ("steady", "slowflood"):
            return self.steady(1 << 30 if MODE == "slowflood" else 32 << 20)
        if MODE in ("drip", "bodydrip"):
            return self.drip(head_at_once=MODE == "bodydrip")
        if MODE == "silence":
            while True:
                time.sleep(3600)
        if path == "/_break":
            state["broken"] = True
            return self.send(200, {"broken": True})
        if path == "/v2/":
            return self.send(200, {})
        if path == "/v2/_catalog":
            if MODE == "pages" and state["broken"]:
                return self.endless(query, "repositories", "/v2/_catalog", "fresh")
            return self.send(200, {"repositories": sorted(REPOS)})
        if not path.startswith("/v2/"):
            return self.error(404, "NOT_FOUND", "no such endpoint")
        rest = path[len("/v2/"):]
        for kind in ("/tags/list", "/manifests/", "/blobs/"):
            if kind in rest:
                repo, _, ref = rest.partition(kind)
                break
        else:
            return self.error(404, "NOT_FOUND", "no such endpoint")
        if repo == "errbody":
            return self.error(404, "NAME_UNKNOWN", "no such repository" + CONTROLS + SEQUENCES)
        if repo not in REPOS:
            return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
        if kind == "/tags/list":
            if MODE == "pages" and state["broken"] and repo != "steady":
                return self.endless(query, "tags", "/v2/%s/tags/list" % repo, repo, name=repo)
            return self.send(200, {"name": repo, "tags": sorted(REPOS[repo])})
        if kind == "/blobs/":
            if ref not in BLOBS:
                return self.error(404, "BLOB_UNKNOWN", "blob unknown")
            if MODE == "slowblob" and BLOBS[ref].startswith(b"layer of"):
                return self.drip(head_at_once=True, body=BLOBS[ref] * 4096)
            return self.send(200, BLOBS[ref], content_type="application/octet-stream")
        digest = REPOS[repo].get(ref, ref)
        if digest not in MANIFESTS:
            return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        media_type, data = MANIFESTS[digest]
        headers = {"Docker-Content-Digest": digest}
        if repo == "header":
            # A header value holding ESC and BEL, where a digest belongs.
            headers["Docker-Content-Digest"] = "sha256:\x1b[31m\x07" + "0" * 10
        return self.send(200, data, headers, media_type)

    def endless(self, query, key, path, flavour, name=None):
        """One page of a listing that never ends, in the given flavour."""
        last = query.get("last", "")
        number = int(last[1:]) if last[1:].isdigit() else 0
        if flavour == "fresh":      # a new entry and a new cursor on every page
            entries, link = ["r%07d" % (number + 1)], "r%07d" % (number + 1)
        elif flavour == "same":     # a new URL every time, the same entry
            entries, link = ["r0000001"], "r%07d" % (number + 1)
        elif flavour == "self":     # the very page that was asked for
            entries, link = ["r0000001"], last or "r0000000"
        else:                       # backwards: the cursor goes down again after two pages
            entries = ["r%07d" % (number + 1)]
            link = "r%07d" % (number + 1 if number < 2 else 0)
        body = {key: entries}
        if name:
            body["name"] = name
        self.send(200, body, {"Link": '<%s?n=1&last=%s>; rel="next"' % (path, link)})

    def flood(self):
        """A catalog that announces 1 GiB and sends it as fast as the socket takes it."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(1 << 30))
        self.end_headers()
        chunk = b'{"repositories": ["' + b"a" * (1 << 20)
        try:
            for _ in range(1024):
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def steady(self, length):
        """A catalog of `length` bytes that comes at 10 KiB/s: 32 MiB take about an hour."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            self.wfile.write(b'{"repositories": ["')
            while True:
                self.wfile.write(b"a" * 1024)
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass
        self.close_connection = True

    def drip(self, head_at_once, body=None):
        """An answer sent one byte a second (after its head, with head_at_once): a small tag
        list would take minutes."""
        if body is None:
            body = json.dumps({"repositories": ["repo"], "name": "repo", "tags": ["v1"]}).encode()
        head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                % len(body)).encode()
        try:
            if head_at_once:
                self.wfile.write(head)
                head = b""
            for byte in head + body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass
        self.close_connection = True


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
