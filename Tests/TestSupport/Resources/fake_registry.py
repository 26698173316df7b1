#!/usr/bin/env python3
"""A stand-in registry for what the real one cannot show: ACR's /acr/v1 API behind a Bearer
token server (mode "acr"), failures on demand (mode "flaky": 429, 500, dropped connections,
slow answers), the OCI referrers API that distribution 2.8 lacks (mode "referrers"), and
manifest bytes that do not match their digest (mode "tampered"). It binds 127.0.0.1 on a free
port, prints the port, and serves until SIGTERM."""
import base64, copy, hashlib, json, os, subprocess, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
# In mode "acr", "bodiless-repository-delete" answers a repository DELETE with 202 and no
# body, as the REST specification's DeleteRepository example does.
BODILESS_REPOSITORY_DELETE = MODE == "acr" and "bodiless-repository-delete" in sys.argv[2:]
USER, PASSWORD = "acruser", "acr-secret-pw"
lock = threading.Lock()
counts = {}
token_requests = []
requests = []
tokens = set()

def ts(i):
    return "2024-01-%02dT10:00:00.%07dZ" % (i + 1, 1234567 + i)

def created(i):
    """An hour before the last update, so a client that mixes up the two shows it."""
    return "2024-01-%02dT09:00:00.%07dZ" % (i + 1, 7654321 + i)

ATTRS = {"deleteEnabled": True, "writeEnabled": True, "readEnabled": True, "listEnabled": True}
REPOS = ["hello-world", "marketing/campaign10-18/web", "product-returns/web-submission"]

def now():
    return time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime())

def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

# Real content behind every manifest, so the distribution endpoints ACR also serves (/v2/…)
# answer with bytes that match their digests: images 0-3 (docker schema 2) and an OCI index
# (4, "latest") whose one child is the untagged image 2.
BLOBS = {}
BODIES = {}
def blob(data):
    BLOBS[sha(data)] = data
    return {"digest": sha(data), "size": len(data)}

def image(i):
    config = blob(json.dumps({"architecture": "amd64", "os": "linux", "created": ts(i)}).encode())
    layer = blob(("layer of image %d" % i).encode())
    body = json.dumps({"schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": dict(config, mediaType="application/vnd.docker.container.image.v1+json"),
        "layers": [dict(layer, mediaType="application/vnd.docker.image.rootfs.diff.tar.gzip")]}).encode()
    BODIES[sha(body)] = ("application/vnd.docker.distribution.manifest.v2+json", body)
    return sha(body), len(body)

def index(children):
    body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "digest": d, "size": n, "platform": {"architecture": "amd64", "os": "linux"}}
                      for d, n in children]}).encode()
    BODIES[sha(body)] = ("application/vnd.oci.image.index.v1+json", body)
    return sha(body)

IMAGES = [image(i) for i in range(4)]

# The manifest records in the field order of the REST specification's examples
# (Azure.ContainerRegistry 2021-07-01): untagged ones without a `tags` field, as ACR serves
# them — except image 2, served with an explicit `"tags": null`, which ACR has done too.
MANIFESTS = []
for i in range(5):
    m = {"digest": IMAGES[i][0] if i < 4 else index([IMAGES[2]]), "imageSize": 1000 + i,
         "createdTime": created(i), "lastUpdateTime": ts(i), "architecture": "amd64", "os": "linux",
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "configMediaType": "application/vnd.docker.container.image.v1+json"}
    if i in (1, 3):
        m["tags"] = ["v%d" % i]
    if i == 2:
        m["tags"] = None
    if i == 4:
        m["tags"] = ["latest"]
        m["mediaType"] = "application/vnd.oci.image.index.v1+json"
        del m["architecture"], m["os"], m["configMediaType"]
    m["changeableAttributes"] = dict(ATTRS)
    MANIFESTS.append(m)
TAGS = [{"name": t, "digest": m["digest"], "createdTime": m["createdTime"],
         "lastUpdateTime": m["lastUpdateTime"], "signed": False,
         "changeableAttributes": dict(ATTRS)} for m in MANIFESTS for t in (m.get("tags") or [])]

