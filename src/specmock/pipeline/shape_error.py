"""Errors in the spec's own shape: fill the documented error schema with the real violations.

Integer status/code fields carry the HTTP status; text fields (message, detail, title …)
describe what was wrong; list fields that hold violations (``validation_errors``, ``errors``,
``non_field_errors``, ``invalid-params`` …) get one entry per violation, naming the parameter or
JSON path. Fields the rules do not know are generated from their schema. The caller validates the
result against the schema and falls back to a generated body when it does not fit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any, Generic, TypeVar

from specmock.diagnostics import Diagnostic, Kind
from specmock.memo import Memo
from specmock.spec.refs import deref
from specmock.spec.views import items_schema, merged_object, schema_types

T = TypeVar("T")
Generate = Callable[[dict[str, Any], str], Any]  # schema, field name → a valid value
MAX_DEPTH = 6

STATUS_FIELDS = {"status", "code", "statuscode", "httpstatus", "httpcode", "errorcode", "httpstatuscode"}
TEXT_FIELDS = {
    "message",
    "detail",
    "details",
    "description",
    "error",
    "errormessage",
    "errordescription",
    "reason",
    "msg",
    "errormsg",
}
CLASSIFIER_FIELDS = {"code", "classifier", "errorcode", "errortype", "kind", "category", "reason"}
LIST_FIELDS = {
    "validationerrors",
    "errors",
    "nonfielderrors",
    "invalidparams",
    "invalidfields",
    "violations",
    "fielderrors",
    "issues",
    "details",
    "problems",
    "causes",
    "messages",
}
# The text field that carries the whole description, best first; other text fields beside it get the
# short reason phrase, so no answer repeats a long text.
LEAD_TEXT = (
    "message",
    "detail",
    "description",
    "errormessage",
    "errordescription",
    "details",
    "msg",
    "errormsg",
    "error",
    "reason",
)
# A list whose items have one of each is a violation list, whatever the list is called.
NAME_LIKE = {"name", "field", "path", "pointer", "parameter", "param", "location"}
MESSAGE_LIKE = {"message", "reason", "description", "detail", "msg"}
LOCATION_FIELDS = {"location", "in", "loc"}  # beside a name field: the parameter's location only
WHERE_FIELDS = {
    "path",
    "field",
    "name",
    "param",
    "parameter",
    "pointer",
    "location",
    "loc",
    "property",
    "source",
    "jsonpath",
    "propertypath",
    "key",
    "attribute",
}
CLASSIFIERS = {
    Kind.SECURITY: "UNAUTHORIZED",
    Kind.INVALID: "VALIDATION_ERROR",
    Kind.MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
    Kind.NOT_ACCEPTABLE: "NOT_ACCEPTABLE",
    Kind.NOT_FOUND: "NOT_FOUND",
    Kind.CONFLICT: "CONFLICT",
}


@functools.lru_cache(maxsize=1024)
def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class _PerSchema(Generic[T]):
    """A question about a document's schema, answered once per schema object: every error answer
    walks the same error schemas again. Entries hold their schema, so an id is never reused
    while it is a key."""

    def __init__(self, question: Callable[[Any, Any], T]) -> None:
        self.question = question
        self.answers = Memo()  # (id(document), id(schema)) → (document, schema, answer)

    def __call__(self, document: Any, schema: Any) -> T:
        key = (id(document), id(schema))
        found = self.answers.get(key)
        if found is not None and found[0] is document and found[1] is schema:
            return found[2]  # type: ignore[no-any-return]
        return self.answers.put(key, (document, schema, self.question(document, schema)))[2]


_types: _PerSchema[set[str]] = _PerSchema(schema_types)  # callers only read the answers
_merged: _PerSchema[tuple[dict[str, Any], set[str], Any]] = _PerSchema(merged_object)
_deref: _PerSchema[Any] = _PerSchema(deref)
_items: _PerSchema[dict[str, Any]] = _PerSchema(items_schema)


@dataclass(frozen=True, slots=True)
class ErrorContext:
    status: int
    kind: Kind | None
    diagnostics: tuple[Diagnostic, ...]
    instance: str
    generate: Generate

    @property
    def title(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Error"

    @property
    def summary(self) -> str:
        if not self.diagnostics:
            return self.title
        # A NOT_FOUND message names what is missing itself; other findings need their place.
        return "; ".join(d.message if d.kind is Kind.NOT_FOUND else d.describe() for d in self.diagnostics)

    @property
    def classifier(self) -> str:
        fallback = self.title.upper().replace(" ", "_")
        return CLASSIFIERS.get(self.kind, fallback) if self.kind else fallback


def shape_error(document: Any, schema: dict[str, Any], ctx: ErrorContext) -> Any:
    return _fill(document, schema, ctx, "", 0)


def _fill(document: Any, schema: Any, ctx: ErrorContext, name: str, depth: int) -> Any:
    node = _deref(document, schema)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return ctx.generate(node if isinstance(node, dict) else {}, name)
    if "oneOf" in node or "anyOf" in node:
        branches = node.get("oneOf") or node.get("anyOf") or []
        objects = [b for b in branches if "object" in _types(document, b)]
        if objects:
            return _fill(document, objects[0], ctx, name, depth + 1)
    types = _types(document, node)
    if "object" in types:
        return _fill_object(document, node, ctx, depth)
    return ctx.generate(node, name)


def _fill_object(document: Any, node: dict[str, Any], ctx: ErrorContext, depth: int) -> dict[str, Any]:
    properties, required, additional = _merged(document, node)
    if _drf_style(document, additional) and any(_norm(p) == "nonfielderrors" for p in properties):
        return _fill_drf(document, properties, required, ctx, depth)
    out: dict[str, Any] = {}
    listed = False
    lead = _lead(document, node)
    for prop, prop_schema in properties.items():
        value = _known_field(document, prop, prop_schema, ctx, depth, prop == lead)
        if value is not _UNKNOWN:
            out[prop] = value
            listed = listed or isinstance(value, list)
        elif prop in required:
            out[prop] = _fill(document, prop_schema, ctx, prop, depth + 1)
    if not listed and _declares_additional(document, node) and _drf_style(document, additional):
        for diagnostic in ctx.diagnostics:
            if diagnostic.name and diagnostic.name not in out:
                out[diagnostic.name] = [diagnostic.message]
    return out


def _fill_drf(
    document: Any, properties: dict[str, Any], required: set[str], ctx: ErrorContext, depth: int
) -> dict[str, Any]:
    """Django REST framework: ``{"identifier": ["…"]}`` per named field, ``non_field_errors`` for the
    rest, and no classifier (DRF sends none)."""
    named = [d for d in ctx.diagnostics if d.name]
    rest = replace(ctx, diagnostics=tuple(d for d in ctx.diagnostics if not d.name))
    out: dict[str, Any] = {}
    for prop, prop_schema in properties.items():
        key = _norm(prop)
        if key == "nonfielderrors" and (rest.diagnostics or not named):
            out[prop] = _known_field(document, prop, prop_schema, rest, depth, True)
        elif prop in required and key != "nonfielderrors":
            out[prop] = _fill(document, prop_schema, ctx, prop, depth + 1)
    for diagnostic in named:
        field = diagnostic.name.strip("/").split("/")[0] or diagnostic.name
        out.setdefault(field, []).append(diagnostic.message)
    return out


def _drf_style(document: Any, additional: Any) -> bool:
    """``additionalProperties`` that admits lists of strings: Django REST framework's field errors."""
    if additional is True or additional == {}:
        return True
    if isinstance(additional, dict):
        return "array" in _types(document, additional)
    return False


