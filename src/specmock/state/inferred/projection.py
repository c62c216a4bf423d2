"""What never crosses the store's edge, at every depth: writeOnly values on the way out, readOnly
values on the way in.

``strip_for(document, schema, "writeOnly")`` compiles, once per schema, a ``Strip``: the flagged
property names of an object and the strips of its properties, array items and additional properties,
with ``allOf`` merged and every ``oneOf``/``anyOf`` variant looked into (a name flagged in any variant
is removed). Recursive schemas compile to a cyclic strip. ``None`` means nothing is flagged anywhere
below the schema, so most records pay nothing.
"""

from __future__ import annotations

from typing import Any

from specmock.openapi.refs import deref
from specmock.openapi.views import items_schema, merged_object
from specmock.state.inferred.identity import has_flag

MAX_VARIANT_DEPTH = 8


class Strip:
    __slots__ = ("additional", "inner", "items", "names")

    def __init__(self) -> None:
        self.names: frozenset[str] = frozenset()  # flagged properties of an object
        self.inner: dict[str, tuple[Strip, ...]] = {}  # property → what to strip inside its value
        self.items: Strip | None = None  # inside each array item
        self.additional: Strip | None = None  # inside each undeclared property's value

    def apply(self, value: Any) -> Any:
        """``value`` itself when nothing in it is flagged, else a copy without the flagged parts."""
        if isinstance(value, dict):
            return self._apply_object(value)
        if isinstance(value, list) and self.items is not None:
            items = self.items
            changed = [items.apply(v) for v in value]
            return value if all(a is b for a, b in zip(changed, value, strict=True)) else changed
        return value

    def _apply_object(self, value: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] | None = None
        for name in self.names:
            if name in value:
                if out is None:
                    out = value.copy()
                del out[name]
        for name, current in value.items():
            if current is None or name in self.names:
                continue
            changed = self._inside(name, current)
            if changed is not current:
                if out is None:
                    out = value.copy()
                out[name] = changed
        return value if out is None else out

    def _inside(self, name: str, current: Any) -> Any:
        strips = self.inner.get(name)
        if strips is None:
            return current if self.additional is None else self.additional.apply(current)
        for strip in strips:
            current = strip.apply(current)
        return current


def strip_for(document: Any, schema: Any, flag: str) -> Strip | None:
    """The strip removing ``flag``ged (``writeOnly`` / ``readOnly``) values at every depth, or None."""
    built: dict[int, Strip] = {}
    root = _build(document, schema, flag, built)
    live = _live(built.values())
    for strip in built.values():
        strip.inner = {n: kept for n, s in strip.inner.items() if (kept := tuple(x for x in s if x in live))}
        strip.items = strip.items if strip.items in live else None
        strip.additional = strip.additional if strip.additional in live else None
    return root if root in live else None


def below_top(strip: Strip | None, removed: frozenset[str]) -> Strip | None:
    """Only what ``strip`` removes below the top level, where the top-level ``removed`` names are gone
    already (the store drops them by name): None when nothing is left, so callers pay nothing."""
    if strip is None:
        return None
    inner = {name: subs for name, subs in strip.inner.items() if name not in removed}
    if not inner and strip.additional is None:
        return None
    top = Strip()
    top.inner, top.additional = inner, strip.additional
    return top


def _build(document: Any, schema: Any, flag: str, built: dict[int, Strip]) -> Strip:
    node = deref(document, schema)
    found = built.get(id(node))
    if found is not None:
        return found  # a recursive schema: the strip under construction
    strip = built[id(node)] = Strip()
    properties: dict[str, list[Any]] = {}
    additional: list[Any] = []
    for part in _variants(document, node, 0):
        props, _, extra = merged_object(document, part)
        for name, sub in props.items():
            properties.setdefault(name, []).append(sub)
        if isinstance(extra, dict) and extra:
            additional.append(extra)
    strip.names = frozenset(
        name for name, subs in properties.items() if any(has_flag(document, sub, flag) for sub in subs)
    )
    strip.inner = {
        name: tuple(_build(document, sub, flag, built) for sub in subs)
        for name, subs in properties.items()
        if name not in strip.names
    }
    items = items_schema(document, node)
    if items:
        strip.items = _build(document, items, flag, built)
    if additional:
        strip.additional = _build(document, additional[0], flag, built)
    return strip


def _variants(document: Any, node: Any, depth: int) -> list[Any]:
    """The node and every ``oneOf``/``anyOf`` variant below it (their own variants too)."""
    out = [node]
    if not isinstance(node, dict) or depth > MAX_VARIANT_DEPTH:
        return out
    for key in ("oneOf", "anyOf"):
        for variant in node.get(key) or ():
            out += _variants(document, deref(document, variant), depth + 1)
    for part in node.get("allOf") or ():
        target = deref(document, part)
        if isinstance(target, dict) and (target.get("oneOf") or target.get("anyOf")):
            out += _variants(document, target, depth + 1)[1:]
    return out


def _live(strips: Any) -> set[Strip]:
    """The strips that remove something, themselves or below (a fixed point: strips may form cycles)."""
    pending = list(strips)
    live = {s for s in pending if s.names}
    grew = True
    while grew:
        grew = False
        for strip in pending:
            if strip in live:
                continue
            children = [*(x for subs in strip.inner.values() for x in subs), strip.items, strip.additional]
            if any(child in live for child in children if child is not None):
                live.add(strip)
                grew = True
    return live