ALL_REPOS = list(REPOS)
# Each repository holds its own copy of the records, so deleting one leaves the others.
STATE = {repo: {"manifests": copy.deepcopy(MANIFESTS), "tags": copy.deepcopy(TAGS),
                "createdTime": created(0), "changeableAttributes": dict(ATTRS)} for repo in REPOS}

def untag(manifests, name):
    for m in manifests:
        if name in (m.get("tags") or []):
            m["tags"].remove(name)
            if not m["tags"]:
                del m["tags"]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=None, headers=None, content_type="application/json"):
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def error(self, status, code, message, headers=None):
        self.send(status, {"errors": [{"code": code, "message": message, "detail": None}]}, headers)

    def count(self, key):
        with lock:
            counts[key] = counts.get(key, 0) + 1
            return counts[key]

    def do_GET(self): self.route()
    def do_HEAD(self): self.route()
    def do_DELETE(self): self.route()
    def do_PATCH(self): self.route()
    def do_PUT(self): self.route()

    def route(self):
        # Read the body before answering, or it would be parsed as the next request on this connection.
        length = int(self.headers.get("Content-Length", "0"))
        self.request_body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        if path == "/_stats":
            with lock:
                return self.send(200, {"counts": counts, "token_requests": token_requests,
                                       "requests": requests})
        if MODE == "flaky":
            return self.flaky(path)
        if MODE in ("referrers", "tampered"):
            self.count(self.command + " " + path)
            with lock:
                requests.append({"method": self.command, "path": path, "query": query})
            if path == "/v2/":
                return self.send(200, {})
            return self.referrers(path, query) if MODE == "referrers" else self.tampered(path)
        if MODE == "token":
            return self.jwt_token(query)
        if path == "/oauth2/token":
            return self.token(query)
        auth = self.headers.get("Authorization", "")
        if not (auth.startswith("Bearer ") and auth[7:] in tokens):
            realm = "http://127.0.0.1:%d/oauth2/token" % self.server.server_port
            return self.error(401, "UNAUTHORIZED", "authentication required",
                              {"WWW-Authenticate": 'Bearer realm="%s",service="fake.azurecr.io"' % realm})
        self.count(self.command + " " + path)
        with lock:
            requests.append({"method": self.command, "path": path, "query": query})
        if path == "/v2/":
            return self.send(200, {})
        for repo in ALL_REPOS:
            prefix = "/v2/%s/" % repo
            if path.startswith(prefix):
                return self.distribution(repo, path[len(prefix):])
        if path == "/acr/v1/_catalog":
            return self.page(REPOS, query, "repositories", lambda r: r, {})
        for repo in REPOS:
            if path == "/acr/v1/%s" % repo:
                return self.repository(repo)
            prefix = "/acr/v1/%s/" % repo
            if path.startswith(prefix):
                return self.acr(repo, path[len(prefix):], query)
        return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")

    def repository(self, repo):
        """GET, PATCH and DELETE /acr/v1/<repo>: the repository's record; its DELETE takes every
        manifest and tag with it and answers what went, or 405 naming what is locked."""
        state = STATE[repo]
        manifests, tags = state["manifests"], state["tags"]
        if self.command == "DELETE":
            locked = [m["digest"] for m in manifests
                      if not (m["changeableAttributes"]["deleteEnabled"] and m["changeableAttributes"]["writeEnabled"])]
            locked += ["%s:%s" % (repo, t["name"]) for t in tags
                       if not (t["changeableAttributes"]["deleteEnabled"] and t["changeableAttributes"]["writeEnabled"])]
            if locked:
                return self.error(405, "OPERATION_NOT_ALLOWED",
                                  "repository %s has locked images: %s" % (repo, ", ".join(locked)))
            answer = {"manifestsDeleted": [m["digest"] for m in manifests],
                      "tagsDeleted": [t["name"] for t in tags]}
            REPOS.remove(repo)
            del STATE[repo]
            return self.send(202, None if BODILESS_REPOSITORY_DELETE else answer)
        if self.command == "PATCH":
            state["changeableAttributes"].update(self.body())
        times = [m["lastUpdateTime"] for m in manifests] + [t["lastUpdateTime"] for t in tags]
        return self.send(200, {"registry": "fake.azurecr.io", "imageName": repo,
                               "createdTime": state["createdTime"],
                               "lastUpdateTime": max(times or [state["createdTime"]]),
                               "manifestCount": len(manifests), "tagCount": len(tags),
                               "changeableAttributes": state["changeableAttributes"]})

    def acr(self, repo, rest, query):
        head = {"registry": "fake.azurecr.io", "imageName": repo}
        MANIFESTS, TAGS = STATE[repo]["manifests"], STATE[repo]["tags"]
        if rest == "_manifests":
            items = sorted(MANIFESTS, key=lambda m: m["lastUpdateTime"], reverse=query.get("orderby") == "timedesc")
            return self.page(items, query, "manifests", lambda m: m["digest"], head)
        if rest == "_tags":
            items = sorted(TAGS, key=lambda t: t["lastUpdateTime"], reverse=query.get("orderby") == "timedesc")
            if "orderby" not in query:
                items = sorted(TAGS, key=lambda t: t["name"])
            return self.page(items, query, "tags", lambda t: t["name"], head)
        if rest.startswith("_tags/"):
            name = rest[len("_tags/"):]
            tag = next((t for t in TAGS if t["name"] == name), None)
            if tag is None:
                return self.error(404, "TAG_UNKNOWN", "the specified tag does not exist")
            if self.command == "DELETE":
                if not tag["changeableAttributes"]["deleteEnabled"]:
                    return self.error(405, "OPERATION_NOT_ALLOWED", "the tag is locked")
                TAGS.remove(tag)
                untag(MANIFESTS, name)
                return self.send(202)
            if self.command == "PATCH":
                tag["changeableAttributes"].update(self.body())
                return self.send(200, dict(head, tag=tag))
            return self.send(200, dict(head, tag=tag))
        if rest.startswith("_manifests/"):
            d = rest[len("_manifests/"):]
            m = next((m for m in MANIFESTS if m["digest"] == d), None)
            if m is None:
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            if self.command == "PATCH":
                m["changeableAttributes"].update(self.body())
            return self.send(200, dict(head, manifest=m))
        return self.error(404, "NAME_UNKNOWN", "not found")

    def distribution(self, repo, rest):
        """The distribution endpoints, over the same manifests and tags as /acr/v1. Blobs
        outlive a deleted repository until garbage collection; a manifest PUT (restore)
        brings the repository back."""
        if rest.startswith("blobs/"):
            data = BLOBS.get(rest[len("blobs/"):])
            if data is None:
                return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
            return self.send(200, data, content_type="application/octet-stream")
        if repo not in STATE:
            if self.command != "PUT":
                return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
            STATE[repo] = {"manifests": [], "tags": [], "createdTime": now(),
                           "changeableAttributes": dict(ATTRS)}
            REPOS.append(repo)
            REPOS.sort()
        MANIFESTS, TAGS = STATE[repo]["manifests"], STATE[repo]["tags"]
        if self.command == "PUT" and rest.startswith("manifests/"):
            return self.put_manifest(MANIFESTS, TAGS, rest[len("manifests/"):])
        if rest == "tags/list":
            return self.send(200, {"name": repo, "tags": sorted(t["name"] for t in TAGS)})
        if not rest.startswith("manifests/"):
            return self.error(404, "NAME_UNKNOWN", "not found")
        ref = rest[len("manifests/"):]
        tag = next((t for t in TAGS if t["name"] == ref), None)
        d = tag["digest"] if tag else ref
        m = next((m for m in MANIFESTS if m["digest"] == d), None)
        if m is None or d not in BODIES:
            return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        if self.command == "DELETE":
            attributes = m["changeableAttributes"]
            if not attributes["deleteEnabled"] or not attributes["writeEnabled"]:
                return self.error(405, "UNSUPPORTED", "the manifest is locked")
            MANIFESTS.remove(m)
            TAGS[:] = [t for t in TAGS if t["digest"] != d]
            return self.send(202)
        media, body = BODIES[d]
        return self.send(200, body, {"Docker-Content-Digest": d}, content_type=media)

    def put_manifest(self, manifests, tags, ref):
        """Stores pushed manifest bytes; a tag reference moves (or creates) the tag."""
        data = self.request_body
        d = sha(data)
        media = self.headers.get("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        BODIES[d] = (media, data)
        m = next((m for m in manifests if m["digest"] == d), None)
        if m is None:
            m = {"digest": d, "imageSize": len(data), "createdTime": now(), "lastUpdateTime": now(),
                 "mediaType": media, "changeableAttributes": dict(ATTRS)}
            manifests.append(m)
        if not ref.startswith("sha256:"):
            old = next((t for t in tags if t["name"] == ref), None)
            if old:
                tags.remove(old)
                untag(manifests, ref)
            tags.append({"name": ref, "digest": d, "createdTime": now(), "lastUpdateTime": now(),
                         "signed": False, "changeableAttributes": dict(ATTRS)})
            m["tags"] = (m.get("tags") or []) + [ref]
        return self.send(201, b"", {"Docker-Content-Digest": d, "Location": "/v2/manifests/" + d})

    def body(self):
        return json.loads(self.request_body or b"{}")

    def page(self, items, query, key, key_of, head):
        n = int(query.get("n", "100"))
        start = 0
        if "last" in query:
            keys = [key_of(i) for i in items]
            start = keys.index(query["last"]) + 1 if query["last"] in keys else len(items)
        chunk = items[start:start + n]
        headers = {}
        if start + n < len(items):
            params = {"last": key_of(chunk[-1]), "n": str(n)}
            if "orderby" in query:
                params["orderby"] = query["orderby"]
            headers["Link"] = '<%s?%s>; rel="next"' % (urllib.parse.urlsplit(self.path).path, urllib.parse.urlencode(params))
        return self.send(200, dict(head, **{key: chunk}), headers)

    def token_request(self, query):
        """A token request's scopes, recorded, and whether its Basic credentials are right."""
        auth = self.headers.get("Authorization", "")
        ok = auth == "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        scopes = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("scope", [])
        with lock:
            token_requests.append({"service": query.get("service"), "scopes": scopes, "ok": ok})
        return scopes, ok

    def token(self, query):
        _, ok = self.token_request(query)
        if not ok:
            return self.error(401, "UNAUTHORIZED", "bad credentials")
        token = "tok-%d" % len(token_requests)
        tokens.add(token)
        return self.send(200, {"access_token": token, "expires_in": 300})

    def flaky(self, path):
        n = self.count(path)
        if path == "/v2/":
            return self.send(200, {})
        if path == "/v2/r429/tags/list" and n == 1:
            return self.error(429, "TOOMANYREQUESTS", "slow down", {"Retry-After": "1"})
        if path == "/v2/r500/tags/list" and n == 1:
            return self.error(500, "UNKNOWN", "boom")
        if path == "/v2/always500/tags/list":
            return self.error(503, "UNAVAILABLE", "down for maintenance")
        if path == "/v2/drop/tags/list" and n == 1:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if path == "/v2/slow/tags/list":
            time.sleep(5)
        name = path.split("/")[2]
        return self.send(200, {"name": name, "tags": ["b", "a"]})

def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
SIGNATURE = "application/vnd.dev.regsh.signature"
SBOM = "application/spdx+json"
# The subject all referrers point at, and what the referrers API lists for it, in order.
SUBJECT = sha256(b"the subject manifest")
REFERRERS = [
    {"mediaType": OCI_MANIFEST, "digest": sha256(b"signature one"), "size": 401,
     "artifactType": SIGNATURE, "annotations": {"org.opencontainers.image.created": "2024-05-01T00:00:00Z"}},
    {"mediaType": OCI_MANIFEST, "digest": sha256(b"sbom"), "size": 502, "artifactType": SBOM},
    {"mediaType": OCI_MANIFEST, "digest": sha256(b"signature two"), "size": 403, "artifactType": SIGNATURE},
]
# What the sha256-<hex> fallback tag holds: different from the API's answer, so a client that
# falls back although the API answered shows it.
DECOY_INDEX = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
    {"mediaType": OCI_MANIFEST, "digest": sha256(b"decoy"), "size": 99, "artifactType": SIGNATURE}]}).encode()

