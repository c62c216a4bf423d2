"""Records handed to a sandbox from outside — fixture files (``serve --fixtures``) and
``PUT /__specmock/apis/<api>/state/<resource>`` — must fit their resource's schema (as a response shows
a record: writeOnly fields allowed). Every violation of every record is found; nothing is loaded when
there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.runtime import Api
from specmock.state import ResourceKind, Role

__all__ = ["RecordViolation", "record_violations"]


@dataclass(frozen=True, slots=True)
class RecordViolation:
    index: int | None  # the record; None: the set of records as a whole (a singleton's count)
    path: str  # JSON pointer inside the record ("" for the record itself)
    message: str


def record_violations(api: Api, name: str, records: list[Any]) -> list[RecordViolation]:
    """Every way ``records`` fail to be the records of resource ``name`` (empty: they fit)."""
    resource = api.sandbox.plan.resources[name]
    check = api.check(resource.entity, "response")
    scoped = resource.parent is not None or any(
        r.scope_params
        for r in api.sandbox.plan.routes.values()
        if r.resource == name and r.role is not Role.ACTION
    )
    found: list[RecordViolation] = []
    if resource.kind is ResourceKind.SINGLETON and len(records) != 1:
        count = len(records)
        found.append(RecordViolation(None, "", f"{name} is a singleton: exactly one record, not {count}"))
    for index, item in enumerate(records):
        if scoped and not (isinstance(item, dict) and isinstance(item.get("parent"), list)):
            shape = '{"parent": [path values], "record": {...}}'
            found.append(RecordViolation(index, "", f"a record of nested {name} is written {shape}"))
            continue
        record = item.get("record") if scoped else item
        if not isinstance(record, dict):
            found.append(RecordViolation(index, "", "expected a JSON object"))
            continue
        found += [RecordViolation(index, path, message) for path, message in check(record)]
    return found
