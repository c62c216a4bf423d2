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
from urllib.parse import parse_qsl

from specmock import json_exact
from specmock.diagnostics import Diagnostic, Kind
from specmock.pipeline.casting import SEPARATORS, compile_caster, deep_object, scalar_caster
from specmock.pipeline.request import MockRequest
from specmock.spec.model import MediaType, Operation, Parameter
from specmock.spec.views import items_schema, merged_object, schema_types

Check = Callable[[Any], list[tuple[str, str]]]
CheckFactory = Callable[[dict[str, Any]], Check]  # schema → check, compiled for the request direction
Parser = Callable[[bytes, str], Any]  # raw body, full Content-Type header → value
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
NO_BODY: Any = object()


@dataclass(frozen=True, slots=True)
class ParamCheck:
    param: Parameter
    cast: Callable[[list[str]], Any]
    check: Check
    object_casters: Mapping[str, Callable[[str], Any]] | None = None


@dataclass(frozen=True, slots=True)
class BodyCheck:
    media: MediaType
    parse: Parser
    check: Check


class RequestValidator:
    def __init__(self, operation: Operation, document: Any, compile_check: CheckFactory) -> None:
        self.params = tuple(
            _param_check(document, p, compile_check)
            for p in operation.parameters
            if not (p.location == "header" and p.name.lower() in IGNORED_HEADERS)
        )
        body = operation.body
        self.body_required = bool(body and body.required)
        self.bodies = {m.name: _body_check(document, m, compile_check) for m in (body.media if body else ())}

    def validate(self, request: MockRequest, path_values: Mapping[str, str]) -> tuple[list[Diagnostic], Any]:
        found: list[Diagnostic] = []
        for check in self.params:
            _check_param(check, request, path_values, found)
        body = self._check_body(request, found) if self.bodies or request.body else NO_BODY
        return found, body

    def _check_body(self, request: MockRequest, found: list[Diagnostic]) -> Any:
        if not request.body:
            if self.body_required:
                found.append(Diagnostic(Kind.INVALID, "a request body is required", "body"))
            return NO_BODY
        if not self.bodies:
            return NO_BODY
        content_type = request.content_type
        check = match_media(self.bodies, content_type)
        if check is None:
            declared = ", ".join(self.bodies)
            message = f"content type {content_type or '(none)'!r} is not accepted; use {declared}"
            found.append(Diagnostic(Kind.MEDIA_TYPE, message, "header", "content-type"))
            return NO_BODY
        try:
            value = check.parse(request.body, request.headers.get("content-type", ""))
        except ValueError as exc:
            found.append(
                Diagnostic(Kind.INVALID, f"the body cannot be parsed as {check.media.name}: {exc}", "body")
            )
            return NO_BODY
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


def _check_param(
    check: ParamCheck, request: MockRequest, path_values: Mapping[str, str], found: list[Diagnostic]
) -> None:
    param = check.param
    value = _raw_value(check, request, path_values)
    if value is NO_BODY:
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
    for path, message in check.check(value):
        inner = path.strip("/")
        name = f"{param.name}.{inner.replace('/', '.')}" if inner else param.name
        found.append(Diagnostic(Kind.INVALID, message, param.location, name))


def _raw_value(check: ParamCheck, request: MockRequest, path_values: Mapping[str, str]) -> Any:
    param = check.param
    if param.location == "query":
        if param.style == "deepObject" and check.object_casters is not None:
            obj = deep_object(request.query, param.name, check.object_casters)
            return NO_BODY if obj is None else obj
        values = request.query.get(param.name)
        if values == [""] and param.allow_empty:
            values = None  # `allowEmptyValue: true`: `?limit=` means "not given"
    elif param.location == "path":
        values = [path_values[param.name]] if param.name in path_values else None
    elif param.location == "header":
        header = request.headers.get(param.name.lower())
        values = None if header is None else [header]
    else:
        cookie = request.cookies.get(param.name)
        values = None if cookie is None else [cookie]
    return NO_BODY if values is None else check.cast(values)


def _param_check(document: Any, param: Parameter, compile_check: CheckFactory) -> ParamCheck:
    casters = None
    if param.style == "deepObject":
        properties, _, _ = merged_object(document, param.schema)
        casters = {n: scalar_caster(schema_types(document, s)) for n, s in properties.items()}
    return ParamCheck(param, compile_caster(document, param), compile_check(param.schema), casters)


def _body_check(document: Any, media: MediaType, compile_check: CheckFactory) -> BodyCheck:
    schema = media.schema or {}
    name = media.name
    if name == "application/json" or name.endswith("+json") or name in ("*/*", "application/*"):
        parse: Parser = _parse_json
    elif name == "application/x-www-form-urlencoded":
        parse = _form_parser(document, schema, media.field_styles)
    elif name.startswith("multipart/"):
        parse = _multipart_parser(document, schema)
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


def _form_fields(
    document: Any, schema: dict[str, Any], styles: Mapping[str, tuple[str, bool]]
) -> tuple[dict[str, Callable[[str], Any]], dict[str, str | None]]:
    """(caster per field, separator per array field: None when each value is one item).

    An array field's items are cast to the items' type. ``styles`` (a urlencoded body's `encoding`)
    says which arrays come in one value (`explode: false`: ``tags=a,b``); the others repeat their name.
    """
    properties, _, _ = merged_object(document, schema)
    casters: dict[str, Callable[[str], Any]] = {}
    arrays: dict[str, str | None] = {}
    for name, field_schema in properties.items():
        types = schema_types(document, field_schema)
        if "array" in types and not types & {"string", "object"}:
            casters[name] = scalar_caster(schema_types(document, items_schema(document, field_schema)))
            style, explode = styles.get(name, ("form", True))
            arrays[name] = None if explode else SEPARATORS.get(style, ",")
        else:
            casters[name] = scalar_caster(types - {"array"})
            if "array" in types:
                arrays[name] = None
    return casters, arrays


def _collect(
    pairs: list[tuple[str, str]],
    casters: Mapping[str, Callable[[str], Any]],
    arrays: Mapping[str, str | None],
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        cast = casters.get(name, str)
        if name not in arrays:
            out[name] = cast(value)
            continue
        separator = arrays[name]
        items = out.setdefault(name, [])
        items.extend(cast(v) for v in (value.split(separator) if separator else [value]))
    return out


def _form_parser(document: Any, schema: dict[str, Any], styles: Mapping[str, tuple[str, bool]]) -> Parser:
    casters, arrays = _form_fields(document, schema, styles)

    def parse(raw: bytes, _: str) -> dict[str, Any]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError("not UTF-8 text") from exc
        return _collect(parse_qsl(text, keep_blank_values=True), casters, arrays)

    return parse


def _no_parts(raw: bytes, boundary: str | None) -> bool:
    return boundary is not None and raw.strip() == b"--" + boundary.encode("latin-1") + b"--"


def _multipart_parser(document: Any, schema: dict[str, Any]) -> Parser:
    casters, arrays = _form_fields(document, schema, {})  # 3.0 applies no `encoding` style to multipart

    def parse(raw: bytes, content_type: str) -> dict[str, Any]:
        head = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
        message = BytesParser(policy=HTTP).parsebytes(head + raw)
        if not message.is_multipart():
            if _no_parts(raw, message.get_boundary()):
                return {}  # a form with no fields: only the closing delimiter (what httpx sends)
            raise ValueError("not a multipart body")
        pairs = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str):
                text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
                pairs.append((name, text))
        return _collect(pairs, casters, arrays)

    return parse