def referrers(self, path, query):
    """The OCI distribution spec's GET /v2/<name>/referrers/<digest>: an image index of the
    descriptors whose subject is <digest>, an empty one (not 404) for an unknown subject.
    Repositories under "filtering/" apply ?artifactType= and say so with OCI-Filters-Applied;
    under "ignoring/" they ignore it and send everything, without the header; under "paged/"
    they filter and send one descriptor a page, linking the next with Link: rel="next". Other
    repositories lack the API (404), as distribution 2.8 does."""
    parts = path.split("/referrers/")
    repo = parts[0][len("/v2/"):]
    if len(parts) == 2 and repo.startswith(("filtering/", "ignoring/", "paged/")) and self.command == "GET":
        subject = parts[1]
        manifests = list(REFERRERS) if subject == SUBJECT else []
        headers = {}
        if "artifactType" in query and repo.startswith(("filtering/", "paged/")):
            manifests = [m for m in manifests if m.get("artifactType") == query["artifactType"]]
            headers["OCI-Filters-Applied"] = "artifactType"
        if repo.startswith("paged/"):
            # One descriptor a page, the next one linked as the spec allows.
            start = int(query.get("page", "0"))
            if start + 1 < len(manifests):
                params = dict(query, page=str(start + 1))
                headers["Link"] = '<%s?%s>; rel="next"' % (path, urllib.parse.urlencode(params))
            manifests = manifests[start:start + 1]
        body = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
        return self.send(200, body, headers, content_type=OCI_INDEX)
    if "/manifests/" in path:
        return self.send(200, DECOY_INDEX, {"Docker-Content-Digest": sha256(DECOY_INDEX)},
                         content_type=OCI_INDEX)
    return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")

