"""Which schema records are made from, and how each operation's answer relates to it.

An answer schema is either the entity itself (or something every record satisfies), an envelope
holding it in one property (``{"server": Radarr, "profiles": …}``, ``{"data": Book}``), or unrelated:
then the store does its work and the pipeline generates the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.refs import deref
from specmock.openapi.success import CREATE, DELETE, OTHER
from specmock.openapi.views import merged_object, schema_types
from specmock.state.inferred.naming import shape_of
from specmock.state.inferred.roles import Role
from specmock.state.inferred.shapes import list_shape, success_schema
from specmock.types import Schema


class ViewKind(StrEnum):
    """How an operation's documented answer shows a stored record (``view_for``)."""

    ENTITY = "entity"  # the record itself
    ADAPT = "adapt"  # another schema the record roughly fits, made to fit
    WRAP = "wrap"  # inside an envelope property
    GENERATE = "generate"  # not the record: generated from the documented schema


@dataclass(frozen=True, slots=True)
class View:
    kind: ViewKind
    wrap: str | None = None  # the envelope property holding the record
    envelope: Schema | None = None  # wrap: the envelope's schema; adapt: the answer's schema


ENTITY = View(ViewKind.ENTITY)


def success_order_of(role: Role) -> tuple[int, ...]:
    """The success preference (``openapi.success``) for what a stateful operation does."""
    if role is Role.CREATE:
        return CREATE
    if role is Role.DELETE:
        return DELETE
    return OTHER


def answer_schema(document: Any, operation: Operation, role: Role) -> Schema | None:
    return success_schema(document, operation, tuple(str(s) for s in success_order_of(role)))


def list_item_schema(document: Any, operation: Operation) -> Schema | None:
    words = shape_of(operation.path).literals[-1:]
    shape = list_shape(document, success_schema(document, operation), words)
    return shape.item_schema if shape is not None and shape.item_schema else None


def same(document: Any, one: Any, other: Any) -> bool:
    a, b = deref(document, one), deref(document, other)
    return a is b or a == b or _single_all_of(document, a) is b or _single_all_of(document, b) is a


def _single_all_of(document: Any, node: Any) -> Any:
    if isinstance(node, dict) and len(node.get("allOf") or ()) == 1 and "properties" not in node:
        return deref(document, node["allOf"][0])
    return None


def fits(document: Any, schema: Any, entity: Schema) -> bool:
    """Every record of ``entity`` satisfies ``schema`` (roughly): same, free-form, or a looser view."""
    if same(document, schema, entity):
        return True
    properties, required, additional = merged_object(document, schema)
    types = schema_types(document, schema)
    if types and "object" not in types:
        return False
    if not properties:
        return not (deref(document, schema) or {}).get("oneOf")
    mine, _, _ = merged_object(document, entity)
    if not set(properties) <= set(mine) or not required <= set(mine):
        return False
    return additional is not False or set(mine) <= set(properties)


def envelope_of(document: Any, schema: Any, entity: Schema) -> str | None:
    """The property of ``schema`` that holds an entity, when ``schema`` wraps one."""
    if "object" not in schema_types(document, schema):
        return None
    properties, _, _ = merged_object(document, schema)
    return next((name for name, sub in properties.items() if same(document, sub, entity)), None)


def view_for(document: Any, operation: Operation, role: Role, entity: Schema) -> View:
    """ENTITY for the entity's own schema; ``adapt`` for another schema records roughly fit (each
    record is checked, and what breaks it taken from a generated value); a ``wrap``; else generate."""
    schema = answer_schema(document, operation, role)
    if schema is None or same(document, schema, entity):
        return ENTITY
    if fits(document, schema, entity):
        return View(ViewKind.ADAPT, envelope=schema)
    wrap = envelope_of(document, schema, entity)
    if wrap is not None:
        return View(ViewKind.WRAP, wrap, deref(document, schema))
    return View(ViewKind.GENERATE)


def choose_entity(document: Any, by_role: dict[Role, Operation], has_properties: Any) -> Schema:
    """The schema records are generated from.

    With both a read and a list: the read's answer when every such record also fits the list's items
    (a detail view over a summary), else the list's items (the read wraps them, or is generated).
    Otherwise the first answer that declares properties: read, list items, writes, the create body.
    """
    listed = list_item_schema(document, by_role[Role.LIST]) if Role.LIST in by_role else None
    read = answer_schema(document, by_role[Role.READ], Role.READ) if Role.READ in by_role else None
    if listed is not None and read is not None and has_properties(listed) and has_properties(read):
        return read if fits(document, listed, read) else listed
    candidates = [c for c in (read, listed) if c is not None]
    for role in (Role.SINGLETON_READ, Role.REPLACE, Role.UPDATE, Role.CREATE, Role.SINGLETON_WRITE):
        operation = by_role.get(role)
        if operation is None:
            continue
        schema = answer_schema(document, operation, role)
        if schema is None and role in (Role.CREATE, Role.SINGLETON_WRITE):
            schema = body_schema(operation)
        if schema is not None:
            candidates.append(schema)
    declared = next((c for c in candidates if has_properties(c)), None)
    return declared or (candidates[0] if candidates else {"type": "object"})


def body_schema(operation: Operation) -> Schema | None:
    if operation.body is None:
        return None
    for media in operation.body.media:
        if media.schema is not None and ("json" in media.name or "form" in media.name):
            return media.schema
    return None