def _string_properties(document: Any, node: Any) -> list[str]:
    properties, _, _ = _merged(document, node)
    return [p for p, sub in properties.items() if not _types(document, sub) - {"string", "null"}]


def _lead_of(document: Any, node: Any) -> str | None:
    """The text property that carries the whole description (``message`` before ``error`` …)."""
    by_key = {_norm(p): p for p in _string_properties(document, node)}
    return next((by_key[key] for key in LEAD_TEXT if key in by_key), None)


def _lead_item_of(document: Any, node: Any) -> str | None:
    by_key = {_norm(p): p for p in _string_properties(document, node)}
    return next((by_key[key] for key in (*LEAD_TEXT, *MESSAGE_LIKE) if key in by_key), None)


def _violation_shaped(document: Any, node: Any) -> bool:
    """Objects with a name-like and a message-like text property: one violation per item."""
    keys = {_norm(p) for p in _string_properties(document, node)}
    return "object" in _types(document, node) and bool(keys & NAME_LIKE) and bool(keys & MESSAGE_LIKE)


def _declares_additional_of(document: Any, node: Any) -> bool:
    """``additionalProperties`` written in the schema (or an ``allOf`` part), not merely allowed."""
    node = deref(document, node)
    if not isinstance(node, dict):
        return False
    return "additionalProperties" in node or any(
        _declares_additional_of(document, sub) for sub in node.get("allOf") or ()
    )


