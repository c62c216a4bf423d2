"""Arrays: items (or 3.1 prefixItems), a small count within minItems / maxItems, uniqueItems."""

from __future__ import annotations

import json
from random import Random
from typing import TYPE_CHECKING, Any

from specmock.generation.core import Frame, Unsatisfiable, ValueFn
from specmock.generation.fakes import item_name_of
from specmock.types import Schema

if TYPE_CHECKING:
    from specmock.generation.compiler import Compiler

_EXTRA_ITEMS = 2  # beyond the minimum (or one), when maxItems leaves room


def _int(schema: Schema, key: str) -> int | None:
    value = schema.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _count_range(schema: Schema, truncated: bool) -> tuple[int, int]:
    low, high = max(_int(schema, "minItems") or 0, 0), _int(schema, "maxItems")
    if truncated:
        return low, low
    start = max(low, 1) if high is None or high >= 1 else 0
    end = start + _EXTRA_ITEMS if high is None else max(min(start + _EXTRA_ITEMS, high), start)
    return start, end


def unique_key(value: Any) -> Any:
    """Equal under JSON Schema's uniqueItems (1 == 1.0, true != 1) means equal key."""
    if isinstance(value, bool) or value is None:
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    return ("j", json.dumps(value, sort_keys=True, default=str))


def compile_array(compiler: Compiler, schema: Schema, frame: Frame, name: str | None) -> ValueFn:
    items: Any = schema.get("items", True)
    prefix = schema.get("prefixItems")
    if isinstance(items, list):  # draft 4 tuple form
        prefix, items = items, schema.get("additionalItems", True)
    item_name = item_name_of(name) if name else None
    prefix_fns = [compiler.node(p, frame, item_name) for p in prefix] if isinstance(prefix, list) else []
    try:
        item_fn: ValueFn | None = compiler.node(items, frame, item_name)
    except Unsatisfiable:
        item_fn = None
    low, high = _count_range(schema, frame.level >= compiler.max_depth)
    if item_fn is None:
        low = high = min(len(prefix_fns), high)
    span = high - low + 1
    unique = schema.get("uniqueItems") is True
    fill = item_fn

    def draw(rng: Random) -> list[Any]:
        count = low + int(rng.random() * span)
        out = [fn(rng) for fn in prefix_fns[:count]]
        if fill is None:
            return out
        if unique:
            return _unique(out, fill, rng, count)
        for _ in range(count - len(out)):
            out.append(fill(rng))
        return out

    return draw


def _unique(out: list[Any], fill: ValueFn, rng: Random, count: int) -> list[Any]:
    seen = {unique_key(v) for v in out}
    for _ in range(count * 4 + 4):
        if len(out) >= count:
            break
        value = fill(rng)
        key = unique_key(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out
