"""Resources inferred from paths and methods, with ``x-specmock-*`` extensions where inference can't guess.

Per operation: a role (list, create, read, replace, update, delete, singleton-read, singleton-write or
action) and the resource it belongs to. ``/books`` + ``/books/{bookId}`` is one collection;
``/books/{bookId}/loans`` a nested one; ``/settings`` with GET and PUT/PATCH a singleton; anything else
(``/tokens/{id}/exchange``) an action the store does not answer, except to say its item is gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.refs import deref
from specmock.openapi.views import schema_types
from specmock.state.inferred.extensions import Declared, declared_for
from specmock.state.inferred.naming import PathShape, resource_names, shape_of
from specmock.state.inferred.resources import Route
from specmock.state.inferred.roles import COLLECTION_ROLES, ITEM_ROLES, SINGLETON_ROLES, Role
from specmock.state.inferred.shapes import list_shape, success_schema

Key = tuple[str, ...]
ITEM_METHODS = {"GET": Role.READ, "PUT": Role.REPLACE, "PATCH": Role.UPDATE, "DELETE": Role.DELETE}


@dataclass(frozen=True, slots=True)
class Placement:
    operation: Operation
    role: Role
    key: Key  # ("path", pattern, suffix) | ("single", pattern, suffix) | ("name", name)
    shape: PathShape
    declared: Declared


class Inference:
    def __init__(self, document: dict[str, Any], operations: Mapping[str, Operation]) -> None:
        self.document = document
        self.operations = operations
        self.by_path: dict[str, dict[str, Operation]] = {}
        for op in operations.values():
            self.by_path.setdefault(op.path, {})[op.method] = op
        self.shapes = {path: shape_of(path) for path in self.by_path}
        self.item_patterns: set[tuple[str, str]] = set()
        for path, shape in self.shapes.items():
            parent = shape.parent()
            if parent is not None and parent.segments and shape.last_is_param and self._has_item_method(path):
                self.item_patterns.add((parent.pattern, shape.suffix))

    def _has_item_method(self, path: str) -> bool:
        return any(m in self.by_path[path] for m in ITEM_METHODS)

    def lists(self, op: Operation) -> bool:
        words = self.shapes[op.path].literals[-1:]
        schema = success_schema(self.document, op)
        return op.method == "GET" and list_shape(self.document, schema, words) is not None

    def returns_object(self, op: Operation) -> bool:
        schema = success_schema(self.document, op)
        if schema is None:
            return False
        node = deref(self.document, schema)
        types = schema_types(self.document, node)
        return (not types and isinstance(node, dict) and bool(node)) or "object" in types

    def placements(self) -> list[Placement]:
        out = []
        for op in self.operations.values():
            declared = declared_for(self.document, op)
            role = declared.role or self.default_role(op)
            out.append(Placement(op, role, self.key_for(op, role, declared), self.shapes[op.path], declared))
        return out

    def default_role(self, op: Operation) -> Role:
        shape = self.shapes[op.path]
        methods = self.by_path[op.path]
        if shape.last_is_param:
            parent = shape.parent()
            if parent is None or not parent.segments or parent.last_is_param:
                return Role.ACTION
            role = ITEM_METHODS.get(op.method, Role.ACTION)
            if op.method == "POST" and "GET" in methods and self._same_answer(op, methods["GET"]):
                role = Role.UPDATE  # Twilio style: POST to an item updates it
            if role in (Role.READ, Role.REPLACE, Role.UPDATE) and not self._objectish_or_empty(op):
                return Role.ACTION
            return role
        listing = "GET" in methods and self.lists(methods["GET"])
        if op.method == "GET" and listing:
            return Role.LIST
        creates = listing or (shape.pattern, shape.suffix) in self.item_patterns
        if op.method == "POST" and creates and self._objectish_or_empty(op):
            return Role.CREATE
        singleton = (
            not listing
            and "GET" in methods
            and self.returns_object(methods["GET"])
            and ("PUT" in methods or "PATCH" in methods)
        )
        if singleton and op.method == "GET":
            return Role.SINGLETON_READ
        if singleton and op.method in ("PUT", "PATCH") and self._objectish_or_empty(op):
            return Role.SINGLETON_WRITE
        return Role.ACTION

    def _same_answer(self, one: Operation, other: Operation) -> bool:
        mine = success_schema(self.document, one, ("200", "201"))
        return mine is not None and mine == success_schema(self.document, other)

    def _objectish_or_empty(self, op: Operation) -> bool:
        return success_schema(self.document, op) is None or self.returns_object(op)

    def key_for(self, op: Operation, role: Role, declared: Declared) -> Key:
        shape = self.shapes[op.path]
        if declared.collection and role is not Role.ACTION:
            return ("name", declared.collection)
        if role in ITEM_ROLES:
            parent = shape.parent()
            return ("path", parent.pattern if parent else "/", shape.suffix)
        if role in SINGLETON_ROLES:
            return ("single", shape.pattern, shape.suffix)
        if role in COLLECTION_ROLES:
            return ("path", shape.pattern, shape.suffix)
        return ("action", op.key)


def action_target(shape: PathShape) -> tuple[tuple[str, str], tuple[str, ...], str] | None:
    """For ``/tokens/{id}/exchange``: the item pattern ``/tokens/{}`` (+ suffix), scope params and ``id``."""
    current = shape.parent()
    while current is not None and current.segments and not current.last_is_param:
        current = current.parent()
    if current is None or not current.segments:
        return None
    params = current.params
    return (current.pattern, shape.suffix), params[:-1], params[-1]


def route_for(placement: Placement) -> Route | None:
    shape, role = placement.shape, placement.role
    if role in ITEM_ROLES and shape.last_is_param:
        return Route(role, "", shape.params[:-1], shape.params[-1])
    if role in ITEM_ROLES:
        return None  # an item role on a path without a trailing parameter: nothing identifies the item
    return Route(role, "", shape.params, None)


def name_keys(keys: list[Key], placements: list[Placement]) -> dict[Key, str]:
    """Declared names stay; inferred ones come from the collection path's literal segments."""
    names: dict[Key, str] = {k: k[1] for k in keys if k[0] == "name"}
    literal: dict[str, tuple[str, ...]] = {}
    for key in keys:
        if key[0] in ("path", "single"):
            literal["|".join(key)] = tuple(s for s in key[1].split("/") if s and s != "{}")
    for joined, name in resource_names(literal).items():
        kind, pattern, suffix = joined.split("|")
        candidate = name
        n = 2
        while candidate in names.values():
            candidate, n = f"{name}-{n}", n + 1
        names[(kind, pattern, suffix)] = candidate
    return names
