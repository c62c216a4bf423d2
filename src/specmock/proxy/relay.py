"""One request through the proxy; the order is written down here and nowhere else.

admin? → route (as the mock routes) → undocumented: forward (or refuse with --strict)
      → the body read whole when the checks parse it, else streamed on (proxy/body.py); --max-body
      → request checks (the mock's compiled validators and security checker)
      → invalid and --errors: the mock's spec-shaped 4xx, nothing forwarded
      → forward → the answer's status, Content-Type and headers checked as they arrive
      → its body held back up to the check limit and checked (a larger body is streamed unchecked)
      → 501, or a 404 / 405 that fits no documented response, with --fallback mock: the mock answers
      → a violation and --errors: 502 naming it; otherwise the answer as the upstream sent it
      → recorded (--record) before it is sent: once a client has an answer, the files hold it
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from specmock import admin
from specmock.app import SpecmockApp
from specmock.diagnostics import Diagnostic, Kind
from specmock.messages.problems import problem_response
from specmock.messages.requests import MockRequest
from specmock.messages.responses import MockResponse, header_text
from specmock.pipeline import flow
from specmock.proxy.body import read_whole
from specmock.proxy.config import ProxyConfig
from specmock.proxy.contract import ResponseContract
from specmock.proxy.findings import SHAPE_RULES, UNROUTED, Finding, describe_all, request_findings
from specmock.proxy.record import Recorder
from specmock.proxy.upstream import Reply, Upstream, UpstreamError, request_headers
from specmock.request_body import BodyError, RequestBody
from specmock.runtime import Api
from specmock.types import Pairs

log = logging.getLogger("specmock")
NOT_IMPLEMENTED = (404, 405)  # with 501: what the fallback may answer instead of the upstream
DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass(slots=True)
class Incoming:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names (what the validators read)
    pairs: Pairs  # as received, repeats kept (what is forwarded)
    body: RequestBody
    client: str = ""  # the client's address, for X-Forwarded-For
    scheme: str = "http"

    @property
    def full_path(self) -> str:
        return self.path + "?" + self.query if self.query else self.path


@dataclass(slots=True)
class Relayed:
    """The upstream's answer as it is sent on: ``body`` is all of it, or its start when ``rest`` follows."""

    status: int
    headers: Pairs
    body: bytes
    rest: AsyncIterator[bytes] | None
    upstream: Reply


@dataclass(slots=True)
class Answer:
    response: MockResponse | Relayed
    extra: Pairs = field(default_factory=list)  # headers specmock adds (Specmock-Violations)


