"""The I/O shell: ASGI in, MockRequest → pipeline → MockResponse, ASGI out.

The only module that imports connexion or starlette. Connexion routes (its RoutingMiddleware,
built from a derived routing document); nothing else of its per-request stack runs, because
security, validation and generation are precompiled pipeline stages of our own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from connexion.middleware.routing import RoutingMiddleware
from connexion.resolver import Resolution, Resolver
from connexion.spec import Specification
from starlette.exceptions import HTTPException
from starlette.routing import Mount, Router

from specmock import admin
from specmock.config import MockConfig
from specmock.journal import Journal
from specmock.memo import Memo
from specmock.pipeline import flow
from specmock.pipeline.request import MockRequest, header_items_to_dict
from specmock.pipeline.serialize import MockResponse, header_bytes
from specmock.problems import method_not_allowed, not_found, problem_response
from specmock.runtime import Api
from specmock.spec.model import Operation
from specmock.spec.routing import routing_document, routing_key, specificity

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
log = logging.getLogger("specmock")
ADMIN_PREFIX = admin.PREFIX
ROUTE_MEMO_SIZE = 8192


class _OperationKeys(Resolver):  # type: ignore[misc]  # connexion ships no type hints
    """Operations are already keyed in the routing document; no view function is imported."""

    def resolve(self, operation: Any) -> Resolution:
        return Resolution(_unreachable, operation.operation_id)


def _unreachable(*_: Any) -> None:
    raise AssertionError("specmock routes with Connexion but never calls view functions")


class SpecmockApp:
    """The ASGI application serving one or more APIs."""

    def __init__(self, apis: Sequence[Api], config: MockConfig) -> None:
        self.apis = list(apis)
        self.config = config
        self.journal = Journal()
        # Connexion's routing decision depends only on (method, path): remember it, so a repeated
        # request skips the Starlette router walk.
        self._routes = Memo(ROUTE_MEMO_SIZE)  # (method, path) → routing key
        self._targets: dict[str, tuple[Api, str, str]] = {}  # routing key → (api, operation key, label)
        self.router = RoutingMiddleware(self._routed)
        for index, api in enumerate(self.apis):
            for key in api.operations:
                self._targets[routing_key(index, key)] = (api, key, f"{api.name}:{key}")
            document = routing_document(index, api.name, api.operations)
            self.router.add_api(
                Specification.from_dict(document), base_path=api.base_path, resolver=_OperationKeys()
            )
        _no_slash_redirects(self.router.router)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith(ADMIN_PREFIX) or (
            path == "/" and scope["method"] in ("GET", "HEAD") and not self._claims_root()
        ):
            request = await self._request(scope, receive, "")
            # Admin calls stay out of the journal.
            await self._send(send, admin.handle(self, request), scope, None)
            return
        if scope["method"] == "OPTIONS" and self.config.cors and _is_preflight(scope):
            await self._send(send, _preflight(scope), scope, None)
            return
        routed = self._routes.get((scope["method"], path))
        if routed is not None:
            await self._answer(scope, receive, send, routed)
            return
        scope["app"] = self  # makes Starlette raise HTTPException(405) instead of answering in plain text
        try:
            await self.router(scope, receive, send)
        except HTTPException as exc:
            request = await self._request(scope, receive, "")
            answer = (
                method_not_allowed(path, self._allowed(path)) if exc.status_code == 405 else not_found(path)
            )
            await self._send(send, answer, scope, request)

    async def _routed(self, scope: Scope, receive: Receive, send: Send) -> None:
        routing = scope.get("extensions", {}).get("connexion_routing", {})
        operation_id = routing.get("operation_id")
        path: str = scope["path"]
        if operation_id is None:
            # Starlette's mount pattern (`.*`) stops at a newline (`/tokens/a%0Ab/`): the same
            # templates, matched here in Connexion's order, settle what it could not.
            operation_id = self._template_route(scope["method"], path)
        if operation_id is None:
            request = await self._request(scope, receive, "")
            allowed = self._allowed(path)
            answer = method_not_allowed(path, allowed) if allowed else not_found(path)
            await self._send(send, answer, scope, request)
            return
        self._routes.put((scope["method"], path), operation_id)
        await self._answer(scope, receive, send, operation_id)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, operation_id: str) -> None:
        api, key, label = self._targets[operation_id]
        request = await self._request(scope, receive, api.base_path)
        try:
            response = flow.run(api, key, request)
        except Exception:
            log.exception("%s %s: internal error in specmock", request.method, request.full_path)
            response = problem_response(500, "specmock failed to answer this request; see the server log")
        await self._send(send, response, scope, request, label)

    def _claims_root(self) -> bool:
        return any(
            api.base_path == "" and any(op.path == "/" for op in api.operations.values()) for api in self.apis
        )

    def _matching(self, path: str) -> list[tuple[int, Operation]]:
        """Operations whose template matches the path, most specific first (as they are routed)."""
        found = []
        for index, api in enumerate(self.apis):
            if api.base_path and not path.startswith(api.base_path):
                continue
            relative = path[len(api.base_path) :]
            found += [(index, op) for op in api.operations.values() if op.path_regex.match(relative)]
        return sorted(found, key=lambda item: specificity(item[1].path))

    def _allowed(self, path: str) -> list[str]:
        return sorted({op.method for _, op in self._matching(path)})

    def _template_route(self, method: str, path: str) -> str | None:
        return next((routing_key(i, op.key) for i, op in self._matching(path) if op.method == method), None)

    def reset(self) -> None:
        """Every API back to its starting records (seeded, or the fixtures), and the journal cleared."""
        for api in self.apis:
            api.reset()
        self.journal.clear()

    async def _request(self, scope: Scope, receive: Receive, base_path: str) -> MockRequest:
        body = await _read_body(receive)
        path: str = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        return MockRequest(
            method=scope["method"],
            path=path[len(base_path) :] if base_path and path.startswith(base_path) else path,
            raw_query=query,
            headers=header_items_to_dict(scope.get("headers", [])),
            body=body,
            full_path=path + ("?" + query if query else ""),
        )

    async def _send(
        self,
        send: Send,
        response: MockResponse,
        scope: Scope,
        request: MockRequest | None,
        operation: str = "",
    ) -> None:
        headers = response.raw_headers()
        if response.violations:
            headers.append((b"specmock-violations", header_bytes("; ".join(response.violations)[:2000])))
        if self.config.cors:
            origin = request.headers.get("origin") if request is not None else _header(scope, b"origin")
            headers.extend(_cors_headers(origin))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else response.body
        await send({"type": "http.response.body", "body": body})
        if request is not None:
            self.journal.record(request, response, operation)


def _no_slash_redirects(router: Router) -> None:
    """A missing or extra trailing slash is a spec-shaped 404, not a framework redirect."""
    router.redirect_slashes = False
    for route in router.routes:
        if isinstance(route, Mount) and isinstance(route.app, Router):
            _no_slash_redirects(route.app)


async def _read_body(receive: Receive) -> bytes:
    message = await receive()
    if message["type"] != "http.request":
        return b""
    if not message.get("more_body", False):
        return message.get("body", b"")  # type: ignore[no-any-return]
    chunks = [message.get("body", b"")]
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _is_preflight(scope: Scope) -> bool:
    return _header(scope, b"access-control-request-method") is not None


def _preflight(scope: Scope) -> MockResponse:
    requested = _header(scope, b"access-control-request-headers")
    headers = {
        "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        "Access-Control-Max-Age": "600",
    }
    if requested:
        headers["Access-Control-Allow-Headers"] = requested
    return MockResponse(204, b"", None, headers)


ANY_ORIGIN = ((b"access-control-allow-origin", b"*"),)


def _cors_headers(origin: str | None) -> Sequence[tuple[bytes, bytes]]:
    if origin is None:
        return ANY_ORIGIN
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", b"*"),
        (b"vary", b"Origin"),
    ]
