"""A small CRUD server for `specs/items.yaml`, right or wrong about deleting (`forgetful=True`)."""

from __future__ import annotations

import json
from typing import Any

from tests.verify.wrong_server import Receive, Scope, Send

Answer = tuple[int, Any]


class ItemsApp:
    """`forgetful`: DELETE answers 204 and keeps the item, so it can still be read (use after free)."""

    def __init__(self, *, forgetful: bool) -> None:
        self.forgetful = forgetful
        self.items: dict[int, dict[str, Any]] = {}

    def create(self, body: bytes) -> Answer:
        try:
            data = json.loads(body)
        except ValueError:
            return 422, {"message": "not JSON"}
        valid = isinstance(data, dict) and set(data) == {"name"} and isinstance(data["name"], str)
        if not valid or not 1 <= len(data["name"]) <= 20:
            return 422, {"message": "invalid"}
        item = {"id": len(self.items) + 1, "name": data["name"]}
        self.items[item["id"]] = item
        return 201, item

    def one(self, method: str, raw_id: str) -> Answer:
        if not raw_id.isdigit() or int(raw_id) < 1:
            return 422, {"message": "invalid id"}
        item = self.items.get(int(raw_id))
        if item is None:
            return 404, {"message": "not found"}
        if method == "GET":
            return 200, item
        if not self.forgetful:
            del self.items[item["id"]]
        return 204, None

    def answer(self, method: str, path: str, body: bytes) -> Answer:
        parts = [p for p in path.split("/") if p]
        if parts == ["items"] and method == "POST":
            return self.create(body)
        if len(parts) == 2 and parts[0] == "items" and method in ("GET", "DELETE"):
            return self.one(method, parts[1])
        return 404, {"message": "no route"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = bool(message.get("more_body"))
        status, payload = self.answer(scope["method"], scope["path"], body)
        content = b"" if payload is None else json.dumps(payload).encode()
        headers = [(b"content-type", b"application/json")] if payload is not None else []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
