"""Frozen views of the operations in a loaded document: what the pipeline reads at request time.

Built once at start-up from the bundled, normalised document; path-level parameters are merged
into each operation, and the document's top-level ``security`` is applied where an operation
declares none.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonpointer import escape

from specmock.openapi.refs import deref

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
NO_EXAMPLE: Any = object()


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    required: bool
    schema: dict[str, Any]
    style: str
    explode: bool
    content_type: str | None = None  # parameters declared with `content` instead of `schema`
    allow_empty: bool = False  # `allowEmptyValue` (query only); otherwise `?name=` is checked as ""
    allow_reserved: bool = False  # `allowReserved` (query only): reserved characters arrive unencoded


@dataclass(frozen=True, slots=True)
class Encoding:
    """How one property of a form body (urlencoded or multipart) is written."""

    style: str = "form"
    explode: bool = True
    allow_reserved: bool = False
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class MediaType:
    name: str
    schema: dict[str, Any] | None
    example: Any = NO_EXAMPLE
    examples: Mapping[str, Any] = field(default_factory=dict)
    encoding: Mapping[str, Encoding] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Header:
    name: str
    required: bool
    schema: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Response:
    key: str  # "200", "4XX" or "default"
    description: str
    media: tuple[MediaType, ...]
    headers: tuple[Header, ...]

    def media_for(self, name: str) -> MediaType | None:
        for media in self.media:
            if media.name == name:
                return media
        return None


@dataclass(frozen=True, slots=True)
class RequestBody:
    required: bool
    media: tuple[MediaType, ...]


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    name: str
    type: str  # apiKey | http | oauth2 | openIdConnect | mutualTLS
    location: str | None = None  # apiKey: header | query | cookie
    param_name: str | None = None  # apiKey: the header/query/cookie name
    scheme: str | None = None  # http: bearer | basic | ...


# One requirement is a set of schemes that must all hold (AND); an operation lists
# alternatives (OR). An empty requirement `{}` makes authentication optional.
Requirement = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Operation:
    key: str
    method: str  # upper case
    path: str  # the template as written in the document
    pointer: str
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    responses: Mapping[str, Response]
    security: tuple[Requirement, ...]  # () = no security at all
    deprecated: bool = False

    @property
    def route(self) -> str:
        """The URL template requests match: the path key without a ``#fragment`` (real documents key
        variants of one URL as ``/pets#cats``, ``/pets#dogs``)."""
        return route_of(self.path)

    @property
    def path_regex(self) -> re.Pattern[str]:
        return template_regex(self.route)


def route_of(path: str) -> str:
    return path.split("#", 1)[0] or "/"


def same_route(path: str) -> str:
    """What two templates matching the same URLs share: ``/pets/{id}`` and ``/pets/{name}#v2``."""
    return re.sub(r"\{[^}/]+\}", "{}", route_of(path))


@functools.cache
def template_regex(template: str) -> re.Pattern[str]:
    """Regex with one named group per `{param}`; a parameter never spans a `/`."""
    out, names = [], []
    for part in re.split(r"(\{[^}/]+\})", template):
        if part.startswith("{") and part.endswith("}"):
            names.append(part[1:-1])
            out.append(f"(?P<p{len(names) - 1}>[^/]+)")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + r"\Z")  # \Z: `$` would also accept a trailing newline


def template_names(template: str) -> list[str]:
    return re.findall(r"\{([^}/]+)\}", template)


def operation_key(operation: Mapping[str, Any], method: str, path: str) -> str:
    op_id = operation.get("operationId")
    return op_id if isinstance(op_id, str) and op_id else f"{method.upper()} {path}"


def iter_operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    paths = document.get("paths") or {}
    for path, item in paths.items():
        item = deref(document, item)
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]


def build_operations(document: dict[str, Any]) -> dict[str, Operation]:
    schemes = build_security_schemes(document)
    default_security = document.get("security")
    operations: dict[str, Operation] = {}
    for path, method, raw in iter_operations(document):
        key = operation_key(raw, method, path)
        if key in operations:
            key = f"{method.upper()} {path}"
        item = deref(document, document["paths"][path])
        operations[key] = Operation(
            key=key,
            method=method.upper(),
            path=path,
            pointer=f"/paths/{escape(path)}/{method}",
            parameters=_parameters(document, item.get("parameters"), raw.get("parameters")),
            body=_request_body(document, raw.get("requestBody")),
            responses=_responses(document, raw.get("responses") or {}),
            security=_security(raw.get("security", default_security), schemes),
            deprecated=bool(raw.get("deprecated")),
        )
    return operations


