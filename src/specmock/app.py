"""The I/O shell: ASGI or RSGI in, MockRequest → pipeline → MockResponse, ASGI or RSGI out.

The only module that imports connexion or starlette. Connexion routes (its RoutingMiddleware,
built from a derived routing document); nothing else of its per-request stack runs, because
security, validation and generation are precompiled pipeline stages of our own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import warnings
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NamedTuple

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
    from starlette.types import Message, Receive, Send
    from starlette.types import Scope as AsgiScope

from specmock import admin
from specmock.browser import CorsPolicy, admin_refusal, host_name, preflight
from specmock.config import MockConfig
from specmock.devloop.connections import drop_connection, parse_address
from specmock.devloop.disruption import CHAOS, Injection, chaos_status, disruptor_for, truncated
from specmock.diagnostics import Diagnostic, Kind
from specmock.journal import Journal
from specmock.memo import Memo
from specmock.messages.problems import (
    body_too_large,
    chaos_unavailable,
    connection_not_dropped,
    internal_error,
    method_not_allowed,
    not_found,
    problem_response,
    too_large_detail,
    unreadable_body,
)
from specmock.messages.requests import (
    ConsultedHeaders,
    MockRequest,
    header_items_to_dict,
    header_pairs_to_dict,
)
from specmock.messages.responses import MockResponse, encode_pairs, header_text
from specmock.openapi.routing import RouteTable, routing_document, routing_key, variants
from specmock.pipeline import flow
from specmock.repeats import SAFE_METHODS, Answers, Repeat, Repeats, RequestLine, keepable
from specmock.request_body import BodyError, RequestBody, content_length, declared_length
from specmock.runtime import Api
from specmock.sharing import StoreUnavailable

log = logging.getLogger("specmock")
ADMIN_PREFIX = admin.PREFIX
ROUTE_MEMO_SIZE = 8192


class Target(NamedTuple):
    """Where a request is routed: the API, the operation key, its journal label, the path inside the API."""

    api: Api
    key: str
    label: str
    path: str


class Routed(NamedTuple):
    """What routing found for (method, path): the API and the operations answering (one, or the
    variants of one URL, the first documented first), with the journal label of the first. Routing
    answers this or the 404 / 405 ``MockResponse``."""

    api: Api
    keys: tuple[str, ...]
    label: str


class _OperationKeys(Resolver):  # type: ignore[misc]  # connexion ships no type hints
    """Operations are already keyed in the routing document; no view function is imported."""

    def resolve(self, operation: Any) -> Resolution:
        return Resolution(_unreachable, operation.operation_id)


def _unreachable(*_: Any) -> None:
    raise AssertionError("specmock routes with Connexion but never calls view functions")


class Mounted:
    """The APIs being served and how a request reaches them. A reload builds a new one and swaps it
    in with one assignment: a request reads it once, so it sees the old documents or the new ones,
    never a mix."""

    def __init__(self, apis: Sequence[Api], config: MockConfig) -> None:
        self.apis = list(apis)
        self.disruptor = disruptor_for(config, self.apis)
        self.disrupting = self.disruptor.active  # any request may be disrupted without asking
        self.claims_root = any(
            api.base_path == "" and any(op.path == "/" for op in api.operations.values()) for api in self.apis
        )
        # Connexion's routing decision depends only on (method, path): remember it, so a repeated
        # request skips the Starlette router walk.
        self.routes = Memo(ROUTE_MEMO_SIZE)  # (method, path) → Routed
        self.targets: dict[str, Routed] = {}  # the routing document's operation id → what it routes to
        self.table = RouteTable([(api.base_path, api.operations) for api in self.apis])
        self.router = RoutingMiddleware(_routed)
        for index, api in enumerate(self.apis):
            for first, keys in variants(api.operations).items():
                self.targets[routing_key(index, first)] = Routed(api, keys, f"{api.name}:{first}")
            document = routing_document(index, api.name, api.operations)
            self.router.add_api(
                Specification.from_dict(document), base_path=api.base_path, resolver=_OperationKeys()
            )
        _no_slash_redirects(self.router.router)

    async def target(self, method: str, path: str) -> Routed | MockResponse:
        """The operations answering (method, path), or the 404 / 405 answer."""
        routed: Routed | None = self.routes.get((method, path))
        if routed is None:
            return await self.route(method, path)
        return routed

    async def route(self, method: str, path: str) -> Routed | MockResponse:
        """Connexion's routing decision for (method, path): the operations answering (remembered),
        or the 404 or 405 answer."""
        # Starlette raises HTTPException(405) with "app" in the scope instead of answering in plain
        # text; the routing extension lands in the shared "extensions" dict of Connexion's copy.
        scope: AsgiScope = {
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
                return method_not_allowed(path, self.table.allowed(path))
            return not_found(path)
        operation_id = scope["extensions"].get("connexion_routing", {}).get("operation_id")
        if operation_id is None or self._templated(operation_id):
            # The path's own template decides (OpenAPI matches concrete paths before templated ones):
            # Starlette falls through to a templated sibling that has the method (HEAD on `/users/me`,
            # which documents no GET, would be answered by GET `/users/{id}`), and its mount pattern
            # (`.*`) stops at a newline (`/tokens/a%0Ab/`).
            operation_id = self.table.route(method, path)
        if operation_id is None:
            allowed = self.table.allowed(path)
            return method_not_allowed(path, allowed) if allowed else not_found(path)
        return self.routes.put((method, path), self.targets[operation_id])

    def _templated(self, operation_id: str) -> bool:
        api, keys, _ = self.targets[operation_id]
        return "{" in api.operations[keys[0]].route


class Dropped(Exception):  # not an error: the shell's signal to answer nothing
    """Raised by ``answer`` when the request gets no answer at all (``fault=reset`` / ``timeout``):
    the shell waits ``wait`` seconds for the client to give up, then closes the connection."""

    def __init__(self, wait: float) -> None:
        super().__init__("no answer (injected fault)")
        self.wait = wait


NO_ANSWER = MockResponse(0)  # what the journal records for a request that got no answer


class SpecmockApp:
    """The application serving one or more APIs: an ASGI app, and an RSGI one for Granian."""

    def __init__(self, apis: Sequence[Api], config: MockConfig) -> None:
        self.config = config
        self.journal = Journal()
        self.repeats = Repeats(config.max_cache)  # answers to repeated safe requests (repeats.py)
        self.cors = CorsPolicy(config.cors_origins) if config.cors else None
        self._own_hosts = frozenset(h.lower() for h in (config.host, *config.allowed_hosts))
        self.mounted = Mounted(apis, config)
        self.reload_status: dict[str, Any] | None = None  # the last reload's outcome (devloop.reload)
        # Started in the server's event loop when it starts (the file watcher of --watch).
        self.on_start: list[Callable[[SpecmockApp], Coroutine[Any, Any, None]]] = []
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def apis(self) -> list[Api]:
        return self.mounted.apis

    def mount(self, apis: list[Api]) -> Mounted:
        """What serving ``apis`` takes (routing, injection decisions); a reload builds it off the
        event loop and swaps it in with one assignment to ``mounted``."""
        return Mounted(apis, self.config)

    async def resolve(self, method: str, path: str) -> Target | MockResponse:
        """Which operation answers (method, path), as the mock routes it (for the proxy): the API,
        the operation key, its journal label and the path inside the API; or the 404 / 405 answer
        for a path or a method no served document has."""
        mounted = self.mounted
        target = await mounted.target(method, path)
        if isinstance(target, MockResponse):
            return target
        api, keys, label = target  # variants of one URL: the first documented
        return Target(api, keys[0], label, _inside(api.base_path, path))

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Granian calls this in each worker's loop before the first request."""
        self._tasks = [loop.create_task(start(self)) for start in self.on_start]

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        for task in self._tasks:
            task.cancel()

    async def shutdown(self) -> None:
        """Nothing pooled to release (the proxy's app has upstream connections)."""

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        """ASGI: in-process clients (httpx's ASGITransport, the pytest plugin) and ASGI servers."""
        if scope["type"] == "lifespan":
            await _lifespan(self, receive, send)
            return
        if scope["type"] != "http":
            return
        method: str = scope["method"]
        query = scope.get("query_string", b"").decode("latin-1")
        raw_headers = scope.get("headers", [])
        plain = header_items_to_dict(raw_headers)
        safe = method in SAFE_METHODS
        headers = ConsultedHeaders(plain) if safe else plain  # what the answer reads of them is noted
        body = await _read_body(receive, headers, self.config.max_body)
        server = scope.get("server") or ("", None)
        request_line: RequestLine | None = None
        repeat = None
        if body == b"" and safe:
            asked = (method, query, "asgi")  # the body is read: its framing is past
            request_line = (scope["path"], asked, raw_headers)
            seen: Answers | None = self.repeats.get(scope["path"])
            repeat = seen.find(asked, plain) if seen is not None else None
            if repeat is not None and repeat.shared and not await _caught_up(repeat.api):
                repeat = None
        if repeat is not None and self._given_again(repeat, raw_headers, plain):
            response, extra = repeat.response, repeat.extra
        else:
            try:
                response, extra = await self.answer(
                    method, scope["path"], query, headers, body, str(server[0]), request_line
                )
            except Dropped as dropped:
                await _drop_asgi(scope, receive, dropped.wait)
                return
        raw = response.raw_headers()
        if extra:
            raw.extend(encode_pairs(extra))
        await send({"type": "http.response.start", "status": response.status, "headers": raw})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else response.body})

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        """RSGI, Granian's own interface (what ``specmock serve`` runs): no per-request message dicts,
        and the server adds ``Content-Length`` and leaves out a HEAD answer's body itself."""
        pairs = scope.headers.items()
        method = scope.method
        path = scope.path
        request_line: RequestLine | None = None
        if method == "GET" or method == "HEAD":
            seen: Answers | None = self.repeats.get(path)
            if seen is not None:
                query, framing = scope.query_string, scope.http_version
                repeat = seen.last
                kept = None
                if (
                    repeat is not None
                    and pairs == repeat.pairs
                    and method == repeat.method
                    and query == repeat.query
                    and framing == repeat.framing
                ):
                    kept = repeat.kept  # asked as the last answer given was: found comparing strings
                else:
                    plain = header_pairs_to_dict(pairs)
                    repeat = seen.find((method, query, framing), plain)
                if (
                    repeat is not None
                    and repeat.mounted is self.mounted  # _given_again, inlined: it runs on most requests
                    and (
                        repeat.storage.version == repeat.records
                        and repeat.credentials.changes == repeat.changes
                        and (repeat.expires is None or repeat.expires.now() < repeat.storage.next_expiry)
                        if repeat.plain
                        else await _polled_fresh(repeat)
                    )
                ):
                    if kept is None:  # found by the headers it read: journalled with the request's own
                        seen.last = repeat
                        kept = repeat.kept if pairs == repeat.pairs else repeat.asked_with(plain)
                    self.journal.again(kept)
                    protocol.response_bytes(repeat.status, repeat.sent, repeat.body)
                    return
            request_line = (path, (method, scope.query_string, scope.http_version), pairs)
        if scope.proto != "http":  # never, as listener starts Granian (websockets off)
            return
        headers = header_pairs_to_dict(pairs)
        if request_line is not None:
            headers = ConsultedHeaders(headers)  # what the answer reads of them is noted
        declared = declared_length(headers, scope.http_version)
        body: bytes | None = b""  # declared == 0: nothing to await (not even a coroutine made)
        try:
            if declared != 0:
                body = await _rsgi_body(protocol, headers, declared, self.config.max_body)
        except (RuntimeError, BodyError):  # a malformed chunked body, or the client left
            _unreadable_body(protocol)
            return
        if declared != 0:
            request_line = None  # a body may come: the request is not known from its head alone
        try:
            response, extra = await self.answer(
                method, path, scope.query_string, headers, body, scope.server, request_line
            )
        except Dropped as dropped:
            await _drop_rsgi(scope, protocol, dropped.wait)
            return
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
        request_line: RequestLine | None = None,
    ) -> tuple[MockResponse, tuple[tuple[str, str], ...]]:
        """The answer to one request, and the header pairs the shell adds to it (CORS, violations).
        Raises ``Dropped`` when the request is to get no answer (an injected fault).

        ``body`` is None when it was larger than ``max_body`` (and left unread); ``server_host`` is
        the address the server is bound to (``host:port``), a Host the admin API answers to;
        ``request_line``: the request as it arrived (path, method with query and framing, header
        pairs), when it has no body: its answer is kept for a repeat of it, if it may be given again
        (``headers`` are then a ``ConsultedHeaders``).
        """
        mounted = self.mounted
        full_path = path + "?" + query if query else path
        if path.startswith(ADMIN_PREFIX) or (
            path == "/" and method in ("GET", "HEAD") and not mounted.claims_root
        ):
            # Admin calls stay out of the journal, and carry no CORS headers.
            request = MockRequest(method, path, query, headers, body or b"", full_path)
            response = self._admin(request, body is None, server_host)
            return response, self._extra(response, headers, cors=False)
        if method == "OPTIONS" and self.cors is not None and "access-control-request-method" in headers:
            response = self._preflight(mounted, path, headers)
            return response, self._extra(response, headers)
        target: Routed | MockResponse | None = mounted.routes.get((method, path))
        if target is None:
            target = await mounted.route(method, path)
        if isinstance(target, MockResponse):
            self.journal.record(MockRequest(method, path, query, headers, b"", full_path), target, "")
            return target, self._extra(target, headers)
        api, keys, label = target
        if body is not None and (mounted.disrupting or "prefer" in headers):
            injection = mounted.disruptor.decide(method, full_path, label, headers.get("prefer"))
            if injection is not None:
                return await self._injected(injection, method, path, query, headers, body)
        request = MockRequest(method, _inside(api.base_path, path), query, headers, body or b"", full_path)
        # An unread body cannot tell variants apart: the first documented one answers.
        key, label = _variant(api, keys, label, request) if body is not None else (keys[0], label)
        # A body past --max-body was left unread: the operation's 413, nothing run.
        refusal = None if body is not None else self._too_large()
        version = api.version() if request_line is not None else None
        if api.shared is None:
            response = _pipeline_answer(api, key, request, refusal)
        else:
            response = await _shared_answer(api, key, request, refusal)
        self.journal.record(request, response, label)
        extra = self._extra(response, headers)
        if (
            request_line is not None
            and keepable(method, response)
            and not mounted.disrupting
            and (api.shared is None or not api.shared.may_write(key))
            and api.version() == version
        ):
            version = api.version()
            self.repeats.keep(request_line, headers, mounted, api, version, request, label, response, extra)
        return response, extra

    def _given_again(self, repeat: Repeat, pairs: object, headers: dict[str, str]) -> bool:
        """Whether the pipeline would give this kept answer now (on a shared store, once this
        process has caught up); if so it is journalled as given, with the request's own headers."""
        if not repeat.fresh(self.mounted):
            return False
        self.journal.again(repeat.kept if pairs == repeat.pairs else repeat.asked_with(headers))
        return True

    async def _injected(
        self, injection: Injection, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[MockResponse, tuple[tuple[str, str], ...]]:
        """``answer`` with latency or a fault injected (devloop.disruption decided which)."""
        if injection.delay > 0:
            await asyncio.sleep(injection.delay)  # other requests go on meanwhile
        mounted = self.mounted  # read again: a reload may have swapped it while this one waited
        full_path = path + "?" + query if query else path
        target = await mounted.target(method, path)
        noted = injection.as_json()
        if isinstance(target, MockResponse):
            self.journal.record(MockRequest(method, path, query, headers, body, full_path), target, "", noted)
            return target, self._extra(target, headers)
        api, keys, label = target
        request = MockRequest(method, _inside(api.base_path, path), query, headers, body, full_path)
        key, label = _variant(api, keys, label, request)
        fault = injection.fault
        if fault in ("reset", "timeout"):
            # Nothing runs: a request that gets no answer changes nothing.
            self.journal.record(request, NO_ANSWER, label, noted)
            raise Dropped(self.config.max_delay if fault == "timeout" else 0.0)
        if fault == CHAOS:
            response = await _chaos_answer(api, key, request)
        else:
            response = await _answer(api, key, request)
            if fault == "empty":
                response = MockResponse(200)
            elif fault == "malformed":
                response = MockResponse(
                    response.status, truncated(response.body), response.media_type, response.headers
                )
        self.journal.record(request, response, label, noted)
        return response, self._extra(response, headers)

    def _admin(self, request: MockRequest, too_large: bool, server_host: str) -> MockResponse:
        own_hosts = self._own_hosts | {host_name(server_host)} if server_host else self._own_hosts
        refused = admin_refusal(request.method, request.headers, own_hosts, request.content_type)
        if refused is not None:
            return refused
        if too_large:
            return body_too_large(self.config.max_body)
        try:
            return admin.handle(self, request)
        except StoreUnavailable as lost:
            return problem_response(503, f"{lost}; the sandbox answers again once it is back")

    def _too_large(self) -> Diagnostic:
        return Diagnostic(Kind.TOO_LARGE, too_large_detail(self.config.max_body), "body")

    def _preflight(self, mounted: Mounted, path: str, headers: dict[str, str]) -> MockResponse:
        """The path's documented methods, and the headers its operations read (or any frontend sends)."""
        routes = mounted.table.own(path)
        if not routes:
            return not_found(path)
        documented: set[str] = set()
        for route in routes:
            for first in route.methods.values():
                api, keys, _ = mounted.targets[routing_key(route.api_index, first)]
                for key in keys:
                    documented.update(api.compiled(key).fingerprint_headers)
        methods = {method for route in routes for method in route.methods}
        return preflight(methods, documented, headers.get("access-control-request-headers", ""))

    def _extra(
        self, response: MockResponse, headers: dict[str, str], cors: bool = True
    ) -> tuple[tuple[str, str], ...]:
        extra: tuple[tuple[str, str], ...] = ()
        if response.violations:
            extra = _violations_header(response.violations)
        if cors and self.cors is not None:
            extra += self.cors.headers(headers.get("origin"))
        return extra

    def reset(self) -> None:
        """Every API back to its starting records (seeded, or the fixtures), and the journal cleared."""
        for api in self.apis:
            api.reset()
        self.journal.clear()


@functools.lru_cache(maxsize=256)  # a cached answer (a 401, a 404) carries the same tuple each time
def _violations_header(violations: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return (("specmock-violations", header_text("; ".join(violations)[:2000])),)


async def _polled_fresh(repeat: Repeat) -> bool:
    """``Repeat.fresh`` on a shared store, once caught up: asked of ``Api.version``."""
    return await _caught_up(repeat.api) and repeat.api.version() == repeat.version


async def _caught_up(api: Api) -> bool:
    """Whether this process holds what the shared store held when the request arrived (False while
    the store does not answer: the request's own run answers that)."""
    assert api.shared is not None
    try:
        await api.shared.caught_up()
    except StoreUnavailable:
        return False
    return True


async def _chaos_answer(api: Api, key: str, request: MockRequest) -> MockResponse:
    """The answer of an unlucky request under ``--chaos``: the operation's documented 5xx in its
    documented shape (asked of the pipeline as ``Prefer: code=5xx``), else a 503 problem. Nothing
    is stored or changed."""
    status = chaos_status(api.operations[key].responses)
    if status is None:
        return chaos_unavailable()
    asked = MockRequest(
        request.method,
        request.path,
        request.raw_query,
        {**request.headers, "prefer": f"code={status}"},
        request.body,
        request.full_path,
    )
    return await _answer(api, key, asked)


async def _answer(api: Api, key: str, request: MockRequest) -> MockResponse:
    """The pipeline's answer to ``request``, on a shared store once this process caught up."""
    if api.shared is None:
        return _pipeline_answer(api, key, request)
    return await _shared_answer(api, key, request)


async def _shared_answer(
    api: Api, key: str, request: MockRequest, refusal: Diagnostic | None = None
) -> MockResponse:
    """``_pipeline_answer`` on a shared store: once this process holds what the store held when the
    request arrived (another process may have changed the records), or, for a write that reads
    nothing shared before it, once its write applied everything logged before it. The event loop
    serves other requests while a write waits for the store."""
    shared = api.shared
    assert shared is not None
    writes = refusal is None and shared.may_write(key)
    if not writes or shared.reads_before_writing(request.method):
        try:
            await shared.caught_up()
        except StoreUnavailable as lost:
            return _unavailable_answer(api, key, request, lost)
    if writes:
        return await shared.run_writing(lambda: _pipeline_answer(api, key, request))
    return _pipeline_answer(api, key, request, refusal)


def _unavailable_answer(api: Api, key: str, request: MockRequest, lost: StoreUnavailable) -> MockResponse:
    """503 while the shared store does not answer: the operation's documented 503 in its shape
    (asked of the pipeline, which then reads no records), else a problem. Nothing is changed."""
    detail = f"{lost}; the sandbox answers again once it is back"
    if "503" not in api.operations[key].responses:
        return problem_response(503, detail)
    asked = MockRequest(
        request.method,
        request.path,
        request.raw_query,
        {**request.headers, "prefer": "code=503"},
        request.body,
        request.full_path,
    )
    try:
        return flow.run(api, key, asked)
    except Exception:
        log.exception("%s %s: internal error in specmock", request.method, request.full_path)
        return problem_response(503, detail)


def _pipeline_answer(
    api: Api, key: str, request: MockRequest, refusal: Diagnostic | None = None
) -> MockResponse:
    """The pipeline's answer to ``request`` (its refusal, when ``refusal`` is given). A failure
    inside specmock is logged and answered 500; the process goes on."""
    try:
        if refusal is None:
            return flow.run(api, key, request)
        return flow.refuse(api, key, request, refusal)
    except StoreUnavailable as lost:
        return _unavailable_answer(api, key, request, lost)
    except Exception:
        log.exception("%s %s: internal error in specmock", request.method, request.full_path)
        return internal_error()


def _variant(api: Api, keys: tuple[str, ...], label: str, request: MockRequest) -> tuple[str, str]:
    """The operation ``request`` reaches among those documented for one method and URL, and its
    journal label (``label`` is the first one's)."""
    if len(keys) == 1:
        return keys[0], label
    key = api.variant_for(keys, request)
    return key, f"{api.name}:{key}"


def _inside(base_path: str, path: str) -> str:
    """``path`` inside the API mounted at ``base_path`` (as matched against its path templates)."""
    return path[len(base_path) :] if base_path and path.startswith(base_path) else path


async def _routed(scope: AsgiScope, receive: Receive, send: Send) -> None:
    """Connexion's next app: the decision is already in the scope's routing extension."""


def _no_slash_redirects(router: Router) -> None:
    """A missing or extra trailing slash is a spec-shaped 404, not a framework redirect."""
    router.redirect_slashes = False
    for route in router.routes:
        if isinstance(route, Mount) and isinstance(route.app, Router):
            _no_slash_redirects(route.app)


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes | None:
    """The ASGI request body, or None once it is larger than ``limit`` (the rest is left unread)."""
    declared = content_length(headers)
    if declared is not None and declared > limit:
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


async def _rsgi_body(
    protocol: Any, headers: dict[str, str], declared: int | None, limit: int
) -> bytes | None:
    """The RSGI request body as its framing declares it, or None once it is larger than ``limit``
    (left unread)."""
    if declared is not None:
        return await protocol() if declared <= limit else None
    if "transfer-encoding" in headers:
        return await _read_chunked(protocol, limit)
    return await protocol()  # type: ignore[no-any-return]  # HTTP/2 frames a body without Content-Length


async def _read_chunked(protocol: Any, limit: int) -> bytes | None:
    """A chunked RSGI request body, read chunk by chunk: None once it is larger than ``limit``
    (the rest is left unread); ``BodyError`` when it breaks off."""
    reader = RequestBody(protocol, None, limit)
    try:
        await reader.take(limit)
    except BodyError as error:
        if error.status == 413:
            return None
        raise
    return reader.held


def _unreadable_body(protocol: Any) -> None:
    response = unreadable_body()
    with contextlib.suppress(RuntimeError):  # the client may be gone already
        protocol.response_bytes(response.status, response.text_headers(), response.body)


async def _lifespan(app: SpecmockApp, receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            app.__rsgi_init__(asyncio.get_running_loop())
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            app.__rsgi_del__(asyncio.get_running_loop())
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _drop_rsgi(scope: Any, protocol: Any, wait: float) -> None:
    """No answer: wait (at most ``wait`` seconds) for the client to give up, then close its
    connection (devloop.connections: RSGI has no call for it)."""
    if wait > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(protocol.client_disconnect(), wait)
    if drop_connection(parse_address(scope.server), parse_address(scope.client)):
        with contextlib.suppress(Exception):  # the connection is gone: nothing is sent
            protocol.response_empty(200, [])
        return
    refused = _undroppable()
    protocol.response_bytes(refused.status, refused.text_headers(), refused.body)


async def _drop_asgi(scope: AsgiScope, receive: Receive, wait: float) -> None:
    """As ``_drop_rsgi``; an in-process client (no socket) gets ``ConnectionResetError`` instead."""
    if wait > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_disconnected(receive), wait)
    if not drop_connection(_asgi_address(scope.get("server")), _asgi_address(scope.get("client"))):
        raise ConnectionResetError("specmock: connection closed without an answer (injected fault)")


def _asgi_address(value: Any) -> tuple[str, int] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[1], int):
        return str(value[0]), value[1]
    return None


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _undroppable() -> MockResponse:
    log.warning("specmock: this platform does not let the connection be closed; answering 503 instead")
    return connection_not_dropped()


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _nowhere(message: Message) -> None:
    raise AssertionError("routing answers nothing itself")