class Proxy:
    def __init__(self, config: ProxyConfig, mock: SpecmockApp) -> None:
        self.config = config
        self.mock = mock
        self.upstream = Upstream(config.upstream, config.timeout)
        self.recorder = (
            Recorder(mock.apis[0], config.record, self.upstream.base) if config.record is not None else None
        )
        self._contracts: dict[tuple[int, str], ResponseContract] = {}

    async def handle(self, incoming: Incoming) -> Answer:
        method, path = incoming.method, incoming.path
        body = incoming.body
        if path.startswith(admin.PREFIX):
            try:
                await body.take(body.limit)
            except BodyError as error:
                return Answer(problem_response(error.status, str(error), instance=incoming.full_path))
            request = MockRequest(
                method, path, incoming.query, incoming.headers, body.held, incoming.full_path
            )
            return Answer(admin.handle(self.mock, request))
        target = await self.mock.resolve(method, path)
        if isinstance(target, MockResponse):
            return await self._undocumented(incoming, target)
        api, key, label, relative = target
        compiled = api.compiled(key)
        content_type = incoming.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            # Read whole what the checks parse (the body is checked before anything is forwarded);
            # of any other body only its first chunk, which tells whether there is one.
            await body.take(body.limit if read_whole(compiled.request.bodies, content_type) else 0)
        except BodyError as error:
            return self._unreadable(incoming, label, error, (api, key, relative))
        request = MockRequest(
            method, relative, incoming.query, incoming.headers, body.held, incoming.full_path
        )
        path_values = compiled.path_values(relative)
        diagnostics, _ = compiled.request.validate(request, path_values)
        findings = request_findings(key, diagnostics + compiled.security.check(request))
        if findings and self.config.errors:
            # The mock's own answer to this request: the documented 4xx, filled with the violations.
            return self._made(incoming, flow.run(api, key, request), label, findings)
        try:
            upstream, answer, rest = await self._exchange(incoming)
        except UpstreamError as error:
            if body.error is not None:  # the client's body broke off (or grew too large) on the way
                return self._unreadable(incoming, label, body.error, (api, key, relative))
            return self._unreachable(incoming, label, key, findings, error)
        found, value = self._check_answer(self._contract(api, key), incoming, upstream, answer, rest)
        status = upstream.status
        if self.config.fallback == "mock" and _not_implemented(status, found):
            await upstream.close()
            message = f"the upstream answered {status}; the mock answered"
            gap = Finding(key, "response.status", "not-implemented", message)
            return self._made(incoming, flow.run(api, key, request), label, [*findings, gap])
        if found and self.config.errors:
            await upstream.close()
            return self._bad_gateway(incoming, label, found)
        if self.recorder is not None:
            self._record(api, key, path_values, status, value)
        relayed = Relayed(status, upstream.raw, answer, rest, upstream)
        return self._relayed(incoming, relayed, label, [*findings, *found])

    def _check_answer(
        self,
        contract: ResponseContract,
        incoming: Incoming,
        upstream: Reply,
        body: bytes,
        rest: AsyncIterator[bytes] | None,
    ) -> tuple[list[Finding], Any]:
        """What is wrong with the upstream's answer, and its parsed body (None when not parsed)."""
        found, expected = contract.head(incoming.method, upstream.status, upstream.headers)
        if rest is not None:
            limit = self.config.check_limit
            log.info(
                "%s %s: a body over %d bytes streamed unchecked", incoming.method, incoming.full_path, limit
            )
            return found, None
        if expected is None:
            return found, None
        decoded = _decoded(body, upstream.headers.get("content-encoding"), self.config.check_limit)
        if decoded is None:
            return found, None
        body_findings, value = contract.body(expected, decoded)
        return found + body_findings, value

    def _record(self, api: Api, key: str, path_values: dict[str, str], status: int, value: Any) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        try:
            recorder.observe(api.operations[key], path_values, status, value)
            recorder.flush()
        except OSError as error:  # a full disk or a folder removed: the answer still goes out
            log.error("--record %s: %s", recorder.folder, error)
        except Exception:  # a bug in recording must not cost the client its answer
            log.exception("--record %s: this answer was not recorded", recorder.folder)

    async def _undocumented(self, incoming: Incoming, refusal: MockResponse) -> Answer:
        what = "method" if refusal.status == 405 else "path"
        finding = Finding(
            UNROUTED,
            f"request.{what}",
            "undocumented",
            f"{incoming.method} {incoming.path} matches no operation of the spec",
        )
        if self.config.strict:
            return self._made(incoming, refusal, "", [finding])
        try:
            await incoming.body.take(0)  # nothing to check in it: streamed on
            upstream, body, rest = await self._exchange(incoming)
        except BodyError as error:
            return self._unreadable(incoming, "", error)
        except UpstreamError as error:
            if incoming.body.error is not None:
                return self._unreadable(incoming, "", incoming.body.error)
            return self._unreachable(incoming, "", UNROUTED, [finding], error)
        relayed = Relayed(upstream.status, upstream.raw, body, rest, upstream)
        return self._relayed(incoming, relayed, "", [finding])

    async def _exchange(self, incoming: Incoming) -> tuple[Reply, bytes, AsyncIterator[bytes] | None]:
        """The request forwarded; the upstream's answer with its body (or the start of a large one)."""
        headers = request_headers(
            incoming.pairs, incoming.client, incoming.headers.get("host"), incoming.scheme
        )
        sent = incoming.body
        if sent.ended:
            upstream = await self.upstream.send(incoming.method, incoming.full_path, headers, sent.held)
        else:
            if sent.declared is not None:  # framed as the client framed it (else sent chunked)
                headers.append(("content-length", str(sent.declared)))
            upstream = await self.upstream.send(incoming.method, incoming.full_path, headers, sent.chunks())
        try:
            body, rest = await self._start(upstream, incoming.method)
        except BaseException:
            await upstream.close()
            raise
        return upstream, body, rest

    async def _start(self, upstream: Reply, method: str) -> tuple[bytes, AsyncIterator[bytes] | None]:
        """The body when it fits the check limit (then ``None`` follows); else its start and the rest."""
        limit = self.config.check_limit
        stream = upstream.chunks()
        length = upstream.headers.get("content-length", "")
        if method != "HEAD" and length.isdigit() and int(length) > limit:
            return b"", stream  # stream at once: holding back part of it would only add latency
        chunks: list[bytes] = []
        size = 0
        async for chunk in stream:
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return b"".join(chunks), stream
        return b"".join(chunks), None

    def _contract(self, api: Api, key: str) -> ResponseContract:
        cache_key = (id(api), key)
        found = self._contracts.get(cache_key)
        if found is None:
            found = self._contracts[cache_key] = ResponseContract(api, api.operations[key])
        return found

    def _made(
        self, incoming: Incoming, response: MockResponse, label: str, findings: Sequence[Finding]
    ) -> Answer:
        """An answer specmock makes itself (a refusal or the mock's), journaled with the findings."""
        violations = describe_all(findings)
        self._report(incoming, response.status, label, violations)
        return Answer(response, _violations_header(violations))

    def _relayed(
        self,
        incoming: Incoming,
        relayed: Relayed,
        label: str,
        findings: Sequence[Finding],
    ) -> Answer:
        violations = describe_all(findings)
        self._report(incoming, relayed.status, label, violations)
        return Answer(relayed, _violations_header(violations))

    def _bad_gateway(self, incoming: Incoming, label: str, findings: Sequence[Finding]) -> Answer:
        violations = describe_all(findings)
        detail = "the upstream's answer breaks the spec: " + "; ".join(violations)
        response = problem_response(502, detail, instance=incoming.full_path, violations=list(violations))
        return self._made(incoming, response, label, findings)

    def _unreadable(
        self, incoming: Incoming, label: str, error: BodyError, operation: tuple[Api, str, str] | None = None
    ) -> Answer:
        """400 for a body that broke off; 413 past --max-body (in the operation's documented shape)."""
        if error.status == 413 and operation is not None:
            api, key, relative = operation
            request = MockRequest(
                incoming.method, relative, incoming.query, incoming.headers, b"", incoming.full_path
            )
            diagnostic = Diagnostic(Kind.TOO_LARGE, str(error), "body")
            return self._made(incoming, flow.refuse(api, key, request, diagnostic), label, [])
        return self._made(
            incoming, problem_response(error.status, str(error), instance=incoming.full_path), label, []
        )

    def _unreachable(
        self,
        incoming: Incoming,
        label: str,
        operation: str,
        findings: Sequence[Finding],
        error: UpstreamError,
    ) -> Answer:
        timeout = error.timeout
        status = 504 if timeout else 502
        detail = f"the upstream {self.upstream.base} did not answer ({error})"
        finding = Finding(operation, "upstream", "timeout" if timeout else "unreachable", detail)
        return self._made(
            incoming,
            problem_response(status, detail, instance=incoming.full_path),
            label,
            [*findings, finding],
        )

    def _report(self, incoming: Incoming, status: int, label: str, violations: tuple[str, ...]) -> None:
        request = MockRequest(
            incoming.method,
            incoming.path,
            incoming.query,
            incoming.headers,
            incoming.body.seen,
            incoming.full_path,
        )
        self.mock.journal.add(request, status, label, violations)
        for violation in violations:
            log.warning("%s %s → %s: %s", incoming.method, incoming.full_path, status, violation)


def _not_implemented(status: int, findings: Sequence[Finding]) -> bool:
    """The fallback's rule: 501 always; a 404 or 405 only when it fits no documented response (an
    undocumented status, Content-Type or body shape). A 404 the operation documents, in the documented
    shape, is a real answer ("no such record") and is relayed."""
    if status == 501:
        return True
    return status in NOT_IMPLEMENTED and any(f.rule in SHAPE_RULES for f in findings)


def _decoded(body: bytes, encoding: str | None, limit: int) -> bytes | None:
    """The body to check: as sent, or gunzipped / inflated (bounded); None when it cannot be read."""
    if not encoding or encoding.strip().lower() == "identity":
        return body
    wbits = DECODERS.get(encoding.strip().lower())
    if wbits is None:
        return None  # br, zstd, a chain of codings: relayed as they are, not checked
    try:
        decoder = zlib.decompressobj(wbits)
        out = decoder.decompress(body, limit * 8)
    except zlib.error:
        return None
    return None if decoder.unconsumed_tail else out


def _violations_header(violations: tuple[str, ...]) -> Pairs:
    return [("specmock-violations", header_text("; ".join(violations)[:2000]))] if violations else []