def build_security_schemes(document: Mapping[str, Any]) -> dict[str, SecurityScheme]:
    raw = (document.get("components") or {}).get("securitySchemes") or {}
    schemes = {}
    for name, node in raw.items():
        node = deref(document, node)
        if not isinstance(node, dict):
            continue
        schemes[name] = SecurityScheme(
            name=name,
            type=str(node.get("type", "")),
            location=node.get("in"),
            param_name=node.get("name"),
            scheme=str(node["scheme"]).lower() if node.get("scheme") else None,
        )
    return schemes


def _security(raw: Any, schemes: Mapping[str, SecurityScheme]) -> tuple[Requirement, ...]:
    if not isinstance(raw, list) or not raw:
        return ()
    requirements = []
    for requirement in raw:
        if isinstance(requirement, dict):
            # An unknown scheme name can never be satisfied: keep it so the requirement fails.
            requirements.append(tuple(requirement))
    return tuple(requirements)


def _parameters(document: dict[str, Any], *lists: Any) -> tuple[Parameter, ...]:
    merged: dict[tuple[str, str], Parameter] = {}
    for raw_list in lists:
        for raw in raw_list or ():
            node = deref(document, raw)
            if isinstance(node, dict) and "name" in node and "in" in node:
                param = _parameter(document, node)
                merged[(param.location, param.name)] = param
    return tuple(merged.values())


def _parameter(document: dict[str, Any], node: dict[str, Any]) -> Parameter:
    location = str(node["in"])
    style = node.get("style") or ("form" if location in ("query", "cookie") else "simple")
    content_type = None
    schema = node.get("schema")
    if schema is None and isinstance(node.get("content"), dict) and node["content"]:
        content_type, media = next(iter(node["content"].items()))
        schema = (media or {}).get("schema")
    return Parameter(
        name=str(node["name"]),
        location=location,
        required=bool(node.get("required")) or location == "path",
        schema=schema if isinstance(schema, dict) else {},
        style=style,
        explode=bool(node.get("explode", style == "form")),
        content_type=content_type,
        allow_empty=bool(node.get("allowEmptyValue")),
        allow_reserved=bool(node.get("allowReserved")),
    )


def _media(document: dict[str, Any], content: Any) -> tuple[MediaType, ...]:
    out = []
    for name, raw in (content or {}).items():
        node = deref(document, raw) if isinstance(raw, dict) else {}
        examples = {}
        for ex_name, ex in (node.get("examples") or {}).items():
            ex = deref(document, ex)
            if isinstance(ex, dict) and "value" in ex:
                examples[str(ex_name)] = ex["value"]
        schema = node.get("schema")
        out.append(
            MediaType(
                name=str(name).split(";")[0].strip().lower(),
                schema=schema if isinstance(schema, dict) else None,
                example=node.get("example", NO_EXAMPLE),
                examples=examples,
                encoding=_encoding(document, node.get("encoding")),
            )
        )
    return tuple(out)


def _encoding(document: dict[str, Any], raw: Any) -> dict[str, Encoding]:
    out = {}
    for name, node in (raw if isinstance(raw, dict) else {}).items():
        node = deref(document, node)
        if not isinstance(node, dict):
            continue
        style = str(node.get("style") or "form")
        content_type = node.get("contentType")
        out[str(name)] = Encoding(
            style=style,
            explode=bool(node.get("explode", style == "form")),
            allow_reserved=bool(node.get("allowReserved")),
            content_type=str(content_type).split(",")[0].strip().lower() if content_type else None,
        )
    return out


def _request_body(document: dict[str, Any], raw: Any) -> RequestBody | None:
    node = deref(document, raw) if raw is not None else None
    if not isinstance(node, dict):
        return None
    return RequestBody(required=bool(node.get("required")), media=_media(document, node.get("content")))


def _responses(document: dict[str, Any], raw: Mapping[Any, Any]) -> dict[str, Response]:
    out = {}
    for key, node in raw.items():
        node = deref(document, node)
        if not isinstance(node, dict):
            continue
        key = str(key).upper() if str(key).lower().endswith("xx") else str(key)
        headers = []
        for name, header in (node.get("headers") or {}).items():
            header = deref(document, header)
            if isinstance(header, dict) and name.lower() != "content-type":
                schema = header.get("schema")
                headers.append(
                    Header(
                        str(name), bool(header.get("required")), schema if isinstance(schema, dict) else {}
                    )
                )
        out[key] = Response(
            key, str(node.get("description", "")), _media(document, node.get("content")), tuple(headers)
        )
    return out
