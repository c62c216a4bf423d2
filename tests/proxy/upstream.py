"""A small real backend for shop.yaml with deliberate contract breaks, served by uvicorn on 127.0.0.1.

| request | answer |
| --- | --- |
| GET /api/pets | 200, the pets, X-Total-Count, two Set-Cookie headers |
| GET /api/pets?break=header | 200 without the required X-Total-Count |
| GET /api/pets?break=body | 200 with a pet whose id is a string |
| GET /api/pets?gzip=1 | the same answers, gzip-encoded (Content-Encoding: gzip) |
| GET /api/pets/{id} | 200 the pet, or the documented 404 {code, message} |
| POST /api/pets, DELETE /api/pets/{id} | create (201) / delete (204) |
| GET, POST /api/pets/{id}/visits | the pet's visits |
| GET /api/users/{id} | a user carrying a password, an API token and a recovery code |
| GET /api/orders | 501: not implemented yet |
| GET /api/orders/{id} | 404 text/html "Cannot GET" (a framework's page for a route it lacks) |
| GET /api/stats | 200 text/plain: the wrong content type |
| GET /api/teapot | 418: an undocumented status |
| POST /api/echo | 200 application/json, the request body as it came |
| GET /api/export?size=N&chunk=C | N bytes of application/octet-stream in chunks of C, no Content-Length; |
|   ...&gate=G | after G bytes, waits until ``release`` is set (at most 10 s) |
| GET /api/undocumented | 200 {"hello": "world"} (a path the spec does not have) |
| PUT /api/uploads/{name} | 201 {name, size, sha256} of the body, read as it arrives (``uploads``); once |
|   | ``upload_gate`` bytes have come, ``upload_started`` is set (the client may wait for it) |

Every answer but the export's carries Content-Length (also for HEAD, whose body uvicorn leaves out).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
JSON = [(b"content-type", b"application/json")]
USER = {
    "id": 7,
    "name": "Ann",
    "password": "hunter2-password",
    "apiToken": "tok-4f9a1c2e-secret",
    "recoveryCode": "RC-123-secret",
}


class Shop:
    """The backend; ``seen`` lists every request it received, ``release`` opens a gated export."""

    def __init__(self) -> None:
        self.pets: dict[int, dict[str, Any]] = {
            1: {"id": 1, "name": "Rex", "tag": "dog"},
            2: {"id": 2, "name": "Tom", "tag": "cat"},
            3: {"id": 3, "name": "Nemo"},
        }
        self.visits: dict[int, list[dict[str, Any]]] = {2: [{"id": 1, "petId": 2, "reason": "vaccine"}]}
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self.release = threading.Event()
        self.export_done_at: float | None = None
        self.gate_timed_out = False
        self.upload_gate = 1 << 20
        self.upload_started = threading.Event()
        self.uploads: dict[str, dict[str, Any]] = {}  # complete uploads by name
        self.broken_uploads: list[str] = []  # uploads whose body never ended

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["path"].startswith("/api/uploads/"):
            await self._upload(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        path, method = scope["path"], scope["method"]
        self.seen.append((method, path, headers))
        query = {
            k: v[-1] for k, v in parse_qs(scope["query_string"].decode(), keep_blank_values=True).items()
        }
        if path == "/api/export":
            await self._export(send, query)
            return
        status, extra, payload = self._answer(method, path, query, body)
        if status not in (204, 304):
            extra = [*extra, (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": payload})

    def _answer(
        self, method: str, path: str, query: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "pets"]:
            return self._pets(method, parts[2:], query, body)
        if parts[:2] == ["api", "users"] and len(parts) == 3:
            return 200, JSON, json.dumps({**USER, "id": int(parts[2])}).encode()
        if path == "/api/orders":
            return 501, JSON, b'{"error": "not implemented"}'
        if parts[:2] == ["api", "orders"]:
            return 404, [(b"content-type", b"text/html")], b"<pre>Cannot GET " + path.encode() + b"</pre>"
        if path == "/api/stats":
            return 200, [(b"content-type", b"text/plain")], b"pets=3"
        if path == "/api/teapot":
            return 418, JSON, b'{"tea": "earl grey"}'
        if path == "/api/echo":
            return 200, JSON, body
        if path == "/api/undocumented":
            return 200, JSON, b'{"hello": "world"}'
        return 404, JSON, b'{"code": 404, "message": "no route"}'

    def _pets(
        self, method: str, rest: list[str], query: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if not rest and method == "POST":
            new_id = max(self.pets, default=0) + 1
            self.pets[new_id] = {"id": new_id, **json.loads(body)}
            return 201, JSON, json.dumps(self.pets[new_id]).encode()
        if not rest:
            pets = list(self.pets.values())
            headers = [
                *JSON,
                (b"set-cookie", b"a=1; Path=/"),
                (b"set-cookie", b"b=2; Path=/"),
                (b"x-shop", b"v1"),
            ]
            if query.get("break") == "body":
                pets = [{"id": "x", "name": "Bad"}]
            if query.get("break") != "header":
                headers.append((b"x-total-count", str(len(pets)).encode()))
            if query.get("gzip"):
                return (
                    200,
                    [*headers, (b"content-encoding", b"gzip")],
                    gzip.compress(json.dumps(pets).encode(), mtime=0),  # same bytes every second
                )
            return 200, headers, json.dumps(pets).encode()
        pet_id = int(rest[0]) if rest[0].isdigit() else -1
        if pet_id not in self.pets:
            return 404, JSON, json.dumps({"code": 404, "message": f"no pet {rest[0]}"}).encode()
        if len(rest) == 2:
            visits = self.visits.setdefault(pet_id, [])
            if method == "POST":
                visits.append({"id": len(visits) + 1, "petId": pet_id, **json.loads(body)})
                return 201, JSON, json.dumps(visits[-1]).encode()
            return 200, JSON, json.dumps(visits).encode()
        if method == "DELETE":
            del self.pets[pet_id]
            return 204, [], b""
        return 200, JSON, json.dumps(self.pets[pet_id]).encode()

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = scope["path"].rsplit("/", 1)[1]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        self.seen.append((scope["method"], scope["path"], headers))
        digest, size = hashlib.sha256(), 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.broken_uploads.append(name)
                return
            chunk = message.get("body", b"")
            digest.update(chunk)
            size += len(chunk)
            if size >= self.upload_gate:
                self.upload_started.set()
            if not message.get("more_body"):
                break
        self.uploads[name] = {"name": name, "size": size, "sha256": digest.hexdigest()}
        payload = json.dumps(self.uploads[name]).encode()
        extra = [*JSON, (b"content-length", str(len(payload)).encode())]
        await send({"type": "http.response.start", "status": 201, "headers": extra})
        await send({"type": "http.response.body", "body": payload})

    async def _export(self, send: Send, query: dict[str, str]) -> None:
        size, chunk = int(query.get("size", "1000")), int(query.get("chunk", "65536"))
        gate = int(query.get("gate", "-1"))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/octet-stream")],
            }
        )
        sent = 0
        block = bytes(range(256)) * (chunk // 256 + 1)
        while sent < size:
            if sent == gate:
                deadline = time.monotonic() + 10
                while not self.release.is_set():
                    if time.monotonic() > deadline:
                        self.gate_timed_out = True
                        break
                    await asyncio.sleep(0.01)
            piece = block[: min(chunk, size - sent)]
            sent += len(piece)
            await send({"type": "http.response.body", "body": piece, "more_body": sent < size})
        self.export_done_at = time.monotonic()


def export_bytes(size: int, chunk: int = 65536) -> bytes:
    """What ``GET /api/export?size=N&chunk=C`` sends."""
    block = bytes(range(256)) * (chunk // 256 + 1)
    out = bytearray()
    while len(out) < size:
        out += block[: min(chunk, size - len(out))]
    return bytes(out)
