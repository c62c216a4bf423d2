"""Form bodies (``application/x-www-form-urlencoded``, ``multipart/form-data``): fields → the object
the body schema checks, each property read per its ``encoding`` (style, explode, allowReserved,
contentType; see ``styles``) and typed by its schema.

Clients send what text cannot spell as JSON text: a part whose content type is JSON, an object or an
array of objects in a field (schemathesis, browsers' ``FormData`` with ``JSON.stringify``), ``null``
for a nullable field. An array is also one part (or field) per item, so a single JSON object in an
array's field is a one-item array (OpenAPI: an array's content type is its items'). A body schema
that is a ``oneOf``/``anyOf`` of objects types every field any branch declares.

An empty object or array has no spelling when exploded (RFC 6570: an empty list or map is
undefined, so nothing is written): a property the body requires, spelled so and absent, is read as
empty — the only way a client can send it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from specmock import json_exact
from specmock.openapi.model import Encoding, MediaType
from specmock.openapi.views import items_schema, schema_types
from specmock.pipeline.casting import (
    Typed,
    compile_typed,
    object_properties,
    properties_of,
    required_somewhere,
    shape_of,
)
from specmock.pipeline.styles import MISSING, Fields, Reader, Spelling, field_reader, fields_of, form_pairs

JSON_PART = re.compile(r"^application/([\w.+-]+\+)?json$")
MAX_DEPTH = 8
NOT_JSON: Any = object()


@dataclass(frozen=True, slots=True)
class FormField:
    read: Reader
    cast: Typed
    json: bool  # declared as JSON (the encoding's content type): its text is the value
    structured: bool  # an object or an array of objects/arrays: JSON text is read as JSON
    shape: str
    nullable: bool
    reserved: bool  # allowReserved: `+` is a plus
    claims: Callable[[str], bool]  # the field names this property consumes
    exploded: bool  # an empty value is spelled as nothing (explode on, or deepObject)


class FormBody:
    def __init__(self, document: Any, media: MediaType, multipart: bool) -> None:
        properties = object_properties(document, media.schema or {})
        names = frozenset(properties)
        required = required_somewhere(document, media.schema or {})
        self.fields = {
            name: _field(document, name, schema, media.encoding.get(name, Encoding()), names)
            for name, schema in properties.items()
        }
        self.empty = {  # what a required property spelled as nothing holds (see the module's notes)
            name: empty
            for name, field in self.fields.items()
            if name in required and (empty := _empty(field.shape, field.exploded, multipart)) is not MISSING
        }
        self.reserved = any(f.reserved for f in self.fields.values())

    def value(self, text_fields: Fields, raw_text: str | None, json_parts: frozenset[str]) -> dict[str, Any]:
        reserved = fields_of(form_pairs(raw_text, keep_plus=True)) if self.reserved and raw_text else None
        out: dict[str, Any] = {}
        consumed: set[str] = set()
        for name, field in self.fields.items():
            source = reserved if field.reserved and reserved is not None else text_fields
            value = _field_value(field, source, name, name in json_parts)
            if value is MISSING:
                value = self.empty.get(name, MISSING)
            if value is not MISSING:
                out[name] = value
                consumed.update(key for key in text_fields if field.claims(key))
        for key, values in text_fields.items():
            if key not in consumed and key not in self.fields:
                out[key] = values[-1]
        return out


def _field(document: Any, name: str, schema: Any, encoding: Encoding, names: frozenset[str]) -> FormField:
    shape = shape_of(document, schema)
    declared, open_object = properties_of(document, schema) if shape == "object" else ((), False)
    spelling = Spelling(
        name=name,
        location="body",
        style=encoding.style,
        explode=encoding.explode,
        shape=shape,
        allow_reserved=encoding.allow_reserved,
        properties=declared,
        open_object=open_object,
        claimed=names - {name},
    )
    exploded = shape == "object" and encoding.explode and encoding.style != "deepObject"
    return FormField(
        read=field_reader(spelling),
        cast=compile_typed(document, schema),
        json=bool(JSON_PART.match(encoding.content_type or "")),
        structured=_structured(document, schema),
        shape=shape,
        nullable="null" in schema_types(document, schema),
        reserved=encoding.allow_reserved,
        claims=_claims(name, declared if exploded else (), encoding.style == "deepObject" or exploded),
        exploded=encoding.explode or encoding.style == "deepObject",
    )


def _empty(shape: str, exploded: bool, multipart: bool) -> Any:
    """The empty value spelled as nothing: an exploded object's (urlencoded; a multipart object is a
    JSON part), an array's (no field, or no part, per item)."""
    if shape == "object" and exploded and not multipart:
        return {}
    if shape == "array" and (exploded or multipart):
        return []
    return MISSING


def _field_value(field: FormField, source: Fields, name: str, json_part: bool) -> Any:
    """The typed value of one property, or MISSING when the body does not hold it."""
    values = source.get(name)
    if values is not None:
        if field.json or json_part or field.structured:
            decoded = _json_values(values, field.shape)
            if decoded is not NOT_JSON:
                return decoded
            if field.json or json_part:
                return values[-1]  # not JSON although declared so: the schema check says what is wrong
        if values == ["null"] and field.nullable:
            return None
        if values == [""] and field.shape == "object":
            return {}  # an exploded empty object is sent as `name=`
    raw = field.read(source)
    return MISSING if raw is MISSING else field.cast(raw)


def _json_values(values: list[str], shape: str) -> Any:
    """The field's JSON value(s): one text, or one per repeated field of an array; NOT_JSON otherwise."""
    decoded = []
    for text in values:
        try:
            decoded.append(json_exact.loads(text))
        except ValueError:
            return NOT_JSON
    if len(decoded) == 1 and shape == "array" and isinstance(decoded[0], dict):
        return decoded  # one part per item: a single object is a one-item array
    if len(decoded) == 1 and (decoded[0] is None or isinstance(decoded[0], dict | list)):
        return decoded[0]
    if shape == "array" and all(isinstance(item, dict | list) for item in decoded):
        return decoded
    return NOT_JSON


def _structured(document: Any, schema: Any) -> bool:
    """An object, or an array of objects or arrays: sent as JSON text when it is not spelled by a style."""
    shape = shape_of(document, schema)
    if shape == "object":
        return True
    return shape == "array" and shape_of(document, items_schema(document, schema)) != "primitive"


def _claims(name: str, properties: tuple[str, ...], bracketed: bool) -> Callable[[str], bool]:
    own = frozenset((name, *properties))
    prefix = name + "["
    return lambda key: key in own or (bracketed and key.startswith(prefix)) or key.split("[", 1)[0] in own
