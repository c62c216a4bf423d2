"""Where a parameter's value sits in the request and how it is spelled: OpenAPI's ``style`` ×
``explode`` × location × the schema's shape (primitive, array, object) → strings, before casting.

| location | style | primitive | array (explode off / on) | object (explode off / on) |
| --- | --- | --- | --- | --- |
| path, header | simple | ``5`` | ``3,4`` | ``a,1,b,2`` / ``a=1,b=2`` |
| path | label | ``.5`` | ``.3,4`` / ``.3.4`` | ``.a,1,b,2`` / ``.a=1.b=2`` |
| path | matrix | ``;id=5`` | ``;id=3,4`` / ``;id=3;id=4`` | ``;id=a,1,b,2`` / ``;a=1;b=2`` |
| query, cookie, form field | form | ``id=5`` | ``id=3,4`` / ``id=3&id=4`` | ``id=a,1,b,2`` / ``a=1&b=2`` |
| query, form field | spaceDelimited | | ``id=3 4`` / as form | ``id=a 1 b 2`` / as form |
| query, form field | pipeDelimited | | ``id=3|4`` / as form | ``id=a|1|b|2`` / as form |
| query, form field | deepObject | | | ``id[a]=1&id[b]=2`` (``id[a][x]=1`` nests) |

Queries and form bodies are percent-decoded with ``+`` read as a space, except where ``allowReserved``
is set: there reserved characters arrive as they are, so ``+`` stays a plus. A cookie's exploded
array or object is also read from the header form schemathesis sends (``id=3,4``, ``id=a=1,b=2``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_plus

from specmock.types import Pairs

MISSING: Any = object()
Fields = Mapping[str, list[str]]  # name → decoded values, in order
DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}
BRACKETS = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True, slots=True)
class Spelling:
    """How one parameter (or form body field) is written."""

    name: str
    location: str  # path | query | header | cookie | body (a form field)
    style: str
    explode: bool
    shape: str  # primitive | array | object
    allow_reserved: bool = False
    properties: tuple[str, ...] = ()  # an object's declared properties (form, explode on)
    open_object: bool = False  # the object admits undeclared properties
    claimed: frozenset[str] = frozenset()  # names other parameters own (never an object's property)


def form_pairs(text: str, keep_plus: bool = False) -> Pairs:
    """``a=1&b=x+y`` → [("a", "1"), ("b", "x y")]; blank values kept. ``keep_plus``: ``+`` is a plus."""
    decode = unquote if keep_plus else unquote_plus
    pairs = []
    for part in text.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((unquote_plus(name), decode(value)))
    return pairs


def fields_of(pairs: Pairs) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def cookie_fields(header: str) -> dict[str, list[str]]:
    """Every ``name=value`` of a Cookie header, repeated names kept in order."""
    fields: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            fields.setdefault(name, []).append(value)
    return fields


Reader = Callable[[Fields], Any]  # fields → strings (str, list[str] or pairs), MISSING when absent


def field_reader(spelling: Spelling) -> Reader:
    """The reader of a query parameter, a cookie or a form body field, from its name → values map."""
    name, shape = spelling.name, spelling.shape
    if shape == "object" and spelling.style == "deepObject":
        return lambda fields: _deep_object(fields, name)
    if shape == "object" and spelling.explode and spelling.style != "deepObject":
        return _exploded_object(spelling)
    delimiter = DELIMITERS.get(spelling.style, ",")

    def read(fields: Fields) -> Any:
        values = fields.get(name)
        if values is None:
            return MISSING
        if shape == "primitive":
            return values[-1]
        if shape == "array":
            if spelling.explode and (len(values) > 1 or spelling.location != "cookie"):
                return list(values)
            return [part for value in values for part in value.split(delimiter)] if values[-1] else []
        return _alternating(values[-1].split(delimiter))

    return read


def _exploded_object(spelling: Spelling) -> Reader:
    """``a=1&b=2`` (the object's properties as fields of their own); ``a[x]=1`` nests. A cookie also
    takes the header form ``id=a=1,b=2``."""
    declared = set(spelling.properties)

    def mine(key: str) -> bool:
        base = key.split("[", 1)[0]
        if base == spelling.name:
            return False
        if base in declared:
            return True
        return spelling.open_object and base not in spelling.claimed and not base.startswith("__")

    def read(fields: Fields) -> Any:
        if spelling.location == "cookie" and spelling.name in fields and spelling.name not in declared:
            return _key_value_pairs(fields[spelling.name][-1], ",")
        bracketed = _deep_object(fields, spelling.name)  # `name[a]=1` is read too
        found = [
            (key, values[-1] if len(values) == 1 else values) for key, values in fields.items() if mine(key)
        ]
        if not found:
            return bracketed
        extracted = _nest(found)
        return {**bracketed, **extracted} if bracketed is not MISSING else extracted

    return read


def _deep_object(fields: Fields, name: str) -> Any:
    prefix = name + "["
    found = [(key[len(name) :], values[-1]) for key, values in fields.items() if key.startswith(prefix)]
    if not found:
        return MISSING
    return _nest([(key[1:].replace("]", "", 1), value) for key, value in found])


def _nest(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """[("a", "1"), ("b[x]", "2"), ("b[y]", "3")] → {"a": "1", "b": {"x": "2", "y": "3"}} (strings)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        path = [head, *BRACKETS.findall("[" + rest)] if rest else [head]
        target = out
        for step in path[:-1]:
            nested = target.get(step)
            if not isinstance(nested, dict):
                nested = target[step] = {}
            target = nested
        target[path[-1]] = value
    return out


def _alternating(parts: list[str]) -> list[tuple[str, str]]:
    return list(zip(parts[::2], parts[1::2], strict=False))


def _key_value_pairs(text: str, separator: str) -> list[tuple[str, str]]:
    pairs = [part.partition("=") for part in text.split(separator) if part]
    return [(key, value) for key, _, value in pairs]


def segment_reader(spelling: Spelling) -> Callable[[str], Any]:
    """A path segment or a header value (already percent-decoded) → strings, per simple, label or
    matrix style."""
    style, explode, shape, name = spelling.style, spelling.explode, spelling.shape, spelling.name
    if style == "label":
        return lambda raw: _label(raw, explode, shape)
    if style == "matrix":
        return lambda raw: _matrix(raw, name, explode, shape)
    return lambda raw: _simple(raw, explode, shape)


def _simple(raw: str, explode: bool, shape: str) -> Any:
    if shape == "primitive":
        return raw
    if shape == "array":
        return raw.split(",") if raw else []
    return _key_value_pairs(raw, ",") if explode else _alternating(raw.split(","))


def _label(raw: str, explode: bool, shape: str) -> Any:
    if not raw.startswith("."):
        return raw  # not label-styled: the schema check names what is wrong
    body = raw[1:]
    if shape == "primitive":
        return body
    separator = "." if explode else ","
    if shape == "array":
        return body.split(separator) if body else []
    return _key_value_pairs(body, ".") if explode else _alternating(body.split(","))


def _matrix(raw: str, name: str, explode: bool, shape: str) -> Any:
    if not raw.startswith(";"):
        return raw  # not matrix-styled: the schema check names what is wrong
    parts = [part.partition("=") for part in raw.split(";")[1:]]
    if shape == "object" and explode:
        return [(key, value) for key, _, value in parts]
    values = [value for key, _, value in parts if key == name]
    if not values:
        return raw
    if shape == "primitive":
        return values[-1]
    if shape == "array":
        return values if explode else [p for p in values[-1].split(",") if values[-1]]
    return _alternating(values[-1].split(","))


def path_text(spelling: Spelling) -> Callable[[str], str] | None:
    """The plain text of a label / matrix primitive path value (``.5`` / ``;id=5`` → ``5``), which
    is what a record id is; None for simple style (nothing to strip)."""
    if spelling.style not in ("label", "matrix") or spelling.shape != "primitive":
        return None
    read = segment_reader(spelling)

    def text(raw: str) -> str:
        value = read(raw)
        return value if isinstance(value, str) else raw

    return text