_lead: _PerSchema[str | None] = _PerSchema(_lead_of)
_lead_item: _PerSchema[str | None] = _PerSchema(_lead_item_of)
_shaped: _PerSchema[bool] = _PerSchema(_violation_shaped)
_declares_additional: _PerSchema[bool] = _PerSchema(_declares_additional_of)
_UNKNOWN: Any = object()


def _known_field(
    document: Any, prop: str, schema: Any, ctx: ErrorContext, depth: int, lead: bool = False
) -> Any:
    key = _norm(prop)
    types = _types(document, schema)
    node = _deref(document, schema)
    if key in STATUS_FIELDS and types & {"integer", "number"}:
        return ctx.status
    if "string" in types or not types:
        text = _text_field(key, node, ctx, lead)
        if text is not None:
            return _fit_string(text, node)
    if "array" in types and (key in LIST_FIELDS or _shaped(document, _items(document, node))):
        return [_violation_item(document, _items(document, node), d, ctx, depth) for d in _entries(ctx)]
    if "object" in types and key in {"error", "errors", "problem", "fault"}:
        return _fill_object(document, node, ctx, depth + 1)
    return _UNKNOWN


def _entries(ctx: ErrorContext) -> tuple[Diagnostic, ...]:
    return ctx.diagnostics or (Diagnostic(ctx.kind or Kind.INVALID, ctx.summary),)


def _text_field(key: str, node: Any, ctx: ErrorContext, lead: bool) -> str | None:
    if key == "title":
        return ctx.title
    if key in TEXT_FIELDS and (lead or key not in CLASSIFIER_FIELDS):
        return ctx.summary if lead else ctx.title
    if key in CLASSIFIER_FIELDS:
        return _enum_pick(node, ctx.classifier)
    if key == "type":
        return "about:blank"
    if key == "instance":
        return ctx.instance
    return None


def _enum_pick(node: Any, wanted: str) -> str:
    enum = node.get("enum") if isinstance(node, dict) else None
    if not enum:
        return wanted
    strings = [e for e in enum if isinstance(e, str)]
    for candidate in strings:
        if _norm(candidate) == _norm(wanted) or _norm(wanted) in _norm(candidate):
            return candidate
    return strings[0] if strings else wanted


def _fit_string(text: str, node: Any) -> Any:
    if not isinstance(node, dict):
        return text
    if "enum" in node:
        return _enum_pick(node, text)
    max_length = node.get("maxLength")
    if isinstance(max_length, int) and len(text) > max_length:
        return text[: max(max_length, 0)]
    return text


def _violation_item(document: Any, schema: Any, diagnostic: Diagnostic, ctx: ErrorContext, depth: int) -> Any:
    node = _deref(document, schema)
    types = _types(document, node)
    if "object" not in types:
        return (
            _fit_string(diagnostic.describe(), node)
            if "string" in types or not types
            else ctx.generate(node, "")
        )
    properties, required, _ = _merged(document, node)
    keys = {_norm(p) for p in properties}
    split = bool(keys & LOCATION_FIELDS) and bool(keys & (WHERE_FIELDS - LOCATION_FIELDS))
    lead = _lead_item(document, node)
    item: dict[str, Any] = {}
    for prop, prop_schema in properties.items():
        key = _norm(prop)
        prop_node = _deref(document, prop_schema)
        text = "string" in _types(document, prop_node)
        if key in WHERE_FIELDS and text and prop != lead:
            where = _where(diagnostic, key, split)
            if where or prop in required:
                item[prop] = _fit_string(where or ctx.instance, prop_node)
        elif key in (TEXT_FIELDS | MESSAGE_LIKE) and text:
            item[prop] = _fit_string(diagnostic.message if prop == lead else ctx.title, prop_node)
        elif key in STATUS_FIELDS and _types(document, prop_node) & {"integer", "number"}:
            item[prop] = ctx.status
        elif prop in required:
            item[prop] = _fill(document, prop_schema, ctx, prop, depth + 1)
    return item


def _where(diagnostic: Diagnostic, key: str, split: bool) -> str:
    """What a where-field says: the whole ``query.limit``, or (beside a name field) the location and
    the name apart, as RFC 9457's ``{location, name}`` do; empty when the violation is about no field."""
    if not split:
        return diagnostic.where
    if key in LOCATION_FIELDS:
        return diagnostic.location
    return diagnostic.name or diagnostic.where
