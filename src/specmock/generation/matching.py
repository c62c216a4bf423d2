"""Conservative "may this value match that schema?" predicates, compiled once.

They answer ``False`` only when a value certainly fails the schema (wrong type, missing required
property, value outside an enum, extra property where none is allowed, ...) and ``True`` when
unsure. ``oneOf`` uses them to avoid values that two branches accept, ``not`` to avoid values the
negated schema accepts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from random import Random
from typing import Any

from specmock.generation.core import ValueFn, mapping
from specmock.generation.merge import GROUPS, NOTS, PATTERNS, Merger, same_json
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


def hidden(merger: Merger, node: Any, direction: str) -> bool:
    """A property the direction leaves out: readOnly in requests, writeOnly in responses."""
    flag = "readOnly" if direction == "request" else "writeOnly"
    return isinstance(node, dict) and (node.get(flag) is True or merger.flatten(node).get(flag) is True)


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

    def _build(self, flat: dict[str, Any], direction: str) -> Predicate:
        checks = [c for c in (_type_check(flat, self.merger.version),) if c is not None]
        checks += _scalar_checks(flat)
        checks += _object_checks(
            flat, lambda n: self.compile(n, direction), lambda n: hidden(self.merger, n, direction)
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


# --- separating a value from the branches it should not match ---------------------------------

Separator = Callable[[Any], bool]
_SEPARATE_DEPTH = 3
_WRONG_VALUES: tuple[Any, ...] = (0, "", False, None, [])
_OPEN_KEYWORDS = ("patternProperties", "propertyNames", "maxProperties", "unevaluatedProperties", NOTS)


# What a covering branch may say: an object's properties and required ones, and annotations.
_COVERING_KEYS = frozenset(
    ("type", "properties", "required", "additionalProperties", "description", "title", "example", "examples")
)
_NOISE = frozenset(("description", "title", "example", "examples", "default", "deprecated"))


def _strip(node: Any) -> Any:
    """A schema without its annotations (two properties alike but for a description or default)."""
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in _NOISE}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _no_separator(value: Any) -> bool:
    return False


def _violating(flat: dict[str, Any], version: str) -> tuple[bool, Any]:
    """A value the schema certainly rejects by its type (or its enum), if there is one."""
    check = _type_check(flat, version)
    values = flat.get("enum") if isinstance(flat.get("enum"), list) else None
    for candidate in _WRONG_VALUES:
        if check is not None and not check(candidate):
            return True, candidate
        if check is None and values is not None and not any(same_json(candidate, v) for v in values):
            return True, candidate
    return False, None


def _open(flat: dict[str, Any]) -> bool:
    """An object schema that accepts any extra property (what a planted value relies on)."""
    extra = flat.get("additionalProperties")
    return extra is not False and not isinstance(extra, dict) and not any(k in flat for k in _OPEN_KEYWORDS)


def _objectish(flat: dict[str, Any]) -> bool:
    declared = flat.get("type")
    types = [declared] if isinstance(declared, str) else declared if isinstance(declared, list) else None
    return (types is None or "object" in types) and not flat.get(GROUPS)


class Separators:
    """Ways to make a value of one branch fail another: a property the chosen branch leaves open
    (undeclared, extra properties allowed) but the other branch types, set to a value of the
    wrong type, at most a few objects deep. The chosen branch still accepts the value for certain,
    the other one certainly rejects it."""

    def __init__(self, merger: Merger) -> None:
        self.merger = merger
        self._memo: dict[tuple[int, int, str], tuple[Any, Any, Separator]] = {}
        self._canonicals: dict[int, tuple[Any, str]] = {}

    def between(self, own: Any, other: Any, direction: str) -> Separator:
        key = (id(own), id(other), direction)
        cached = self._memo.get(key)
        if cached is not None and cached[0] is own and cached[1] is other:
            return cached[2]
        found = None
        if isinstance(own, dict) and isinstance(other, dict):
            found = self._search(self.merger.flatten(own), self.merger.flatten(other), direction, 0)
        separator = _planting(*found) if found else _no_separator
        self._memo[key] = (own, other, separator)
        return separator

    def covers(self, other: Any, own: Any, direction: str) -> bool:
        """Whether ``other`` certainly accepts every value of ``own`` (and no planting helps): an
        open object schema whose required properties ``own`` always carries and whose properties
        ``own`` declares alike. Such a branch of a oneOf can never be drawn alone."""
        if not isinstance(other, dict) or not isinstance(own, dict):
            return False
        theirs, mine = self.merger.flatten(other), self.merger.flatten(own)
        if set(theirs) - _COVERING_KEYS or not _open(theirs) or not _objectish(theirs):
            return False
        if mine.get("type") not in ("object", ["object"]) or mine.get("nullable") is True:
            return False
        props = mapping(mine, "properties")
        carried = {r for r in mine.get("required") or [] if not hidden(self.merger, props.get(r), direction)}
        if not set(theirs.get("required") or []) <= carried:
            return False
        return all(
            key in props and self._same(props[key], sub) for key, sub in mapping(theirs, "properties").items()
        )

    def _same(self, a: Any, b: Any) -> bool:
        return a is b or self._canonical(a) == self._canonical(b)

    def _canonical(self, node: Any) -> str:
        key = id(node)
        cached = self._canonicals.get(key)
        if cached is not None and cached[0] is node:
            return cached[1]
        text = json.dumps(_strip(node), sort_keys=True, default=str)
        self._canonicals[key] = (node, text)
        return text

    def _search(
        self, own: dict[str, Any], other: dict[str, Any], direction: str, depth: int
    ) -> tuple[list[tuple[str, bool]], Any] | None:
        if not _open(own) or not _objectish(own):
            return None
        mine, theirs = mapping(own, "properties"), mapping(other, "properties")
        for key, sub in theirs.items():
            if key not in mine and isinstance(sub, dict):
                ok, bad = _violating(self.merger.flatten(sub), self.merger.version)
                if ok:
                    return [(key, False)], bad
        if depth + 1 >= _SEPARATE_DEPTH:
            return None
        for key, sub in theirs.items():
            inner = mine.get(key)
            if (
                not isinstance(inner, dict)
                or not isinstance(sub, dict)
                or hidden(self.merger, inner, direction)
            ):
                continue
            flat = self.merger.flatten(inner)
            found = self._search(flat, self.merger.flatten(sub), direction, depth + 1)
            if found is not None:
                creatable = not flat.get("required") and not flat.get("minProperties")
                return [(key, creatable), *found[0]], found[1]
        return None


def _planting(path: list[tuple[str, bool]], bad: Any) -> Separator:
    *steps, (leaf, _) = path

    def plant(value: Any) -> bool:
        node = value
        for key, creatable in steps:
            if not isinstance(node, dict):
                return False
            if not isinstance(node.get(key), dict):
                if not creatable:
                    return False
                node[key] = {}
            node = node[key]
        if not isinstance(node, dict):
            return False
        node[leaf] = bad
        return True

    return plant
