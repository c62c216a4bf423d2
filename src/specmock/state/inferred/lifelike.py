"""What makes a created or changed record look like the real API's: server-owned timestamps from the
sandbox clock, and nothing invented for what the client left out.

* **Stamps**: a created/updated timestamp (``createdAt``, ``created_at``, ``date_created``,
  ``updated``, ``modifiedTime`` …) that is a ``date-time`` or ``date`` string, or a whole number of
  seconds (``created: 1700000000``), takes the sandbox clock's time on create, and an updated one on
  every replace and update too — unless the client set it and may.
* **Omitted fields**: a create keeps only the generated fields the server owns (read-only, hidden,
  the id) or the answer requires; an optional field the client left out stays absent, or takes its
  declared ``default``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.openapi.refs import deref
from specmock.openapi.views import merged_object, schema_types
from specmock.state.inferred.instants import rfc3339
from specmock.state.inferred.naming import norm
from specmock.state.inferred.resources import Record

CREATED = ("created", "creation", "inserted", "datecreated", "createdate", "createtime", "datejoined")
UPDATED = (
    "updated",
    "modified",
    "lastmodified",
    "lastupdated",
    "dateupdated",
    "datemodified",
    "updatetime",
    "lastchanged",
    "changedat",
    "editedat",
)
MAX_EPOCH_SECONDS = 10**10  # larger bounds than this suit milliseconds, which we do not guess


@dataclass(frozen=True, slots=True)
class Stamp:
    name: str
    updated: bool  # moves on every replace and update, not only on create
    form: str  # date-time | date | seconds


@dataclass(frozen=True, slots=True)
class Lifelike:
    stamps: tuple[Stamp, ...] = ()
    kept: frozenset[str] = frozenset()  # generated fields a create keeps: server-owned or required
    defaults: tuple[tuple[str, Any], ...] = ()  # client-settable fields with a declared default

    def created(self, generated: Record, incoming: Record) -> Record:
        """The new record before the client's fields go over it: the generated fields the server
        owns or the answer requires, and the declared defaults of what the client left out."""
        base = self.kept_of(generated)
        for name, value in self.defaults:
            if name not in incoming and name not in base:
                base[name] = value
        return base

    def kept_of(self, generated: Record) -> Record:
        """The generated fields a create keeps: a copy without the others (copy and delete: cheaper
        than a comprehension when few are dropped)."""
        kept, out = self.kept, generated.copy()
        for name in generated:
            if name not in kept:
                del out[name]
        return out

    def stamp(self, record: Record, incoming: Record, now: float, creating: bool) -> None:
        """Stamp ``record`` in place: every stamp on create, updated ones on a change."""
        for stamp in self.stamps:
            if (creating or stamp.updated) and stamp.name not in incoming:
                record[stamp.name] = _value(stamp.form, now)


def lifelike_for(document: Any, entity: Any, owned: frozenset[str]) -> Lifelike:
    """``owned``: the fields only the server sets (read-only, hidden, the id)."""
    properties, required, _ = merged_object(document, entity)
    stamps = tuple(
        stamp for name, schema in properties.items() if (stamp := _stamp(document, name, schema)) is not None
    )
    defaults = tuple(
        (name, node["default"])
        for name, schema in properties.items()
        if name not in owned and isinstance(node := deref(document, schema), dict) and "default" in node
    )
    return Lifelike(stamps, owned | required, defaults)


def _stamp(document: Any, name: str, schema: Any) -> Stamp | None:
    key = norm(name)
    updated = key.startswith(UPDATED)
    if not updated and not key.startswith(CREATED):
        return None
    node = deref(document, schema)
    if not isinstance(node, dict):
        return None
    types = schema_types(document, node)
    if "string" in types and node.get("format") in ("date-time", "date"):
        return Stamp(name, updated, str(node["format"]))
    if types & {"integer", "number"} and _seconds_fit(node):
        return Stamp(name, updated, "seconds")
    return None


def _seconds_fit(node: dict[str, Any]) -> bool:
    maximum, minimum = node.get("maximum"), node.get("minimum")
    if isinstance(maximum, int | float) and maximum < 10**9:
        return False
    return not (isinstance(minimum, int | float) and minimum > MAX_EPOCH_SECONDS)


def _value(form: str, now: float) -> Any:
    if form == "seconds":
        return int(now)
    text = rfc3339(now)
    return text[:10] if form == "date" else text
