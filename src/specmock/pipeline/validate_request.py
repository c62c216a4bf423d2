"""Parameters and body against the operation's declarations → Diagnostics, plus the parsed body.

Every check is compiled once per operation at start-up (casters, JSON Schema validators); a request
only runs the closures. All violations are collected, never only the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from specmock import json_exact
from specmock.diagnostics import Diagnostic, Kind
from specmock.memo import Memo
from specmock.messages.requests import MockRequest
from specmock.openapi.model import MediaType, Operation, Parameter
from specmock.pipeline.casting import Typed, compile_typed, json_or_text, properties_of, shape_of
from specmock.pipeline.forms import JSON_PART, FormBody
from specmock.pipeline.styles import (
    MISSING,
    Spelling,
    cookie_fields,
    field_reader,
    fields_of,
    form_pairs,
    segment_reader,
)

Check = Callable[[Any], list[tuple[str, str]]]
CheckFactory = Callable[[dict[str, Any]], Check]  # schema → check, compiled for the request direction
Parser = Callable[[bytes, str], Any]  # raw body, full Content-Type header → value
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
NO_BODY: Any = object()
FORM = "application/x-www-form-urlencoded"
MATCH_MEMO_SIZE = 64


ParamReader = Callable[[MockRequest, Mapping[str, str], "Cookies"], Any]  # → strings, or MISSING


@dataclass(frozen=True, slots=True)
class ParamCheck:
    param: Parameter
    read: ParamReader
    cast: Typed
    check: Check


@dataclass(frozen=True, slots=True)
class BodyCheck:
    media: MediaType
    parse: Parser
    check: Check


class RequestValidator:
    def __init__(self, operation: Operation, document: Any, compile_check: CheckFactory) -> None:
        self.params = tuple(
            _param_check(document, p, operation.parameters, compile_check)
            for p in operation.parameters
            if not (p.location == "header" and p.name.lower() in IGNORED_HEADERS)
        )
        body = operation.body
        self.body_required = bool(body and body.required)
        self.bodies = {m.name: _body_check(document, m, compile_check) for m in (body.media if body else ())}
        # Content-Type header as sent → the declared body it selects (None: none), and its media type
        self._matched = Memo(MATCH_MEMO_SIZE)

    def validate(self, request: MockRequest, path_values: Mapping[str, str]) -> tuple[list[Diagnostic], Any]:
        found: list[Diagnostic] = []
        if self.params:
            cookies = Cookies(request)
            for check in self.params:
                _check_param(check, request, path_values, cookies, found)
        body = self._check_body(request, found) if self.bodies or request.body else NO_BODY
        return found, body

    def _check_body(self, request: MockRequest, found: list[Diagnostic]) -> Any:
        if not request.body:
            if request.content_type == FORM and FORM in self.bodies:
                form = self.bodies[FORM]  # a form with no fields (still read: a required empty array is one)
                return self._checked(form, form.parse(b"", FORM), found)
            if self.body_required:
                found.append(Diagnostic(Kind.INVALID, "a request body is required", "body"))
            return NO_BODY
        if not self.bodies:
            return NO_BODY
        header = request.headers.get("content-type", "")
        matched: tuple[BodyCheck | None, str] | None = self._matched.get((header,))
        if matched is None:
            content_type = request.content_type
            matched = self._matched.put((header,), (match_media(self.bodies, content_type), content_type))
        check, content_type = matched
        if check is None:
            declared = ", ".join(self.bodies)
            message = f"content type {content_type or '(none)'!r} is not accepted; use {declared}"
            found.append(Diagnostic(Kind.MEDIA_TYPE, message, "header", "content-type"))
            return NO_BODY
        try:
            value = check.parse(request.body, header)
        except ValueError as exc:
            found.append(
                Diagnostic(Kind.INVALID, f"the body cannot be parsed as {check.media.name}: {exc}", "body")
            )
            return NO_BODY
        return self._checked(check, value, found)

    def _checked(self, check: BodyCheck, value: Any, found: list[Diagnostic]) -> Any:
        problems = check.check(value)
        if problems:
            found.extend(Diagnostic(Kind.INVALID, msg, "body", path) for path, msg in problems)
        return value


def match_media(declared: Mapping[str, Any], content_type: str) -> Any:
    if content_type in declared:
        return declared[content_type]
    major = content_type.split("/")[0]
    for pattern in (f"{major}/*", "*/*"):
        if pattern in declared:
            return declared[pattern]
    if content_type.endswith("+json") and "application/json" in declared:
        return declared["application/json"]
    return None


class Cookies:
    """The request's cookies as name → values, read once and only when a parameter asks."""

    __slots__ = ("_fields", "_request")

    def __init__(self, request: MockRequest) -> None:
        self._request = request
        self._fields: dict[str, list[str]] | None = None

    @property
    def fields(self) -> dict[str, list[str]]:
        if self._fields is None:
            self._fields = cookie_fields(self._request.headers.get("cookie", ""))
        return self._fields


