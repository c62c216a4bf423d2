"""What inference produces: resources (collections, singletons) and one route per stateful operation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specmock.state.answers import ENTITY, View

Schema = dict[str, Any]
ROLES = (
    "list",
    "create",
    "read",
    "replace",
    "update",
    "delete",
    "action",
    "singleton-read",
    "singleton-write",
)
ITEM_ROLES = frozenset({"read", "replace", "update", "delete"})
COLLECTION_ROLES = frozenset({"list", "create"})
SINGLETON_ROLES = frozenset({"singleton-read", "singleton-write"})


@dataclass(slots=True)
class Resource:
    name: str
    kind: str  # collection | singleton
    path: str  # the collection (or singleton) path as written; the item path when there is no other
    item_path: str | None = None
    parent: str | None = None  # the resource whose items own this one's records
    id_field: str | None = None
    id_types: frozenset[str] = frozenset()
    entity: Schema = field(default_factory=dict)
    properties: dict[str, Schema] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()
    write_only: frozenset[str] = frozenset()
    closed: bool = False  # additionalProperties: false: undeclared keys never leave the store
    unique: tuple[str, ...] = ()
    records: int | None = None  # x-specmock-resource.records
    parent_ref: str | None = None  # a field that holds the parent's id (``bookId`` on a loan)
    materialize: bool = False  # no create: any id read exists until deleted
    roles: dict[str, str] = field(default_factory=dict)  # operation key → role
    declared: bool = False  # named by x-specmock-resource

    def summary(self) -> str:
        ops = ", ".join(f"{role}" for role in sorted(set(self.roles.values()), key=_role_order))
        where = self.path if self.item_path is None else f"{self.path} + {self.item_path}"
        parts = [f"{self.kind} {self.name}: {where} [{ops}]"]
        if self.kind == "collection":
            parts.append(f"id={self.id_field or '(position)'}")
        if self.parent:
            parts.append(f"under {self.parent}")
        if self.unique:
            parts.append("unique=" + ",".join(self.unique))
        if self.write_only:
            parts.append("writeOnly=" + ",".join(sorted(self.write_only)))
        if self.materialize and self.item_path:
            parts.append("items appear when first read")
        return "; ".join(parts)


def _role_order(role: str) -> int:
    return ROLES.index(role) if role in ROLES else len(ROLES)


@dataclass(frozen=True, slots=True)
class Route:
    """How one operation reaches the store."""

    role: str
    resource: str  # for an action: the collection whose item must exist
    scope_params: tuple[str, ...]  # path parameters that select the parent (bucket)
    item_param: str | None = None  # path parameter holding the item's id
    lenient: bool = False  # the operation documents no 4xx: unknown ids materialise instead of 404
    view: View = ENTITY  # how the answer relates to the stored record
