"""Objects: properties (required always, optional most of the time), read/write-only omission,
additionalProperties / patternProperties / propertyNames for extra keys, min/maxProperties."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from random import Random
from types import CodeType
from typing import TYPE_CHECKING, Any

from specmock.generation.core import OPTIONAL_CHANCE, Frame, Unsatisfiable, ValueFn, constant, mapping
from specmock.types import Schema

if TYPE_CHECKING:
    from specmock.generation.compiler import Compiler

Entry = tuple[str, ValueFn, bool]
_MAP_SIZE = (1, 3)


@dataclass(frozen=True, slots=True)
class Extras:
    """How to add keys beyond ``properties``: how many by default, and how to make a key and a value."""

    low: int
    high: int
    key: ValueFn
    value: ValueFn


def _required(schema: Schema) -> list[str]:
    return [r for r in schema.get("required") or [] if isinstance(r, str)]


def _entries(compiler: Compiler, schema: Schema, frame: Frame) -> list[Entry]:
    props = mapping(schema, "properties")
    required = _required(schema)
    truncated = frame.level >= compiler.max_depth
    entries: list[Entry] = []
    for key, sub in props.items():
        needed = key in required
        if (truncated and not needed) or compiler.hidden(sub, frame.direction):
            continue
        try:
            entries.append((key, compiler.node(sub, frame, key), needed))
        except Unsatisfiable:
            if needed:
                entries.append((key, constant(None), True))
    extra = schema.get("additionalProperties")
    for key in required:
        if key not in props:
            sub = extra if isinstance(extra, dict) else {"type": "string"}
            entries.append((key, compiler.node(sub, frame, key), True))
    return entries


def _extras(compiler: Compiler, schema: Schema, frame: Frame) -> Extras | None:
    extra = schema.get("additionalProperties")
    patterned = schema.get("patternProperties")
    names = mapping(schema, "propertyNames")
    key_fn = compiler.node({**names, "type": "string"}, frame, None) if names else compiler.fakes.text.word
    is_map = not schema.get("properties") and frame.level < compiler.max_depth
    low, high = _MAP_SIZE if is_map else (0, 0)
    try:
        if isinstance(patterned, dict) and patterned and (extra is False or not isinstance(extra, dict)):
            pattern, sub = next(iter(patterned.items()))
            key_fn = compiler.node({"type": "string", "pattern": pattern}, frame, None)
            return Extras(low, high, key_fn, compiler.node(sub, frame, None))
        if extra is False:
            return None
        value = compiler.node(extra, frame, None) if isinstance(extra, dict) else compiler.fakes.text.phrase
    except Unsatisfiable:
        return None
    # Only a schema for additionalProperties makes a map; ``true`` adds keys just to reach minProperties.
    return Extras(low, high, key_fn, value) if isinstance(extra, dict) else Extras(0, 0, key_fn, value)


def _bound(schema: Schema, key: str) -> int | None:
    value = schema.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def compile_object(compiler: Compiler, schema: Schema, frame: Frame) -> ValueFn:
    entries = _entries(compiler, schema, frame)
    extras = _extras(compiler, schema, frame)
    low, high = _bound(schema, "minProperties"), _bound(schema, "maxProperties")
    if (extras is None or extras.high == 0) and low is None and high is None:
        return _simple(tuple(entries))
    return _general(tuple(entries), extras, low or 0, high)


@functools.cache
def _object_code(shape: tuple[bool, ...]) -> CodeType:
    """The source of a flat object function for one shape (which properties are required)."""
    lines = ["def draw(rng):", "    rand = rng.random", "    out = {}"]
    for index, needed in enumerate(shape):
        statement = f"out[k{index}] = f{index}(rng)"
        lines.append(f"    {statement}" if needed else f"    if rand() < CHANCE: {statement}")
    lines.append("    return out")
    return compile("\n".join(lines), "<specmock object>", "exec")


def _simple(entries: tuple[Entry, ...]) -> ValueFn:
    """A flat function with one statement per property.

    Objects dominate generation time; unrolling the property loop (no tuple unpacking, no
    per-entry ``required`` test) makes them about twice as fast. The code depends only on the
    shape and is compiled once per shape; keys and functions are bound as globals (``k0``, ``f0``).
    """
    namespace: dict[str, Any] = {"CHANCE": OPTIONAL_CHANCE}
    for index, (key, fn, _) in enumerate(entries):
        namespace[f"k{index}"], namespace[f"f{index}"] = key, fn
    exec(_object_code(tuple(needed for _, _, needed in entries)), namespace)  # fixed code
    draw: ValueFn = namespace["draw"]
    return draw


def _add_extras(out: dict[str, Any], extras: Extras, rng: Random, count: int) -> None:
    for _ in range(count * 3):
        if count <= 0:
            return
        key = extras.key(rng)
        if isinstance(key, str) and key not in out:
            out[key] = extras.value(rng)
            count -= 1


def _trim(out: dict[str, Any], entries: tuple[Entry, ...], high: int) -> None:
    declared = {key for key, _, _ in entries}
    removable = [k for k in reversed(out) if k not in declared]
    removable += [k for k, _, needed in reversed(entries) if not needed and k in out]
    for key in removable[: len(out) - high]:
        del out[key]


def _general(entries: tuple[Entry, ...], extras: Extras | None, low: int, high: int | None) -> ValueFn:
    simple = _simple(entries)

    def draw(rng: Random) -> dict[str, Any]:
        out: dict[str, Any] = simple(rng)
        if extras is not None and extras.high:
            _add_extras(out, extras, rng, extras.low + int(rng.random() * (extras.high - extras.low + 1)))
        for key, fn, _ in entries:
            if len(out) >= low:
                break
            if key not in out:
                out[key] = fn(rng)
        if extras is not None and len(out) < low:
            _add_extras(out, extras, rng, low - len(out))
        if high is not None and len(out) > high:
            _trim(out, entries, high)
        return out

    return draw
