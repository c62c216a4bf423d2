"""The ``x-specmock-*`` extensions: what a document declares where inference can't guess.

On a path item or an operation (the operation wins)::

    x-specmock-resource:            # or `false`: nothing under this path item is stored
      collection: books             # the resource's name; paths naming the same one share its records
      id: isbn                      # the field that identifies an item
      unique: [email]               # more fields no two records may share (→ CONFLICT)
      records: 5                    # seeded records (per parent, for a nested resource)
      parent: authors               # the resource whose items own these records
    x-specmock-role: update         # list | create | read | replace | update | delete | action |
                                    # singleton-read | singleton-write

On a property of the entity schema: ``x-specmock-unique: true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.spec.model import Operation
from specmock.spec.refs import deref
from specmock.state.resources import ROLES

X_RESOURCE = "x-specmock-resource"
X_ROLE = "x-specmock-role"
X_UNIQUE = "x-specmock-unique"


@dataclass(frozen=True, slots=True)
class Declared:
    collection: str | None = None
    id: str | None = None
    unique: tuple[str, ...] = ()
    records: int | None = None
    parent: str | None = None
    role: str | None = None
    problems: tuple[str, ...] = ()


def declared_for(document: dict[str, Any], operation: Operation) -> Declared:
    item = deref(document, (document.get("paths") or {}).get(operation.path))
    item = item if isinstance(item, dict) else {}
    raw = item.get(operation.method.lower())
    raw = raw if isinstance(raw, dict) else {}
    resource = raw.get(X_RESOURCE, item.get(X_RESOURCE))
    role = raw.get(X_ROLE, item.get(X_ROLE))
    problems: list[str] = []
    if role is not None and role not in ROLES:
        problems.append(f"{operation.key}: {X_ROLE} {role!r} is not one of {', '.join(ROLES)}")
        role = None
    if resource is False:
        return Declared(role="action", problems=tuple(problems))
    if not isinstance(resource, dict):
        if resource is not None:
            problems.append(f"{operation.key}: {X_RESOURCE} must be an object or false")
        return Declared(role=role, problems=tuple(problems))
    return Declared(
        collection=_text(resource.get("collection")),
        id=_text(resource.get("id")),
        unique=tuple(str(u) for u in resource.get("unique") or () if isinstance(u, str)),
        records=resource["records"] if isinstance(resource.get("records"), int) else None,
        parent=_text(resource.get("parent")),
        role=role,
        problems=tuple(problems),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