def _check_param(
    check: ParamCheck,
    request: MockRequest,
    path_values: Mapping[str, str],
    cookies: Cookies,
    found: list[Diagnostic],
) -> None:
    param = check.param
    raw = check.read(request, path_values, cookies)
    if raw is MISSING:
        if param.required:
            found.append(
                Diagnostic(
                    Kind.INVALID,
                    f"required {param.location} parameter is missing",
                    param.location,
                    param.name,
                )
            )
        return
    for path, message in check.check(check.cast(raw)):
        inner = path.strip("/")
        name = f"{param.name}.{inner.replace('/', '.')}" if inner else param.name
        found.append(Diagnostic(Kind.INVALID, message, param.location, name))


def _param_check(
    document: Any, param: Parameter, siblings: tuple[Parameter, ...], compile_check: CheckFactory
) -> ParamCheck:
    shape = "primitive" if param.content_type is not None else shape_of(document, param.schema)
    properties, open_object = properties_of(document, param.schema) if shape == "object" else ((), False)
    spelling = Spelling(
        name=param.name,
        location=param.location,
        style=param.style,
        explode=param.explode,
        shape=shape,
        allow_reserved=param.allow_reserved,
        properties=properties,
        open_object=open_object,
        claimed=frozenset(p.name for p in siblings if p.location == param.location and p is not param),
    )
    cast = json_or_text_typed if param.content_type is not None else compile_typed(document, param.schema)
    return ParamCheck(param, _reader(spelling, param.allow_empty), cast, compile_check(param.schema))


def json_or_text_typed(value: Any) -> Any:
    return json_or_text(value) if isinstance(value, str) else value


def _reader(spelling: Spelling, allow_empty: bool) -> ParamReader:
    location, name = spelling.location, spelling.name
    if location in ("path", "header"):
        segment = segment_reader(spelling)
        lower = name.lower()

        def read_segment(request: MockRequest, path_values: Mapping[str, str], _: Cookies) -> Any:
            raw = path_values.get(name) if location == "path" else request.headers.get(lower)
            return MISSING if raw is None else segment(raw)

        return read_segment
    fields = field_reader(spelling)
    if location == "cookie":
        return lambda _request, _path, cookies: fields(cookies.fields)
    if spelling.allow_reserved:
        # reserved characters arrive as they are: `+` is a plus, not a space
        return lambda request, _path, _cookies: fields(
            fields_of(form_pairs(request.raw_query, keep_plus=True))
        )
    if allow_empty and spelling.shape == "primitive":
        # `allowEmptyValue: true`: `?limit=` means "not given"
        return lambda request, _path, _cookies: (
            MISSING if request.query.get(name) == [""] else fields(request.query)
        )
    return lambda request, _path, _cookies: fields(request.query)


def _body_check(document: Any, media: MediaType, compile_check: CheckFactory) -> BodyCheck:
    schema = media.schema or {}
    name = media.name
    if name == "application/json" or name.endswith("+json") or name in ("*/*", "application/*"):
        parse: Parser = _parse_json
    elif name == "application/x-www-form-urlencoded":
        parse = _form_parser(document, media)
    elif name.startswith("multipart/"):
        parse = _multipart_parser(document, media)
    elif name.startswith("text/"):
        parse = _parse_text
    else:
        return BodyCheck(media, lambda raw, _: raw, lambda _: [])
    return BodyCheck(media, parse, compile_check(schema) if media.schema is not None else (lambda _: []))


def _parse_json(raw: bytes, _: str) -> Any:
    """Every number exactly (1e30 is the integer 10**30), or ValueError: see ``json_exact``."""
    return json_exact.loads(raw)


def _parse_text(raw: bytes, _: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8 text") from exc


def _form_parser(document: Any, media: MediaType) -> Parser:
    form = FormBody(document, media, multipart=False)

    def parse(raw: bytes, _: str) -> dict[str, Any]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("not UTF-8 text") from exc
        return form.value(fields_of(form_pairs(text)), text, frozenset())

    return parse


def _no_parts(raw: bytes, boundary: str | None) -> bool:
    return boundary is not None and raw.strip() == b"--" + boundary.encode("latin-1") + b"--"


def _multipart_parser(document: Any, media: MediaType) -> Parser:
    form = FormBody(document, media, multipart=True)

    def parse(raw: bytes, content_type: str) -> dict[str, Any]:
        head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
        message = BytesParser(policy=HTTP).parsebytes(head + raw)
        if not message.is_multipart():
            if _no_parts(raw, message.get_boundary()):
                return {}  # a form with no fields: only the closing delimiter (what httpx sends)
            raise ValueError("not a multipart body")
        pairs, json_parts = [], set()
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str):
                text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
                pairs.append((name, text))
                if JSON_PART.match(part.get_content_type()):
                    json_parts.add(name)
        return form.value(fields_of(pairs), None, frozenset(json_parts))

    return parse
