"""The I/O shell: ASGI or RSGI in, MockRequest → pipeline → MockResponse, ASGI or RSGI out.

The only module that imports connexion or starlette. Connexion routes (its RoutingMiddleware,
built from a derived routing document); nothing else of its per-request stack runs, because
security, validation and generation are precompiled pipeline stages of our own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any, NamedTuple

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
from specmock.pipeline.request import MockRequest, header_items_to_dict, header_pairs_to_dict
from specmock.pipeline.serialize import MockResponse, encode_pairs, header_text, wire_headers
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


class Target(NamedTuple):
    """Where a request is routed: the API, the operation key, its journal label, the path inside the API."""

    api: Api
    key: str
    label: str
    path: str


class _OperationKeys(Resolver):  # type: ignore[misc]  # connexion ships no type hints
    """Operations are already keyed in the routing document; no view function is imported."""

    def resolve(self, operation: Any) -> Resolution:
        return Resolution(_unreachable, operation.operation_id)


def _unreachable(*_: Any) -> None:
    raise AssertionError("specmock routes with Connexion but never calls view functions")


class SpecmockApp:
    """The application serving one or more APIs: an ASGI app, and an RSGI one for Granian."""

    def __init__(self, apis: Sequence[Api], config: MockConfig) -> None:
        self.apis = list(apis)
        self.config = config
        self.journal = Journal()
        # Connexion's routing decision depends only on (method, path): remember it, so a repeated
        # request skips the Starlette router walk.
        self._routes = Memo(ROUTE_MEMO_SIZE)  # (method, path) → routing key
        self._targets: dict[str, tuple[Api, str, str]] = {}  # routing key → (api, operation key, label)
        self.router = RoutingMiddleware(_routed)
        for index, api in enumerate(self.apis):
            for key in api.operations:
                self._targets[routing_key(index, key)] = (api, key, f"{api.name}:{key}")
            document = routing_document(index, api.name, api.operations)
            self.router.add_api(
                Specification.from_dict(document), base_path=api.base_path, resolver=_OperationKeys()
            )
        _no_slash_redirects(self.router.router)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI: in-process clients (httpx's ASGITransport, the pytest plugin) and ASGI servers."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method: str = scope["method"]
        query = scope.get("query_string", b"").decode("latin-1")
        headers = header_items_to_dict(scope.get("headers", []))
        response, extra = await self.answer(method, scope["path"], query, headers, await _read_body(receive))
        raw = response.raw_headers()
        if extra:
            raw.extend(encode_pairs(extra))
        await send({"type": "http.response.start", "status": response.status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else response.body})

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        """RSGI, Granian's own interface (what ``specmock serve`` runs): no per-request message dicts,
        and the server adds ``Content-Length`` and leaves out a HEAD answer's body itself."""
        if scope.proto != "http":
            return
        body = await protocol()
        headers = header_pairs_to_dict(scope.headers.items())
        response, extra = await self.answer(scope.method, scope.path, scope.query_string, headers, body)
        text = response.text_headers()
        protocol.response_bytes(response.status, text + list(extra) if extra else text, response.body)

    async def answer(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[MockResponse, tuple[tuple[str, str], ...]]:
        """The answer to one request, and the header pairs the shell adds to it (CORS, violations)."""
        full_path = path + "?" + query if query else path
        if path.startswith(ADMIN_PREFIX) or (
            path == "/" and method in ("GET", "HEAD") and not self._claims_root()
        ):
            # Admin calls stay out of the journal.
            response = admin.handle(self, MockRequest(method, path, query, headers, body, full_path))
            return response, self._extra(response, headers)
        if method == "OPTIONS" and self.config.cors and "access-control-request-method" in headers:
            response = _preflight(headers)
            return response, self._extra(response, headers)
        target = self._routes.get((method, path))
        if target is None:
            target = await self._route(method, path)
        if isinstance(target, MockResponse):
            self.journal.record(MockRequest(method, path, query, headers, body, full_path), target, "")
            return target, self._extra(target, headers)
        api, key, label = self._targets[target]
        base = api.base_path
        relative = path[len(base) :] if base and path.startswith(base) else path
        request = MockRequest(method, relative, query, headers, body, full_path)
        try:
            response = flow.run(api, key, request)
        except Exception:
            log.exception("%s %s: internal error in specmock", method, full_path)
            response = problem_response(500, "specmock failed to answer this request; see the server log")
        self.journal.record(request, response, label)
        return response, self._extra(response, headers)

    async def resolve(self, method: str, path: str) -> Target | MockResponse:
        """Which operation answers (method, path), as the mock routes it (for the proxy): the API,
        the operation key, its journal label and the path inside the API; or the 404 / 405 answer
        for a path or a method no served document has."""
        target = self._routes.get((method, path))
        if target is None:
            target = await self._route(method, path)
        if isinstance(target, MockResponse):
            return target
        api, key, label = self._targets[target]
        base = api.base_path
        return Target(api, key, label, path[len(base) :] if base and path.startswith(base) else path)

    async def _route(self, method: str, path: str) -> str | MockResponse:
        """Connexion's routing decision for (method, path): the operation's routing key (remembered),
        or the 404 or 405 answer."""
        # Starlette raises HTTPException(405) with "app" in the scope instead of answering in plain
        # text; the routing extension lands in the shared "extensions" dict of Connexion's copy.
        scope: Scope = {
            "type": "http",
            "method": method,
            "path": path,
            "root_path": "",
            "query_string": b"",
            "headers": [],
            "app": self,
            "extensions": {},
        }
        try:
            await self.router(scope, _no_body, _nowhere)
        except HTTPException as exc:
            if exc.status_code == 405:
                return method_not_allowed(path, self._allowed(path))
            return not_found(path)
        operation_id = scope["extensions"].get("connexion_routing", {}).get("operation_id")
        if operation_id is None:
            # Starlette's mount pattern (`.*`) stops at a newline (`/tokens/a%0Ab/`): the same
            # templates, matched here in Connexion's order, settle what it could not.
            operation_id = self._template_route(method, path)
        if operation_id is None:
            allowed = self._allowed(path)
            return method_not_allowed(path, allowed) if allowed else not_found(path)
        self._routes.put((method, path), operation_id)
        return str(operation_id)

    def _extra(self, response: MockResponse, headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
        extra: tuple[tuple[str, str], ...] = ()
        if response.violations:
            extra = (("specmock-violations", header_text("; ".join(response.violations)[:2000])),)
        if self.config.cors:
            extra += _cors_headers(headers.get("origin"))
        return extra

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


async def _routed(scope: Scope, receive: Receive, send: Send) -> None:
    """Connexion's next app: the decision is already in the scope's routing extension."""


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


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _nowhere(message: Message) -> None:
    raise AssertionError("routing answers nothing itself")


def _preflight(headers: dict[str, str]) -> MockResponse:
    requested = headers.get("access-control-request-headers")
    answer = {
        "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        "Access-Control-Max-Age": "600",
    }
    if requested:
        answer["Access-Control-Allow-Headers"] = requested
    return MockResponse(204, b"", None, wire_headers(answer))


ANY_ORIGIN = (("access-control-allow-origin", "*"),)


def _cors_headers(origin: str | None) -> tuple[tuple[str, str], ...]:
    if origin is None:
        return ANY_ORIGIN
    return (
        ("access-control-allow-origin", header_text(origin)),
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "*"),
        ("vary", "Origin"),
    )
