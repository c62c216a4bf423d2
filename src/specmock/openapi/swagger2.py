"""Swagger 2.0 (OpenAPI 2) → OpenAPI 3.0.3, done once at load so the engine only ever serves 3.x.

No maintained pure-Python converter does this offline (prance posts the document to a web service,
swagger2openapi is Node.js), so the rules are written here, one function each:

    host/basePath/schemes → servers             consumes/produces → media types (operation over document)
    in: body → requestBody                      in: formData → requestBody (multipart when a file is sent)
    collectionFormat → style/explode            definitions/parameters/responses → components
    securityDefinitions → securitySchemes       x-nullable → nullable; type: file → binary string
    response examples by media type             response headers → header objects with a schema
    every $ref → its target's new place         a discriminator's name → {propertyName}

Shared body and formData parameters have no 3.0 component: they are written into each operation
that uses them. ``convert`` takes a document whose sibling-file references were already bundled (into
``definitions``, ``parameters`` and ``responses``: ``SWAGGER_PLACES``) and returns the 3.0 document and
what could not be carried over, each with the JSON pointer of the Swagger 2.0 node. It never raises on
odd input: what it cannot read it copies as it is, and the 3.0 checks that run next name the problem.
"""

from __future__ import annotations

from typing import Any

from jsonpointer import escape

from specmock.errors import SpecError
from specmock.openapi.repairs import Repair
from specmock.openapi.scan import BUNDLED, NAME_MAPS
from specmock.openapi.swagger2_operations import operation, parameter, response, split_parameters
from specmock.openapi.swagger2_values import Conversion, is_extension, schema, security_scheme
from specmock.types import Document

__all__ = ["OPENAPI_VERSION", "SWAGGER_PLACES", "check_swagger_top", "convert", "is_swagger"]

OPENAPI_VERSION = "3.0.3"
# Where the bundler puts what a sibling file's $ref names, in Swagger 2.0 terms (see bundle.py).
SWAGGER_PLACES = {"schemas": ("definitions",), "parameters": ("parameters",), "responses": ("responses",)}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
TOP_KEYS = frozenset({"info", "tags", "externalDocs", "security"})
DATA_KEYS = frozenset({"example", "examples", "default", "enum"})


def is_swagger(document: Any) -> bool:
    return isinstance(document, dict) and "swagger" in document


def check_swagger_top(document: Document, file: str) -> None:
    """The version, and the top-level maps the bundler writes into; ``convert`` tolerates the rest."""
    declared = str(document["swagger"]).strip()
    if declared != "2.0":
        raise SpecError(
            file,
            "/swagger",
            f"Swagger version {declared!r} is not supported; specmock serves Swagger 2.0, "
            "OpenAPI 3.0.x and OpenAPI 3.1.x",
        )
    if "paths" not in document:
        raise SpecError(file, "", "a Swagger 2.0 document needs `paths`, and this one has none")
    for key in ("paths", "definitions", "parameters", "responses", "securityDefinitions"):
        if key in document and not isinstance(document[key], dict):
            raise SpecError(file, f"/{key}", f"`{key}` must be a mapping, not {_kind(document[key])}")


def convert(document: Document) -> tuple[Document, list[Repair]]:
    """The OpenAPI 3.0 reading of a bundled Swagger 2.0 ``document``, and what did not carry over."""
    conversion = Conversion(document)
    out: Document = {"openapi": OPENAPI_VERSION}
    out.update({k: v for k, v in document.items() if k in TOP_KEYS or is_extension(k)})
    servers = _servers(document)
    if servers:
        out["servers"] = servers
    paths = document.get("paths") or {}
    out["paths"] = {
        name: item if is_extension(name) or not isinstance(item, dict) else _path_item(item, name, conversion)
        for name, item in paths.items()
    }
    components = _components(conversion)
    if components:
        out["components"] = components
    _rewrite_refs(out, "", conversion)
    return out, conversion.losses


def _servers(document: Document) -> list[Document]:
    host, base = document.get("host"), document.get("basePath")
    base = base if isinstance(base, str) else ""
    declared = document.get("schemes")
    schemes = [s for s in declared if isinstance(s, str)] if isinstance(declared, list) else []
    if isinstance(host, str) and host:
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes or ["https"]]
    return [{"url": base}] if base else []


def _components(conversion: Conversion) -> Document:
    source = conversion.source
    sections = {
        "schemas": {name: schema(s) for name, s in (source.get("definitions") or {}).items()},
        "parameters": {
            name: parameter(p, f"/parameters/{escape(name)}", conversion)
            for name, p in (source.get("parameters") or {}).items()
            if not (isinstance(p, dict) and p.get("in") in ("body", "formData"))  # written where used
        },
        "responses": {
            name: response(r, f"/responses/{escape(name)}", conversion.produces, conversion)
            for name, r in (source.get("responses") or {}).items()
        },
        "securitySchemes": {
            name: security_scheme(s, f"/securityDefinitions/{escape(name)}", conversion)
            for name, s in (source.get("securityDefinitions") or {}).items()
        },
    }
    return {key: section for key, section in sections.items() if section}


def _path_item(item: Document, name: str, conversion: Conversion) -> Document:
    pointer = f"/paths/{escape(name)}"
    shared, bodies = split_parameters(item.get("parameters"), f"{pointer}/parameters", conversion)
    out: Document = {k: v for k, v in item.items() if k == "$ref" or is_extension(k)}
    if shared or "parameters" in item:
        out["parameters"] = shared if isinstance(item.get("parameters"), list) else item["parameters"]
    for method in METHODS:
        if method in item:
            node = item[method]
            where = f"{pointer}/{method}"
            out[method] = operation(node, where, list(bodies), conversion) if isinstance(node, dict) else node
    return out


def _rewrite_refs(node: Any, pointer: str, conversion: Conversion, names: bool = False) -> None:
    """Every internal $ref of the converted document pointed at where its target went.

    ``names``: ``node`` maps names to objects (``properties``, ``paths``…), so a key such as ``default``
    is a name there, not data.
    """
    if isinstance(node, list):
        for i, item in enumerate(node):
            _rewrite_refs(item, f"{pointer}/{i}", conversion)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if not names and isinstance(ref, str) and ref.startswith("#/"):
        node["$ref"] = _moved(ref, pointer, conversion)
    for key, value in node.items():
        if not names and (key in DATA_KEYS or (is_extension(key) and key != BUNDLED)):
            continue
        inner = not names and key in NAME_MAPS and isinstance(value, dict)
        _rewrite_refs(value, f"{pointer}/{escape(key)}", conversion, inner)


def _moved(ref: str, pointer: str, conversion: Conversion) -> str:
    old = ref[1:]
    moved = conversion.moved
    prefix = max((p for p in moved if old == p or old.startswith(p + "/")), key=len, default=None)
    if prefix is not None:
        return "#" + moved[prefix] + old[len(prefix) :]
    if old.startswith("/paths/") and old.count("/") > 2:
        conversion.lose(
            pointer,
            f"$ref {ref!r} points inside an operation, whose parts have other places in OpenAPI 3; "
            "refer to a definition instead",
        )
    return ref


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"a {type(value).__name__}"
