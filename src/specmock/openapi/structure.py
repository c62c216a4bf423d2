"""The shape checks whose failure makes a document unservable: each raises one ``SpecError``.

Anything that can be served with a reasonable reading is left to ``normalize``, which repairs it and
says so; these checks only refuse what has no reading at all (an operation that is a string…).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from jsonpointer import escape

from specmock.errors import SpecError
from specmock.openapi.refs import deref

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_VERSION = re.compile(r"^3\.([01])(\.\d+)?(-[0-9A-Za-z.-]+)?$")


def document_version(document: Any, file: str) -> str:
    """ "3.0" or "3.1"; refuses anything else with the reason."""
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else f"a single value ({type(document).__name__})"
        raise SpecError(file, "", f"the document is {kind}, not a mapping of OpenAPI fields")
    if "openapi" not in document:
        raise SpecError(file, "", "the document has no `openapi` field, so it is not an OpenAPI 3 document")
    declared = str(document["openapi"]).strip()
    match = _VERSION.match(declared)
    if match is None:
        raise SpecError(
            file,
            "/openapi",
            f"OpenAPI version {declared!r} is not supported; specmock serves OpenAPI 3.0.x and 3.1.x",
        )
    return f"3.{match.group(1)}"


def check_structure(document: dict[str, Any], version: str, file: str) -> None:
    check_top(document, version, file)
    for pointer, item in _path_items(document, file):
        for method in HTTP_METHODS:
            if method in item:
                _check_operation(document, item[method], f"{pointer}/{method}", file)
        _check_parameters(document, item.get("parameters"), f"{pointer}/parameters", file)


def check_top(document: dict[str, Any], version: str, file: str) -> None:
    if version == "3.0" and "paths" not in document:
        raise SpecError(file, "", "an OpenAPI 3.0 document needs `paths`, and this one has none")
    if version == "3.1" and "paths" not in document and "webhooks" not in document:
        raise SpecError(
            file, "", "the document has neither `paths` nor `webhooks`: there is nothing to serve"
        )
    for key in ("paths", "webhooks", "components"):
        if key in document and not isinstance(document[key], dict):
            raise SpecError(file, f"/{key}", f"`{key}` must be a mapping, not {_kind(document[key])}")
    components = document.get("components") or {}
    for key, section in components.items():
        if not isinstance(section, dict) and not str(key).startswith("x-"):
            raise SpecError(
                file, f"/components/{escape(str(key))}", f"must be a mapping, not {_kind(section)}"
            )


def _path_items(document: dict[str, Any], file: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for area in ("paths", "webhooks"):
        for name, raw in (document.get(area) or {}).items():
            if str(name).startswith("x-"):
                continue  # a specification extension, not a path
            pointer = f"/{area}/{escape(str(name))}"
            item = deref(document, raw)
            if item is None:
                continue  # an empty path item: normalize drops it
            if not isinstance(item, dict):
                raise SpecError(file, pointer, f"a path item must be a mapping, not {_kind(item)}")
            yield pointer, item


def _check_operation(document: dict[str, Any], operation: Any, pointer: str, file: str) -> None:
    if not isinstance(operation, dict):
        raise SpecError(file, pointer, f"an operation must be a mapping, not {_kind(operation)}")
    _check_parameters(document, operation.get("parameters"), f"{pointer}/parameters", file)
    body = operation.get("requestBody")
    if body is not None and not isinstance(deref(document, body), dict):
        raise SpecError(
            file, f"{pointer}/requestBody", f"a request body must be a mapping, not {_kind(body)}"
        )
    if body is not None:
        _check_maps(deref(document, body), f"{pointer}/requestBody", file)
    responses = operation.get("responses")
    if responses is None:
        return  # normalize documents a default response
    if not isinstance(responses, dict):
        raise SpecError(
            file, f"{pointer}/responses", f"`responses` must be a mapping, not {_kind(responses)}"
        )
    for key, response in responses.items():
        where = f"{pointer}/responses/{escape(str(key))}"
        if str(key).startswith("x-"):
            continue
        if not isinstance(deref(document, response), dict):
            raise SpecError(
                file, where, f"a response must be a mapping, not {_kind(deref(document, response))}"
            )
        _check_maps(deref(document, response), where, file)


def _check_maps(node: dict[str, Any], pointer: str, file: str) -> None:
    """``content`` and ``headers`` are maps of names; anything else has no reading."""
    for key in ("content", "headers"):
        if node.get(key) is not None and not isinstance(node[key], dict):
            raise SpecError(file, f"{pointer}/{key}", f"`{key}` must be a mapping, not {_kind(node[key])}")


def _check_parameters(document: dict[str, Any], parameters: Any, pointer: str, file: str) -> None:
    if parameters is None:
        return
    if not isinstance(parameters, list):
        raise SpecError(file, pointer, f"`parameters` must be a list, not {_kind(parameters)}")
    for i, raw in enumerate(parameters):
        parameter = deref(document, raw)
        if not isinstance(parameter, dict):
            raise SpecError(file, f"{pointer}/{i}", f"a parameter must be a mapping, not {_kind(parameter)}")
        missing = [field for field in ("name", "in") if not isinstance(parameter.get(field), str)]
        if missing:
            raise SpecError(file, f"{pointer}/{i}", f"the parameter has no `{missing[0]}`")
        _check_maps(parameter, f"{pointer}/{i}", file)


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    return f"a {type(value).__name__}" if not isinstance(value, dict) else "a mapping"
