"""The ``x-specmock-*`` extensions: what a document declares where inference can't guess.

On a path item or an operation (the operation wins)::

    x-specmock-resource:            # or `false`: nothing under this path item is stored
      collection: books             # the resource's name; paths naming the same one share its records
      id: isbn                      # the field that identifies an item
      unique: [email]               # more fields no two records may share (→ CONFLICT)
      records: 5                    # seeded records (per parent, for a nested resource)
      parent: authors               # the resource whose items own these records
      discard: [password]           # request fields never stored (not even hidden)
      hidden: {key: {type: string}} # server-owned fields: generated per record, stored, never shown
      derive:                       # fields kept consistent with another field of the record
        user_obj: {from: user, key: pk}
      expires:                      # an item past this instant reads as gone
        field: expiredTime
        ttl: 3600                   # default lifetime (seconds) of a created item that sends none
        ttl-from: {resource: authentication-options, field: authTokenTtl}
      ordering: [identifier, -expires]  # the order of a list that asks for none
      messages:                     # error texts: not-found ({resource}, {id}), conflict ({field},
        not-found: "No {resource} {id}"   # {value}), invalid-page ({page})
        conflict: "{field} is taken"
    x-specmock-role: update         # list | create | read | replace | update | delete | action |
                                    # singleton-read | singleton-write
    x-specmock-action:              # on an action under an item (``/tokens/{id}/view_key``)
      answer: {key: key}            # answer field ← the item's field
      update: {key: key}            # the item's field ← request body field

On a property of the entity schema: ``x-specmock-unique: true``. On a query parameter:
``x-specmock-filter: source.type`` (the record field, dotted, it filters by).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.refs import deref
from specmock.state.inferred.resources import ActionSpec, Derive, Expiry
from specmock.state.inferred.roles import ROLES, Role

X_RESOURCE = "x-specmock-resource"
X_ROLE = "x-specmock-role"
X_UNIQUE = "x-specmock-unique"
X_ACTION = "x-specmock-action"
X_FILTER = "x-specmock-filter"
MESSAGE_KINDS = ("not-found", "conflict", "invalid-page")


@dataclass(frozen=True, slots=True)
class Declared:
    collection: str | None = None
    id: str | None = None
    unique: tuple[str, ...] = ()
    records: int | None = None
    parent: str | None = None
    role: Role | None = None
    discard: tuple[str, ...] = ()
    hidden: Mapping[str, Any] = field(default_factory=dict)
    derive: tuple[Derive, ...] = ()
    expires: Expiry | None = None
    messages: Mapping[str, str] = field(default_factory=dict)
    ordering: tuple[str, ...] = ()
    action: ActionSpec | None = None
    problems: tuple[str, ...] = ()


def declared_for(document: dict[str, Any], operation: Operation) -> Declared:
    item = deref(document, (document.get("paths") or {}).get(operation.path))
    item = item if isinstance(item, dict) else {}
    raw = item.get(operation.method.lower())
    raw = raw if isinstance(raw, dict) else {}
    resource = raw.get(X_RESOURCE, item.get(X_RESOURCE))
    written = raw.get(X_ROLE, item.get(X_ROLE))
    problems: list[str] = []
    role = Role(written) if isinstance(written, str) and written in ROLES else None
    if written is not None and role is None:
        problems.append(f"{operation.key}: {X_ROLE} {written!r} is not one of {', '.join(ROLES)}")
    action = _action(raw.get(X_ACTION), operation.key, problems)
    if resource is False:
        return Declared(role=Role.ACTION, action=action, problems=tuple(problems))
    if not isinstance(resource, dict):
        if resource is not None:
            problems.append(f"{operation.key}: {X_RESOURCE} must be an object or false")
        return Declared(role=role, action=action, problems=tuple(problems))
    return Declared(
        collection=_text(resource.get("collection")),
        id=_text(resource.get("id")),
        unique=_names(resource.get("unique")),
        records=resource["records"] if isinstance(resource.get("records"), int) else None,
        parent=_text(resource.get("parent")),
        role=role,
        discard=_names(resource.get("discard")),
        hidden={k: v for k, v in _mapping(resource.get("hidden")).items() if isinstance(v, dict)},
        derive=_derive(resource.get("derive"), operation.key, problems),
        expires=_expires(resource.get("expires"), operation.key, problems),
        messages={
            k: v
            for k, v in _mapping(resource.get("messages")).items()
            if k in MESSAGE_KINDS and isinstance(v, str)
        },
        ordering=_names(resource.get("ordering")),
        action=action,
        problems=tuple(problems),
    )


def _mapping(value: Any) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _names(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value or () if isinstance(v, str)) if isinstance(value, list) else ()


def _derive(value: Any, where: str, problems: list[str]) -> tuple[Derive, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        problems.append(f"{where}: {X_RESOURCE}.derive must map a field to {{from: field, key: field}}")
        return ()
    out = []
    for target, spec in value.items():
        source = spec if isinstance(spec, str) else spec.get("from") if isinstance(spec, dict) else None
        if not isinstance(source, str) or not source:
            problems.append(f"{where}: {X_RESOURCE}.derive.{target} needs `from`")
            continue
        key = spec.get("key") if isinstance(spec, dict) else None
        out.append(Derive(str(target), source, key if isinstance(key, str) and key else None))
    return tuple(out)


def _expires(value: Any, where: str, problems: list[str]) -> Expiry | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("field"), str):
        problems.append(f"{where}: {X_RESOURCE}.expires needs `field`")
        return None
    ttl = value.get("ttl")
    source = value.get("ttl-from")
    resource = source.get("resource") if isinstance(source, dict) else None
    name = source.get("field") if isinstance(source, dict) else None
    if source is not None and not (isinstance(resource, str) and isinstance(name, str)):
        problems.append(f"{where}: {X_RESOURCE}.expires.ttl-from needs `resource` and `field`")
        resource = name = None
    return Expiry(
        value["field"],
        ttl if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0 else None,
        resource,
        name,
    )


def _action(value: Any, where: str, problems: list[str]) -> ActionSpec | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(f"{where}: {X_ACTION} must be an object")
        return None
    pairs = {}
    for part in ("answer", "update"):
        mapping = value.get(part) or {}
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            problems.append(f"{where}: {X_ACTION}.{part} must map field names to field names")
            mapping = {}
        pairs[part] = tuple((str(k), str(v)) for k, v in mapping.items())
    return ActionSpec(pairs["answer"], pairs["update"])


def parameter_extensions(document: dict[str, Any], operation: Operation, name: str) -> Any:
    """``x-specmock-filter`` of the named query parameter (operation-level beats path-level)."""
    item = deref(document, (document.get("paths") or {}).get(operation.path))
    if not isinstance(item, dict):
        return None
    raw = item.get(operation.method.lower())
    found = None
    for params in (item.get("parameters"), raw.get("parameters") if isinstance(raw, dict) else None):
        for param in params or ():
            node = deref(document, param)
            if isinstance(node, dict) and node.get("name") == name and node.get("in") == "query":
                found = node.get(X_FILTER, found)
    return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
