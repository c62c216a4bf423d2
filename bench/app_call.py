"""One HTTP request to an app in-process (no server), through ASGI or through RSGI (what Granian,
the server of ``specmock serve``, calls).

Used by the bench scripts that ask specmock itself: ``ceiling_app.py --replay`` (specmock's answer,
replayed by the ceiling) and ``inprocess.py`` (the CPU cost of a request).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


def http_scope(method: str, target: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """The ASGI scope of ``method target`` (path and query) from 127.0.0.1."""
    path, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }


async def call(app: App, scope: dict[str, Any], body: bytes) -> list[Message]:
    """Send one request with ``body``; the response messages (start, then the body parts)."""
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


class RsgiHeaders:
    """What Granian's ``scope.headers`` offers the app: lower-case names, decoded values."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return list(self._pairs)

    def get(self, name: str, default: Any = None) -> Any:
        return next((v for k, v in self._pairs if k == name.lower()), default)


class RsgiScope:
    def __init__(self, method: str, target: str, headers: list[tuple[str, str]]) -> None:
        self.proto = "http"
        self.http_version = "1.1"
        self.server = "127.0.0.1:80"
        self.method = method
        self.path, _, self.query_string = target.partition("?")
        self.headers = RsgiHeaders(headers)


class RsgiProtocol:
    """One request's body in, the app's ``response_bytes`` call recorded."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.sent = b""

    async def __call__(self) -> bytes:
        return self.body

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.sent = status, headers, body


async def call_rsgi(app: Any, scope: RsgiScope, body: bytes) -> RsgiProtocol:
    protocol = RsgiProtocol(body)
    await app.__rsgi__(scope, protocol)
    return protocol
