"""Raw strings from the URL, headers and forms → typed values, following each parameter's style.

Casting never fails: a value that does not fit its schema type is passed on unchanged, and the
schema validator reports it with the parameter's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from specmock import json_exact
from specmock.spec.model import Parameter
from specmock.spec.views import items_schema, merged_object, schema_types
from specmock.text_numbers import ascii_int, ascii_number

Caster = Callable[[str], Any]
SEPARATORS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def cast_integer(raw: str) -> Any:
    value = ascii_int(raw)
    return raw if value is None else value


def cast_number(raw: str) -> Any:
    value = ascii_number(raw)
    return raw if value is None else value


def cast_boolean(raw: str) -> Any:
    return {"true": True, "false": False}.get(raw.lower(), raw)


def cast_null(raw: str) -> Any:
    return None if raw in ("", "null") else raw


def scalar_caster(types: set[str]) -> Caster:
    """The caster for a schema of these types; strings stay strings when "string" is allowed."""
    if "string" in types or not types:
        return str
    if "integer" in types and "number" not in types:
        return cast_integer
    if "number" in types:
        return cast_number
    if "boolean" in types:
        return cast_boolean
    if types == {"null"}:
        return cast_null
    return str


def compile_caster(document: Any, param: Parameter) -> Callable[[list[str]], Any]:
    """From the raw value(s) of one parameter to the value its schema is checked against."""
    if param.content_type is not None:
        return _json_content
    types = schema_types(document, param.schema)
    if "array" in types and not types & {"string", "object"}:
        item = scalar_caster(schema_types(document, items_schema(document, param.schema)))
        return _array_caster(param, item)
    if "object" in types:
        properties, _, _ = merged_object(document, param.schema)
        casters = {name: scalar_caster(schema_types(document, s)) for name, s in properties.items()}
        return _object_caster(param, casters)
    scalar = scalar_caster(types)
    return lambda values: scalar(values[-1])


def _json_content(values: list[str]) -> Any:
    try:
        return json_exact.loads(values[-1])
    except ValueError:
        return values[-1]


def _array_caster(param: Parameter, item: Caster) -> Callable[[list[str]], Any]:
    separator = SEPARATORS.get(param.style, ",")
    split = not (param.location in ("query", "cookie") and param.style == "form" and param.explode)

    def cast(values: list[str]) -> list[Any]:
        raw = [part for value in values for part in value.split(separator)] if split else values
        return [item(v) for v in raw]

    return cast


def _object_caster(param: Parameter, casters: dict[str, Caster]) -> Callable[[list[str]], Any]:
    def cast(values: list[str]) -> Any:
        value = values[-1]
        if param.explode and param.location in ("header", "path"):
            pairs = [p.partition("=")[::2] for p in value.split(",") if p]
        else:
            parts = value.split(",")
            pairs = list(zip(parts[::2], parts[1::2], strict=False))
        return {k: casters.get(k, str)(v) for k, v in pairs}

    return cast


def deep_object(
    query: Mapping[str, list[str]], name: str, casters: Mapping[str, Caster]
) -> dict[str, Any] | None:
    """``filter[status]=paid&filter[limit]=3`` → {"status": "paid", "limit": 3}."""
    prefix = name + "["
    found = {k[len(prefix) : -1]: v[-1] for k, v in query.items() if k.startswith(prefix) and k.endswith("]")}
    if not found:
        return None
    return {k: casters.get(k, str)(v) for k, v in found.items()}
