"""One request through the pipeline; the stage order is written down here and nowhere else.

route → preferences → validate_request → security → negotiate → state | generate
      → validate_response → serialize
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any
from urllib.parse import quote

from specmock.diagnostics import Diagnostic, Kind
from specmock.messages.requests import MockRequest
from specmock.messages.responses import NO_CONTENT_STATUSES, Headers, MockResponse, header_name, header_text
from specmock.openapi.model import MediaType, Operation, Response
from specmock.pipeline.compile import CompiledOperation
from specmock.pipeline.negotiate import (
    ResponseChoice,
    choose,
    choose_media,
    error_choice,
    unknown_example,
    unmatched_code,
)
from specmock.pipeline.preferences import NONE as NO_PREFERENCES
from specmock.pipeline.preferences import Preferences, preferences_for
from specmock.pipeline.respond import error_body, response_headers, success_body
from specmock.pipeline.serialize import encode
from specmock.pipeline.served import ServedApi
from specmock.pipeline.suspension import Suspended
from specmock.pipeline.validate_request import NO_BODY
from specmock.state import NO_CONTENT, Outcome

log = logging.getLogger("specmock")
SAFE_METHODS = frozenset({"GET", "HEAD"})
URL_SAFE = "/:@!$&'()*+,;=-._~%"  # a base path as the spec writes it: escapes stay escapes
# The store's paths hold raw path values (an id "50%off"): their "%" is a character to escape too.
RAW_SAFE = URL_SAFE.replace("%", "")
RAW_CLEAN = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=._~-]*")  # what quote(…, RAW_SAFE) leaves as it is
WIRE_MEDIA = {"*/*": "application/json", "application/*": "application/json"}  # what a wildcard sends
LOCATIONS = frozenset({"location", "content-location"})
MAX_HOST = 262  # a DNS name (253) and a port
HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def run(api: ServedApi, key: str, request: MockRequest) -> MockResponse:
    """The answer to one request. Safe reads are served from the response cache while the data they
    depend on is unchanged: the same inputs always produce the same bytes."""
    compiled = api.compiled(key)
    if request.method not in SAFE_METHODS:
        return _run(api, compiled, request)
    fingerprint = (
        key,
        request.path,
        request.raw_query,
        api.version(),
        *[request.headers.get(name) for name in compiled.fingerprint_headers],
    )
    cached: MockResponse | None = api.responses.get(fingerprint)
    if cached is None:
        try:
            cached = api.responses.put(fingerprint, _run(api, compiled, request))
        except Suspended as suspended:  # its write changes the version: the answer is looked up again
            suspended.resume = None
            raise
    return cached


def refuse(api: ServedApi, key: str, request: MockRequest, diagnostic: Diagnostic) -> MockResponse:
    """The operation's documented answer to a request refused before the pipeline ran (a body over
    the size limit): its error shape for that status, or problem+json."""
    compiled = api.compiled(key)
    return _error(
        api, compiled, error_choice(compiled.operation, diagnostic.kind, [diagnostic]), None, request
    )


def _run(api: ServedApi, compiled: CompiledOperation, request: MockRequest) -> MockResponse:
    prefs = preferences_for(request)
    path_values = compiled.path_values(request.path)
    diagnostics, body = compiled.request.validate(request, path_values)
    denied = compiled.security.check(request)
    if denied:
        diagnostics.extend(denied)
    if prefs is not NO_PREFERENCES and prefs.code is not None:
        unmatched = unmatched_code(compiled.operation, prefs.code)
        if unmatched is not None:
            return _preference_problem(api, compiled, unmatched, request)
    nothing_asked = not diagnostics and prefs.code is None
    choice = compiled.success if nothing_asked else choose(compiled.operation, diagnostics, prefs.code)
    media, acceptable = _media(compiled, choice, request)
    if not acceptable and not compiled.refuses(request.headers.get("accept", "")):
        media, _ = _media(compiled, choice, request, ignore_accept=True)  # the documented media type
    elif not acceptable:
        choice = error_choice(
            compiled.operation,
            Kind.NOT_ACCEPTABLE,
            [
                Diagnostic(
                    Kind.NOT_ACCEPTABLE,
                    f"no response media type matches Accept: {request.headers.get('accept', '')}",
                    "header",
                    "accept",
                )
            ],
        )
        media, _ = _media(compiled, choice, request, ignore_accept=True)
    elif prefs.example is not None and (choice.kind is None or prefs.code is not None):
        unknown = unknown_example(compiled.operation, choice, media, prefs.example)
        if unknown is not None:
            return _preference_problem(api, compiled, unknown, request)
    if choice.kind is not None or choice.status >= 400:
        return _error(api, compiled, choice, media, request, prefs)
    if compiled.stateful:
        return _stateful(api, compiled, choice, media, prefs, request, path_values, body)
    return _generated(api, compiled.operation, choice, media, prefs, request.path)


def _preference_problem(
    api: ServedApi, compiled: CompiledOperation, diagnostic: Diagnostic, request: MockRequest
) -> MockResponse:
    """A ``Prefer`` the operation cannot honour: 404 saying what it documents (Prism's convention),
    in the operation's documented not-found shape or as problem+json, never a silently different
    answer."""
    return _error(
        api, compiled, error_choice(compiled.operation, Kind.NOT_FOUND, [diagnostic]), None, request
    )


def _media(
    compiled: CompiledOperation, choice: ResponseChoice, request: MockRequest, ignore_accept: bool = False
) -> tuple[MediaType | None, bool]:
    accept = "" if ignore_accept or choice.kind is not None else request.headers.get("accept", "")
    memo_key = (choice.key, accept)
    chosen: tuple[MediaType | None, bool] | None = compiled.media_choices.get(memo_key)
    if chosen is None:
        response = compiled.operation.responses.get(choice.key) if choice.key else None
        name, acceptable = choose_media(response, accept)
        media = response.media_for(name) if response and name else None
        chosen = compiled.media_choices.put(memo_key, (media, acceptable))
    return chosen


def _stateful(
    api: ServedApi,
    compiled: CompiledOperation,
    choice: ResponseChoice,
    media: MediaType | None,
    prefs: Preferences,
    request: MockRequest,
    path_values: dict[str, str],
    body: Any,
) -> MockResponse:
    """The store's answer for an operation whose data it keeps, whatever ``Prefer`` says (a documented
    success code only sets the status); the generated one when the store leaves the request alone."""
    op = compiled.operation
    host = request.headers.get("host", "")
    origin = origin_of(host if len(host) <= MAX_HOST else "", api.base_path)
    given = None if body is NO_BODY else body
    try:
        outcome = api.sandbox.handle(op, path_values, request.query, given, origin)
    except Suspended as suspended:  # the write is answered later: the rest follows from its outcome
        suspended.resume = functools.partial(
            _from_store, api, compiled, choice, media, prefs, request, origin
        )
        raise
    return _from_store(api, compiled, choice, media, prefs, request, origin, outcome)


def _from_store(
    api: ServedApi,
    compiled: CompiledOperation,
    choice: ResponseChoice,
    media: MediaType | None,
    prefs: Preferences,
    request: MockRequest,
    origin: str,
    outcome: Outcome | None,
) -> MockResponse:
    """The answer to what the store did with the request (None: it left it alone)."""
    op = compiled.operation
    if outcome is None:
        return _generated(api, op, choice, media, prefs, request.path)
    if outcome.error is not None:
        refused = _store_refusal(api, compiled, outcome.error, outcome, request)
        return refused if refused is not None else _generated(api, op, choice, media, prefs, request.path)
    if op.method == "POST" and isinstance(outcome.body, dict) and api.shared is None:
        api.credentials.issue_from(outcome.body)  # (a shared API's replica issues it as it applies it)
    return _stored(api, compiled, choice, media, prefs, outcome, origin, (op.key, request.path))


def _store_refusal(
    api: ServedApi, compiled: CompiledOperation, error: Kind, outcome: Outcome, request: MockRequest
) -> MockResponse | None:
    """The documented error answer to what the store refused (a NOT_FOUND, a CONFLICT); None when the
    spec documents no status for it (say, no 404): then the answer is the stateless mock's rather
    than an undocumented one. A full store answers even undocumented: the record was not kept."""
    # The store names the body field a CONFLICT is about, the path parameter of a NOT_FOUND.
    location = ("path" if error is Kind.NOT_FOUND else "body") if outcome.field else ""
    diagnostic = Diagnostic(error, outcome.message, location, outcome.field)
    refused = error_choice(compiled.operation, error, [diagnostic])
    if refused.key is None and error is not Kind.STORAGE_FULL:
        return None
    return _error(api, compiled, refused, None, request)


def _generated(
    api: ServedApi,
    op: Operation,
    choice: ResponseChoice,
    media: MediaType | None,
    prefs: Preferences,
    path: str,
) -> MockResponse:
    """A success the store does not keep: the example or generated body of the chosen response."""
    parts = (op.key, path)
    status, value = choice.status, None
    if media is not None and status not in NO_CONTENT_STATUSES:
        value = success_body(api, op, media, prefs, parts)
    return _finish(api, op, op.responses.get(choice.key or str(status)), status, media, value, [], parts)


def _stored(
    api: ServedApi,
    compiled: CompiledOperation,
    choice: ResponseChoice,
    media: MediaType | None,
    prefs: Preferences,
    outcome: Outcome,
    origin: str,
    parts: tuple[str, ...],
) -> MockResponse:
    """The store's answer as sent: its status (or the documented one ``Prefer: code`` asked for),
    the documented response and media type, and a note when ``Prefer`` asked for an example."""
    op = compiled.operation
    status, value = outcome.status, outcome.body
    if prefs.code is not None and prefs.code != status:
        status = prefs.code
        response = op.responses.get(choice.key or str(status))
        media = _media_of(response, media)
        if media is None or status in NO_CONTENT_STATUSES:
            value = NO_CONTENT
        elif value is NO_CONTENT:
            value = success_body(api, op, media, NO_PREFERENCES, parts)
    else:
        answer_key = (status, media.name if media is not None else None)
        documented = compiled.answers.get(answer_key)
        if documented is None:
            found = op.responses.get(str(status))
            documented = compiled.answers.put(answer_key, (found, _media_of(found, media)))
        response, media = documented
    given = given_headers(outcome.headers, origin) if outcome.headers else []
    sent = _finish(api, op, response, status, media, value, given, parts, outcome.valid_as)
    if prefs.example is not None or not prefs.dynamic:
        asked = f"example={prefs.example}" if prefs.example is not None else "dynamic=false"
        note = f"Prefer {asked} not applied: the answer is the stored record"
        sent.violations = (note, *sent.violations)
    return sent


@functools.lru_cache(maxsize=256)
def origin_of(host: str, base_path: str) -> str:
    """Where the API is mounted, as the client reached it (``http://host:port/base``); a Host header
    that is not a plain host[:port] reads as ``localhost``, so links stay valid URIs. Callers pass
    hosts of at most ``MAX_HOST`` characters: the memo keeps short keys only."""
    return f"http://{host if HOST.fullmatch(host) else 'localhost'}{quote(base_path, safe=URL_SAFE)}"


def given_headers(given: dict[str, str], origin: str) -> Headers:
    """The store's headers as sent. The store knows paths inside the API; clients need the
    absolute URL (``format: uri``) in ``Location`` and ``Content-Location``."""
    out = []
    for name, value in given.items():
        wire = header_name(name)
        if wire in LOCATIONS and value.startswith("/"):
            if RAW_CLEAN.fullmatch(value):  # printable ASCII already: origin_of's and RAW_CLEAN's
                out.append((wire, origin + value))
                continue
            value = origin + quote(value, safe=RAW_SAFE)
        out.append((wire, header_text(value)))
    return out


def _media_of(response: Any, fallback: MediaType | None) -> MediaType | None:
    if response is None or not response.media:
        return None
    if fallback is not None and response.media_for(fallback.name):
        return response.media_for(fallback.name)  # type: ignore[no-any-return]
    return response.media[0]  # type: ignore[no-any-return]


def _finish(
    api: ServedApi,
    op: Operation,
    response: Response | None,
    status: int,
    media: MediaType | None,
    value: Any,
    given: Headers,
    parts: tuple[str, ...],
    valid_as: Any = None,
) -> MockResponse:
    """The answer as sent, its body checked against the documented schema (unless ``value`` is known
    to satisfy that schema already: ``valid_as``, the store's own check of the record it shows)."""
    violations: tuple[str, ...] = ()
    schema = media.schema if media is not None else None
    if (
        schema is not None
        and status not in NO_CONTENT_STATUSES
        and (valid_as is None or (valid_as is not schema and valid_as != schema))
    ):
        found = api.check(schema, "response")(value)
        if found:
            violations = tuple(f"{path or '/'}: {message}" for path, message in found[:5])
            log.error(
                "%s %s → %s: response breaks the spec: %s", op.method, op.path, status, "; ".join(violations)
            )
    headers = response_headers(api, response, given, parts)
    out_media = None
    if media is not None and status not in NO_CONTENT_STATUSES:
        out_media = WIRE_MEDIA.get(media.name, media.name)  # _wire_media, without the call
    return MockResponse(status, encode(value, out_media), out_media, headers, violations)


def _wire_media(name: str) -> str:
    return WIRE_MEDIA.get(name, name)


def _error(
    api: ServedApi,
    compiled: CompiledOperation,
    choice: ResponseChoice,
    media: MediaType | None,
    request: MockRequest,
    prefs: Preferences = NO_PREFERENCES,
) -> MockResponse:
    op = compiled.operation
    response = op.responses.get(choice.key) if choice.key else None
    if media is None and response is not None and response.media:
        media = _media_of(response, None)
    findings = tuple(d.describe() for d in choice.diagnostics)
    if response is not None and not response.media:
        # The spec documents this error without a body: answer exactly that.
        headers = response_headers(api, response, [], (op.key, "error", str(choice.status)))
        return MockResponse(choice.status, b"", None, headers, findings)
    value, media_type = error_body(api, op, choice, media, request.full_path or request.path, prefs)
    headers = response_headers(api, response, [], (op.key, "error", str(choice.status)))
    if choice.kind is Kind.SECURITY and all(name != "www-authenticate" for name, _ in headers):
        headers.append(("www-authenticate", 'Bearer realm="specmock"'))
    if choice.status in NO_CONTENT_STATUSES:
        return MockResponse(choice.status, b"", None, headers)
    wire = _wire_media(media_type)
    return MockResponse(choice.status, encode(value, wire), wire, headers, findings)
