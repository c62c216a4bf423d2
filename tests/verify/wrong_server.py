"""A deliberately wrong Hellgate server: the contract check must catch each of its three defects.

- `GET /authentications` answers 200 with `{"data": "oops"}`: `data` must be an array (schema).
- `limit=abc` (anything not an integer) crashes into a 500 instead of the documented 422.
- `page=2` answers 418, a status the spec does not document.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

import uvicorn

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _answer(path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
    if path != "/authentications":
        return 404, {"code": 404, "message": "no such path"}
    limit = query.get("limit", ["50"])[-1]
    if not limit.lstrip("-").isdigit():
        return 500, {"error": f"invalid literal for int() with base 10: {limit!r}"}
    if query.get("page", ["1"])[-1] == "2":
        return 418, {"message": "I'm a teapot"}
    return 200, {"data": "oops", "pagination": {"current_page": 1, "page_size": 50}}


async def wrong_hellgate(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    query = parse_qs(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    status, body = _answer(scope["path"], query)
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(app: Callable[..., Awaitable[None]]) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 on a free port in a thread; yields the URL; stops by its own handle."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name=f"wrong-server:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the wrong server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
