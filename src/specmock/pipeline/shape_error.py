"""Errors in the spec's own shape: fill the documented error schema with the real violations.

Integer status/code fields carry the HTTP status; text fields (message, detail, title …)
describe what was wrong; list fields that hold violations (``validation_errors``, ``errors``,
``non_field_errors``, ``invalid-params`` …) get one entry per violation, naming the parameter or
JSON path. Fields the rules do not know are generated from their schema. The caller validates the
result against the schema and falls back to a generated body when it does not fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any

from specmock.diagnostics import Diagnostic, Kind
from specmock.pipeline.error_schema import (
    CLASSIFIER_FIELDS,
    LIST_FIELDS,
    LOCATION_FIELDS,
    MAX_DEPTH,
    MESSAGE_LIKE,
    STATUS_FIELDS,
    TEXT_FIELDS,
    WHERE_FIELDS,
    declares_additional,
    deref_of,
    items_of,
    lead_item,
    lead_text,
    merged,
    norm,
    types_of,
    violation_list_items,
)

Generate = Callable[[dict[str, Any], str], Any]  # schema, field name → a valid value
CLASSIFIERS = {
    Kind.SECURITY: "UNAUTHORIZED",
    Kind.INVALID: "VALIDATION_ERROR",
    Kind.MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
    Kind.NOT_ACCEPTABLE: "NOT_ACCEPTABLE",
    Kind.NOT_FOUND: "NOT_FOUND",
    Kind.CONFLICT: "CONFLICT",
    Kind.TOO_LARGE: "PAYLOAD_TOO_LARGE",
    Kind.STORAGE_FULL: "INSUFFICIENT_STORAGE",
}


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
    node = deref_of(document, schema)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return ctx.generate(node if isinstance(node, dict) else {}, name)
    if "oneOf" in node or "anyOf" in node:
        branches = node.get("oneOf") or node.get("anyOf") or []
        objects = [b for b in branches if "object" in types_of(document, b)]
        if objects:
            return _fill(document, objects[0], ctx, name, depth + 1)
    types = types_of(document, node)
    if "object" in types:
        return _fill_object(document, node, ctx, depth)
    return ctx.generate(node, name)


def _fill_object(document: Any, node: dict[str, Any], ctx: ErrorContext, depth: int) -> dict[str, Any]:
    properties, required, additional = merged(document, node)
    if _drf_style(document, additional) and any(norm(p) == "nonfielderrors" for p in properties):
        return _fill_drf(document, properties, required, ctx, depth)
    out: dict[str, Any] = {}
    listed = False
    lead = lead_text(document, node)
    for prop, prop_schema in properties.items():
        value = _known_field(document, prop, prop_schema, ctx, depth, prop == lead)
        if value is not _UNKNOWN:
            out[prop] = value
            listed = listed or isinstance(value, list)
        elif prop in required:
            out[prop] = _fill(document, prop_schema, ctx, prop, depth + 1)
    if not listed and declares_additional(document, node) and _drf_style(document, additional):
        # Keyed by field only for refused values: a missing record or a credential is no field's fault.
        for diagnostic in ctx.diagnostics:
            if diagnostic.kind in _FIELD_KINDS and diagnostic.name and diagnostic.name not in out:
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
        key = norm(prop)
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
        return "array" in types_of(document, additional)
    return False


_UNKNOWN: Any = object()
_FIELD_KINDS = frozenset({Kind.INVALID, Kind.CONFLICT})


def _known_field(
    document: Any, prop: str, schema: Any, ctx: ErrorContext, depth: int, lead: bool = False
) -> Any:
    key = norm(prop)
    types = types_of(document, schema)
    node = deref_of(document, schema)
    if key in STATUS_FIELDS and types & {"integer", "number"}:
        return ctx.status
    if "string" in types or not types:
        text = _text_field(key, node, ctx, lead)
        if text is not None:
            return _fit_string(text, node)
    if "array" in types and (key in LIST_FIELDS or violation_list_items(document, items_of(document, node))):
        return [_violation_item(document, items_of(document, node), d, ctx, depth) for d in _entries(ctx)]
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
        if norm(candidate) == norm(wanted) or norm(wanted) in norm(candidate):
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
    node = deref_of(document, schema)
    types = types_of(document, node)
    if "object" not in types:
        return (
            _fit_string(diagnostic.describe(), node)
            if "string" in types or not types
            else ctx.generate(node, "")
        )
    properties, required, _ = merged(document, node)
    keys = {norm(p) for p in properties}
    split = bool(keys & LOCATION_FIELDS) and bool(keys & (WHERE_FIELDS - LOCATION_FIELDS))
    lead = lead_item(document, node)
    item: dict[str, Any] = {}
    for prop, prop_schema in properties.items():
        key = norm(prop)
        prop_node = deref_of(document, prop_schema)
        text = "string" in types_of(document, prop_node)
        if key in WHERE_FIELDS and text and prop != lead:
            where = _where(diagnostic, key, split)
            if where or prop in required:
                item[prop] = _fit_string(where or ctx.instance, prop_node)
        elif key in (TEXT_FIELDS | MESSAGE_LIKE) and text:
            item[prop] = _fit_string(diagnostic.message if prop == lead else ctx.title, prop_node)
        elif key in STATUS_FIELDS and types_of(document, prop_node) & {"integer", "number"}:
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
