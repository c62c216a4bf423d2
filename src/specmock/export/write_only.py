"""``--write-only``: records as a client would send them, with the writeOnly fields the store hides.

Each writeOnly top-level field is drawn (request direction) from ``rng_for(seed, owner, "writeOnly",
field, index)`` and kept only when the record still fits its schema (a field of another ``oneOf``
branch is left out), so records stay valid and otherwise identical to those written without the flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from specmock.generation import ValueFn, rng_for
from specmock.openapi.refs import deref
from specmock.runtime import Api

BRANCHES = ("allOf", "oneOf", "anyOf")


class WriteOnly:
    def __init__(
        self, api: Api, owner: str, schema: dict[str, Any], fields: Mapping[str, Any], seed: int
    ) -> None:
        self.owner = owner
        self.seed = seed
        self.check = api.check(schema, "response")
        self.draws: dict[str, ValueFn] = {
            name: api.generator.compile(sub, direction="request", name=f"{owner}.{name}")
            for name, sub in fields.items()
        }

    def __call__(self, record: Any, index: int) -> Any:
        if not isinstance(record, dict):
            return record
        out = dict(record)
        for name, draw in self.draws.items():
            if name in out:
                continue
            value = draw(rng_for(self.seed, self.owner, "writeOnly", name, index))
            candidate = {**out, name: value}
            if not self.check(candidate):
                out = candidate
        return out


def schema_write_only(document: Any, schema: Any, depth: int = 0) -> dict[str, Any]:
    """Top-level writeOnly properties of a schema, looking through ``$ref`` and allOf/oneOf/anyOf."""
    node = deref(document, schema)
    if not isinstance(node, dict) or depth > 8:
        return {}
    found: dict[str, Any] = {}
    for name, sub in (node.get("properties") or {}).items():
        target = deref(document, sub)
        if isinstance(target, dict) and target.get("writeOnly") is True:
            found.setdefault(name, sub)
    for key in BRANCHES:
        for branch in node.get(key) or ():
            for name, sub in schema_write_only(document, branch, depth + 1).items():
                found.setdefault(name, sub)
    return found