# A manifest as pushed, and the same manifest with one byte changed, as a corrupted or
# tampered registry would serve it.
ORIGINAL = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                       "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                                  "digest": sha256(b"{}"), "size": 2},
                       "layers": [], "annotations": {"note": "as pushed"}}).encode()
TAMPERED = ORIGINAL.replace(b"as pushed", b"as pwned!")

def tampered(self, path):
    """GET/HEAD /v2/<repo>/manifests/<ref>, where <ref> is the tag "v1" or ORIGINAL's digest:
    "honest/app" serves ORIGINAL with its digest; "tampered/app" serves TAMPERED while announcing
    ORIGINAL's digest in Docker-Content-Digest; "substituted/app" serves TAMPERED and announces
    TAMPERED's own digest; "lying-header/app" serves ORIGINAL but announces TAMPERED's digest."""
    prefix, _, reference = path.partition("/manifests/")
    repo = prefix[len("/v2/"):]
    if reference not in ("v1", sha256(ORIGINAL)):
        return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
    body, announced = {
        "honest/app": (ORIGINAL, sha256(ORIGINAL)),
        "tampered/app": (TAMPERED, sha256(ORIGINAL)),
        "substituted/app": (TAMPERED, sha256(TAMPERED)),
        "lying-header/app": (ORIGINAL, sha256(TAMPERED)),
    }.get(repo, (None, None))
    if body is None:
        return self.error(404, "NAME_UNKNOWN", "repository name not known to registry")
    return self.send(200, body, {"Docker-Content-Digest": announced}, content_type=OCI_MANIFEST)

Handler.referrers = referrers
Handler.tampered = tampered

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def jwt_token(self, query):
    """Docker's token server for a real distribution registry: RS256 JWTs signed by the key in
    argv[2], with the certificate of argv[3] in the x5c header, granting what the scopes ask."""
    key, cert, issuer = sys.argv[2], sys.argv[3], sys.argv[4]
    scopes, ok = self.token_request(query)
    if not ok:
        return self.error(401, "UNAUTHORIZED", "bad credentials")
    access = []
    for scope in scopes:
        kind, rest = scope.split(":", 1)
        name, actions = rest.rsplit(":", 1)
        access.append({"type": kind, "name": name, "actions": actions.split(",")})
    der = "".join(line for line in open(cert).read().splitlines() if not line.startswith("-----"))
    now = int(time.time())
    header = {"typ": "JWT", "alg": "RS256", "x5c": [der]}
    claims = {"iss": issuer, "sub": USER, "aud": query.get("service"), "exp": now + 300,
              "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(), "access": access}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input.encode(),
                               capture_output=True, check=True).stdout
    token = signing_input + "." + b64url(signature)
    return self.send(200, {"token": token, "expires_in": 300})

Handler.jwt_token = jwt_token

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_port, flush=True)
server.serve_forever()
