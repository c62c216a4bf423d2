"""A second opinion on a request specmock refused: was the data schemathesis generated valid?

The `jsonschema` library decides, under the document's dialect (OpenAPI 3.0's or 3.1's schema
vocabulary, formats checked), on the values schemathesis generated: the body for the media type it
chose and every declared parameter. Three verdicts:

- ``and jsonschema agrees``: some value is invalid; schemathesis sent invalid data (e.g. a ``oneOf``
  value that matches two branches), so the refusal is right.
- ``jsonschema accepts a body the urlencoded wire does not carry``: the values are valid, but the
  body is x-www-form-urlencoded and holds what no form style spells (an object or array inside an
  array or an object: RFC 6570 values are one level deep), objects whose members take one another's
  field names (``a: {r: 1}, b: {r: 2}`` is ``r=1&r=2``), or an object schemathesis wrote as its keys
  (it spreads an object's members only when the body schema has top-level ``properties``). Each
  such object arrives as its keys (``attachments=id&attachments=title``), so the wire means a body the
  schema refuses.
- ``jsonschema accepts``: everything is valid and the wire can carry it: specmock refused a valid
  request (a false refusal, to fix).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30Validator, OAS31Validator
from schemathesis.core import NotSet

from specmock.openapi.model import MediaType, Operation, build_operations
from specmock.pipeline.casting import object_properties

AGREES = "and jsonschema agrees"
ACCEPTS = "jsonschema accepts"
UNSPELLABLE = "jsonschema accepts a body the urlencoded wire does not carry"
FORM = "application/x-www-form-urlencoded"
JSON_TEXT = re.compile(r"^application/([\w.+-]+\+)?json$")


class Recheck:
    """The verdicts for one document (validators compiled once per schema)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.validator = (
            OAS31Validator if str(document.get("openapi", "")).startswith("3.1") else OAS30Validator
        )
        self.operations = {(op.method, op.path): op for op in build_operations(document).values()}
        self._compiled: dict[int, Any] = {}

    def verdict(self, method: str, path: str, values: Mapping[str, Any], violations: str) -> tuple[str, str]:
        """The verdict, and what it rests on. ``values``: what schemathesis generated — ``body``,
        ``media_type``, ``path_parameters``, ``query``, ``headers``, ``cookies``; ``violations``:
        what specmock said was wrong."""
        operation = self.operations.get((method.upper(), path))
        if operation is None:
            return "not rechecked", "the operation is not in the document"
        wrong = self.parameter_error(operation, values) or self.body_error(operation, values)
        if wrong:
            return AGREES, "jsonschema: " + wrong
        media = _media(operation, values.get("media_type"))
        body = values.get("body")
        if media is not None and media.name == FORM and isinstance(body, dict):
            lost = {
                "nested values in": unspellable(body, media),
                "members of one another's fields in": colliding(self.document, body, media),
                "written as their keys:": written_as_keys(body, values.get("wire")),
            }
            blamed = {what: names for what, names in lost.items() if names}
            if blamed and _blamed(set().union(*blamed.values()), violations):
                return UNSPELLABLE, "; ".join(f"{what} {_names(names)}" for what, names in blamed.items())
        return ACCEPTS, "every value is valid"

    def error(self, schema: Any, value: Any) -> str:
        """The error jsonschema finds most relevant ("where: what"), or "" when the value is valid."""
        compiled = self._compiled.get(id(schema))
        if compiled is None:
            root = {**schema, "components": self.document.get("components") or {}}
            compiled = self._compiled[id(schema)] = self.validator(
                root, format_checker=self.validator.FORMAT_CHECKER
            )
        found = best_match(compiled.iter_errors(value))
        if found is None:
            return ""
        where = "/".join(str(step) for step in found.absolute_path)
        return f"{where or '(root)'}: {found.message}"[:300]

    def parameter_error(self, operation: Operation, values: Mapping[str, Any]) -> str:
        sent = {
            "path": values.get("path_parameters") or {},
            "query": values.get("query") or {},
            "header": {k.lower(): v for k, v in (values.get("headers") or {}).items()},
            "cookie": values.get("cookies") or {},
        }
        for param in operation.parameters:
            if param.content_type is not None:
                continue  # sent as text in a media type: not a value of the schema
            name = param.name.lower() if param.location == "header" else param.name
            given = sent[param.location]
            wrong = self.error(param.schema, given[name]) if name in given else ""
            if wrong and isinstance(given[name], str):
                wrong = self.error(param.schema, _json_or_text(given[name])) and wrong  # `false` as text
            if wrong:
                return f"{param.location} parameter {param.name}: {wrong}"
        return ""

    def body_error(self, operation: Operation, values: Mapping[str, Any]) -> str:
        body = values.get("body")
        media = _media(operation, values.get("media_type"))
        if isinstance(body, NotSet) or media is None or media.schema is None:
            return ""
        if isinstance(body, bytes | bytearray):
            return ""  # raw bytes (files): nothing for a JSON Schema to say
        wrong = self.error(media.schema, body)
        return f"body {wrong}" if wrong else ""


