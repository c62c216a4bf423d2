"""The I/O shell: ASGI or RSGI in, MockRequest → pipeline → MockResponse, ASGI or RSGI out.

The only module that imports connexion or starlette. Connexion routes (its RoutingMiddleware,
built from a derived routing document); nothing else of its per-request stack runs, because
security, validation and generation are precompiled pipeline stages of our own.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

with warnings.catch_warnings():
    # Importing connexion warns about its own dependencies (starlette.testclient without httpx2,
    # jsonschema's RefResolver). Nothing a user can act on, and fatal under `-W error`: users who run
    # their suites with warnings as errors must still be able to use specmock.
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    warnings.filterwarnings("ignore", message=r"jsonschema\.\S+ is deprecated", category=DeprecationWarning)
    from connexion.middleware.routing import RoutingMiddleware
    from connexion.resolver import Resolution, Resolver
    from connexion.spec import Specification
    from starlette.exceptions import HTTPException
    from starlette.routing import Mount, Router

from specmock import admin
from specmock.browser import CorsPolicy, admin_refusal, host_name, preflight
from specmock.config import MockConfig
from specmock.diagnostics import Diagnostic, Kind
from specmock.journal import Journal
from specmock.memo import Memo
from specmock.pipeline import flow
from specmock.pipeline.request import MockRequest, header_items_to_dict, header_pairs_to_dict
from specmock.pipeline.serialize import MockResponse, encode_pairs, header_text
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
    """The application serving one or more APIs: an ASGI app, and an RSGI one for Granian."""

    def __init__(self, apis: Sequence[Api], config: MockConfig) -> None:
        self.apis = list(apis)
        self.config = config
        self.journal = Journal()
        self.cors = CorsPolicy(config.cors_origins) if config.cors else None
        self._own_hosts = frozenset(h.lower() for h in (config.host, *config.allowed_hosts))
        self._length_digits = len(str(config.max_body))  # a Content-Length this short is within it
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
        body = await _read_body(receive, headers, self.config.max_body)
        server = scope.get("server") or ("", None)
        response, extra = await self.answer(method, scope["path"], query, headers, body, str(server[0]))
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
        headers = header_pairs_to_dict(scope.headers.items())
        length = headers.get("content-length")
        try:
            if length is None:
                chunked = "transfer-encoding" in headers
                body = await _read_chunked(protocol, self.config.max_body) if chunked else await protocol()
            elif len(length) < self._length_digits:
                body = await protocol()  # Granian admits a length of digits only, and reads no more than it
            else:
                body = await protocol() if _fits(length, self.config.max_body) else None
        except RuntimeError:  # Granian's RSGIProtocolClosed: a malformed chunked body, or the client left
            _unreadable_body(protocol)
            return
        query = scope.query_string
        response, extra = await self.answer(scope.method, scope.path, query, headers, body, scope.server)
        text = response.text_headers()
        protocol.response_bytes(response.status, text + list(extra) if extra else text, response.body)

    async def answer(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes | None,
        server_host: str = "",
    ) -> tuple[MockResponse, tuple[tuple[str, str], ...]]:
        """The answer to one request, and the header pairs the shell adds to it (CORS, violations).

        ``body`` is None when it was larger than ``max_body`` (and left unread); ``server_host`` is
        the address the server is bound to (``host:port``), a Host the admin API answers to.
        """
        full_path = path + "?" + query if query else path
        if path.startswith(ADMIN_PREFIX) or (
            path == "/" and method in ("GET", "HEAD") and not self._claims_root()
        ):
            # Admin calls stay out of the journal, and carry no CORS headers.
            request = MockRequest(method, path, query, headers, body or b"", full_path)
            response = self._admin(request, body is None, server_host)
            return response, self._extra(response, headers, cors=False)
        if method == "OPTIONS" and self.cors is not None and "access-control-request-method" in headers:
            response = self._preflight(path, headers)
            return response, self._extra(response, headers)
        target = self._routes.get((method, path))
        if target is None:
            target = await self._route(method, path)
        if isinstance(target, MockResponse):
            self.journal.record(MockRequest(method, path, query, headers, b"", full_path), target, "")
            return target, self._extra(target, headers)
        api, key, label = self._targets[target]
        base = api.base_path
        relative = path[len(base) :] if base and path.startswith(base) else path
        request = MockRequest(method, relative, query, headers, body or b"", full_path)
        try:
            if body is None:
                response = flow.refuse(api, key, request, self._too_large())
            else:
                response = flow.run(api, key, request)
        except Exception:
            log.exception("%s %s: internal error in specmock", method, full_path)
            response = problem_response(500, "specmock failed to answer this request; see the server log")
        self.journal.record(request, response, label)
        return response, self._extra(response, headers)

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

    def _admin(self, request: MockRequest, too_large: bool, server_host: str) -> MockResponse:
        own_hosts = self._own_hosts | {host_name(server_host)} if server_host else self._own_hosts
        refused = admin_refusal(request.method, request.headers, own_hosts, request.content_type)
        if refused is not None:
            return refused
        if too_large:
            return problem_response(413, self._too_large().message)
        return admin.handle(self, request)

    def _too_large(self) -> Diagnostic:
        message = f"the request body is larger than {self.config.max_body} bytes (--max-body)"
        return Diagnostic(Kind.TOO_LARGE, message, "body")

    def _preflight(self, path: str, headers: dict[str, str]) -> MockResponse:
        """The path's documented methods, and the headers its operations read (or any frontend sends)."""
        matching = self._matching(path)
        if not matching:
            return not_found(path)
        documented: set[str] = set()
        for index, operation in matching:
            documented.update(self.apis[index].compiled(operation.key).fingerprint_headers)
        methods = {operation.method for _, operation in matching}
        return preflight(methods, documented, headers.get("access-control-request-headers", ""))

    def _extra(
        self, response: MockResponse, headers: dict[str, str], cors: bool = True
    ) -> tuple[tuple[str, str], ...]:
        extra: tuple[tuple[str, str], ...] = ()
        if response.violations:
            extra = (("specmock-violations", header_text("; ".join(response.violations)[:2000])),)
        if cors and self.cors is not None:
            extra += self.cors.headers(headers.get("origin"))
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


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes | None:
    """The ASGI request body, or None once it is larger than ``limit`` (the rest is left unread)."""
    if not _fits(headers.get("content-length"), limit):
        return None
    message = await receive()
    if message["type"] != "http.request":
        return b""
    if not message.get("more_body", False):
        body: bytes = message.get("body", b"")
        return body if len(body) <= limit else None
    chunks = [message.get("body", b"")]
    size = len(chunks[0])
    while size <= limit:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks) if size <= limit else None


async def _read_chunked(protocol: Any, limit: int) -> bytes | None:
    """A chunked RSGI request body, read chunk by chunk: None once it is larger than ``limit``
    (the rest is left unread)."""
    chunks = []
    size = 0
    async for chunk in protocol:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _unreadable_body(protocol: Any) -> None:
    response = problem_response(
        400, "the request body cannot be read: malformed chunked encoding, or the connection closed early"
    )
    with contextlib.suppress(RuntimeError):  # the client may be gone already
        protocol.response_bytes(response.status, response.text_headers(), response.body)


def _fits(length: str | None, limit: int) -> bool:
    """A declared Content-Length within ``limit`` (None: none declared)."""
    if length is None:
        return True
    length = length.strip()
    return not (length.isascii() and length.isdigit()) or (len(length) <= 18 and int(length) <= limit)


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
