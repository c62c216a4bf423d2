"""Conservative "may this value match that schema?" predicates, compiled once.

They answer ``False`` only when a value certainly fails the schema (wrong type, missing required
property, value outside an enum, extra property where none is allowed, ...) and ``True`` when
unsure. ``oneOf`` uses them to avoid values that two branches accept, ``not`` to avoid values the
negated schema accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random
from typing import Any

from specmock.generation.core import ValueFn, mapping
from specmock.generation.merge import GROUPS, PATTERNS, Merger, same_json
from specmock.generation.numbers import bounds
from specmock.generation.patterns import translate

Predicate = Callable[[Any], bool]

_NOT_TRIES = 8
_TYPES: dict[str, Predicate] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def _always(value: Any) -> bool:
    return True


def _all(checks: list[Predicate]) -> Predicate:
    if not checks:
        return _always
    return lambda v: all(check(v) for check in checks)


def _type_check(flat: dict[str, Any], version: str) -> Predicate | None:
    declared = flat.get("type")
    types = [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else None
    if not types:
        return None
    if version == "3.0" and flat.get("nullable") is True:
        types = [*types, "null"]
    tests = [_TYPES[t] for t in types if t in _TYPES]
    return lambda v: any(t(v) for t in tests)


def _object_checks(
    flat: dict[str, Any], sub: Callable[[Any], Predicate], hidden: Callable[[Any], bool]
) -> list[Predicate]:
    checks: list[Predicate] = []
    props = mapping(flat, "properties")
    required = [r for r in flat.get("required") or [] if isinstance(r, str) and not hidden(props.get(r))]
    if required:
        checks.append(lambda v: not isinstance(v, dict) or all(k in v for k in required))
    if flat.get("additionalProperties") is False and not flat.get("patternProperties"):
        allowed = set(props)
        checks.append(lambda v: not isinstance(v, dict) or v.keys() <= allowed)
    for key, schema in props.items():
        inner = sub(schema)
        if inner is not _always:
            checks.append(_property_check(key, inner))
    return checks


def _property_check(key: str, inner: Predicate) -> Predicate:
    return lambda v: not isinstance(v, dict) or key not in v or inner(v[key])


def _pattern_check(compiled: re.Pattern[str]) -> Predicate:
    return lambda v: not isinstance(v, str) or compiled.search(v) is not None


def _any_check(options: list[Predicate]) -> Predicate:
    return lambda v: any(o(v) for o in options)


def _scalar_checks(flat: dict[str, Any]) -> list[Predicate]:
    checks: list[Predicate] = []
    if isinstance(flat.get("enum"), list):
        values = flat["enum"]
        checks.append(lambda v: any(same_json(v, x) for x in values))
    for pattern in flat.get(PATTERNS) or []:
        python = translate(pattern)
        if python is not None:
            checks.append(_pattern_check(re.compile(python)))
    lo, lo_ex, hi, hi_ex = bounds(flat)
    if lo is not None:
        checks.append(lambda v: not _num(v) or (v > lo if lo_ex else v >= lo))
    if hi is not None:
        checks.append(lambda v: not _num(v) or (v < hi if hi_ex else v <= hi))
    return checks


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Matchers:
    """Predicates per (schema node, direction): required properties hidden in a direction
    (readOnly in requests, writeOnly in responses) are not required of the value."""

    def __init__(self, merger: Merger) -> None:
        self.merger = merger
        self._memo: dict[tuple[int, str], tuple[Any, Predicate]] = {}
        self._busy: list[tuple[int, str]] = []
        self._cut = 0  # lowest busy slot a cycle was cut at, while compiling

    def compile(self, node: Any, direction: str) -> Predicate:
        """A predicate, memoised unless a cycle was cut above it (then it depends on its caller)."""
        key = (id(node), direction)
        if key in self._busy:
            self._cut = min(self._cut, self._busy.index(key))
            return _always
        if not isinstance(node, dict):
            return _always if node is not False else (lambda v: False)
        cached = self._memo.get(key)
        if cached is not None and cached[0] is node:
            return cached[1]
        slot, outer_cut = len(self._busy), self._cut
        self._busy.append(key)
        self._cut = slot
        try:
            predicate = self._build(self.merger.flatten(node), direction)
        finally:
            self._busy.pop()
            cut, self._cut = self._cut, min(outer_cut, self._cut)
        if cut >= slot:
            self._memo[key] = (node, predicate)
        return predicate

    def _hidden(self, node: Any, direction: str) -> bool:
        flag = "readOnly" if direction == "request" else "writeOnly"
        return isinstance(node, dict) and (
            node.get(flag) is True or self.merger.flatten(node).get(flag) is True
        )

    def _build(self, flat: dict[str, Any], direction: str) -> Predicate:
        checks = [c for c in (_type_check(flat, self.merger.version),) if c is not None]
        checks += _scalar_checks(flat)
        checks += _object_checks(
            flat, lambda n: self.compile(n, direction), lambda n: self._hidden(n, direction)
        )
        for _, branches, _ in flat.get(GROUPS) or []:
            checks.append(_any_check([self.compile(b, direction) for b in branches]))
        return _all(checks)

    def excluding(self, fn: ValueFn, negated: list[Any], direction: str) -> ValueFn:
        """``fn`` redrawn (a few times) while a ``not`` schema may accept its value."""
        tests = [self.compile(n, direction) for n in negated]

        def draw(rng: Random) -> Any:
            value = fn(rng)
            for _ in range(_NOT_TRIES):
                if not any(t(value) for t in tests):
                    return value
                value = fn(rng)
            return value

        return draw