def unspellable(body: Mapping[str, Any], media: MediaType) -> set[str]:
    """The properties whose value no form style spells: an array holding objects or arrays, an object
    holding objects or arrays (unless its encoding sends it as JSON text)."""
    found = set()
    for name, value in body.items():
        encoding = media.encoding.get(name)
        if encoding is not None and JSON_TEXT.match(encoding.content_type or ""):
            continue
        inner = value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else []
        if any(isinstance(item, dict | list) for item in inner):
            found.add(name)
    return found


def colliding(document: Any, body: Mapping[str, Any], media: MediaType) -> set[str]:
    """Objects whose members, spread as fields of their own (form, explode), take a name another
    property takes or another object (sent or not) declares: with ``b`` declaring ``r``, ``a: {r: 1}``
    is ``r=1``, as is ``b: {r: 1}``: the wire does not say whose ``r`` it is."""
    declared = object_properties(document, media.schema or {})
    owners: dict[str, set[str]] = {
        name: {name} for name, value in body.items() if not isinstance(value, dict)
    }
    for name in set(body) | set(declared):
        value = body.get(name)
        if isinstance(value, dict) or name not in body:  # an absent object may own a field too
            members = set(map(str, value or ())) | set(object_properties(document, declared.get(name) or {}))
            for member in members:
                owners.setdefault(member, set()).add(name)
    sent = {str(member) for value in body.values() if isinstance(value, dict) for member in value}
    return {name for member in sent if len(owners[member]) > 1 for name in owners[member]}


def written_as_keys(body: Mapping[str, Any], wire: Any) -> set[str]:
    """The object properties the wire holds as a field repeating the object's keys (``data=id&data=name``):
    how schemathesis writes an object when the body schema has no top-level ``properties`` (a
    ``oneOf``/``anyOf`` body), where form style would spread its members."""
    if not isinstance(wire, bytes | str) or not wire:
        return set()
    text = wire.decode("utf-8", "replace") if isinstance(wire, bytes) else wire
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return {
        name
        for name, value in body.items()
        if isinstance(value, dict) and value and fields.get(name) == [str(key) for key in value]
    }


def _names(names: set[str]) -> str:
    return ", ".join(repr(name) for name in sorted(names))


def _blamed(names: set[str], violations: str) -> bool:
    """specmock's complaint is about one of those properties, or about the body as a whole."""
    return (
        violations.startswith("body: ")
        or "; body: " in violations
        or any(f"body/{name}" in violations for name in names)
    )


def _json_or_text(text: str) -> Any:
    """schemathesis holds some parameter values as the text it sends (``"false"``, ``"3"``)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _media(operation: Operation, name: Any) -> MediaType | None:
    if operation.body is None:
        return None
    return next((m for m in operation.body.media if m.name == name), None)
