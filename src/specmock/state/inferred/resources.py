"""What inference produces: resources (collections, singletons) and one route per stateful operation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from specmock.state.inferred.answers import ENTITY, View
from specmock.state.inferred.projection import Strip
from specmock.state.inferred.roles import ROLES, ResourceKind, Role
from specmock.types import Schema

if TYPE_CHECKING:
    from specmock.state.inferred.lifelike import Lifelike

Record = dict[str, Any]  # a resource's record as JSON: field → value


@dataclass(frozen=True, slots=True)
class Derive:
    """``target`` follows ``source``: a copy, or (with ``key``) an object generated once per source value
    whose ``key`` field holds that value (``user_obj`` for ``user``: same user, same object)."""

    target: str
    source: str
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Expiry:
    """An item whose ``field`` (a date-time) is in the past reads as gone."""

    field: str
    ttl: int | None = None  # default lifetime, in seconds, of a created item that sends none
    ttl_resource: str | None = None  # a singleton holding the lifetime …
    ttl_field: str | None = None  # … in this field (seconds)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """What an action does with the item it hangs under."""

    answer: tuple[tuple[str, str], ...] = ()  # (answer field, item field)
    update: tuple[tuple[str, str], ...] = ()  # (item field, request body field)


@dataclass(slots=True)
class Resource:
    name: str
    kind: ResourceKind
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
    shown: Strip | None = None  # writeOnly values below the top level, never shown
    taken: Strip | None = None  # readOnly values below the top level, never taken from a request
    lifelike: Lifelike | None = None  # timestamps, required fields and defaults of a created record
    unique: tuple[str, ...] = ()
    records: int | None = None  # x-specmock-resource.records
    parent_ref: str | None = None  # a field that holds the parent's id (``bookId`` on a loan)
    materialize: bool = False  # no create: any id read exists until deleted
    roles: dict[str, Role] = field(default_factory=dict)  # operation key → role
    declared: bool = False  # named by x-specmock-resource
    discard: frozenset[str] = frozenset()  # request fields never stored
    hidden: dict[str, Schema] = field(default_factory=dict)  # server-owned, generated, never shown
    derive: tuple[Derive, ...] = ()
    expires: Expiry | None = None
    messages: dict[str, str] = field(default_factory=dict)  # not-found / conflict templates
    ordering: tuple[str, ...] = ()  # the order of a list that asks for none (``-field`` descending)

    def summary(self) -> str:
        ops = ", ".join(f"{role}" for role in sorted(set(self.roles.values()), key=_role_order))
        where = self.path if self.item_path is None else f"{self.path} + {self.item_path}"
        parts = [f"{self.kind} {self.name}: {where} [{ops}]"]
        if self.kind is ResourceKind.COLLECTION:
            parts.append(f"id={self.id_field or '(position)'}")
        if self.parent:
            parts.append(f"under {self.parent}")
        if self.unique:
            parts.append("unique=" + ",".join(self.unique))
        if self.write_only:
            parts.append("writeOnly=" + ",".join(sorted(self.write_only)))
        if self.hidden:
            parts.append("hidden=" + ",".join(sorted(self.hidden)))
        if self.discard:
            parts.append("discard=" + ",".join(sorted(self.discard)))
        parts += [
            f"derive {d.target}.{d.key}={d.source}" if d.key else f"derive {d.target}={d.source}"
            for d in self.derive
        ]
        if self.expires is not None:
            parts.append(f"expires by {self.expires.field}")
        if self.materialize and self.item_path:
            parts.append("items appear when first read")
        return "; ".join(parts)


def _role_order(role: Role) -> int:
    return ROLES.index(role)


@dataclass(frozen=True, slots=True)
class Route:
    """How one operation reaches the store."""

    role: Role
    resource: str  # for an action: the collection whose item must exist
    scope_params: tuple[str, ...]  # path parameters that select the parent (bucket)
    item_param: str | None = None  # path parameter holding the item's id
    # The operation cannot say "not found" (no 404, 410, 4XX or default): unknown ids materialise.
    lenient: bool = False
    view: View = ENTITY  # how the answer relates to the stored record
    action: ActionSpec | None = None  # x-specmock-action
