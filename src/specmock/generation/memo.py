"""Memoised reference compiles that stay deterministic whatever order schemas are compiled in.

A reference compiled inside a cycle depends on what is above it on the compile stack (where the
cycle closes decides where the recursion level goes up). Such a result is only reused within
the same top-level compile; a result whose cycles all close inside it (Tarjan's lowlink at or
below its own stack slot) depends on nothing above and is shared by every later compile.
Without this split a value would depend on which schemas the server happened to compile first.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from specmock.generation.core import Frame, Unsatisfiable, ValueFn

_FAILED = object()


class RefMemo:
    def __init__(self) -> None:
        self._shared: dict[Hashable, Any] = {}
        self._local: dict[Hashable, Any] = {}
        self._lows: list[int] = []

    def start(self) -> None:
        """A new top-level compile: forget the context-dependent results."""
        self._local = {}
        self._lows = []

    def note(self, outer: Frame, ref: str) -> None:
        """Entering ``ref`` from ``outer``: if it is already open, a cycle closes at its last slot."""
        if ref in outer.stack and self._lows:
            slot = len(outer.stack) - 1 - outer.stack[::-1].index(ref)
            self._lows[-1] = min(self._lows[-1], slot)

    def opened(self, inner: Frame, build: Callable[[], ValueFn]) -> tuple[ValueFn, bool]:
        """``build()`` with ``inner``'s reference open; also whether the result is context-free."""
        slot = len(inner.stack) - 1
        self._lows.append(slot)
        try:
            return build(), self._lows[-1] >= slot
        finally:
            low = self._lows.pop()
            if self._lows:
                self._lows[-1] = min(self._lows[-1], low)

    def compiled(self, key: Hashable, inner: Frame, build: Callable[[], ValueFn]) -> ValueFn:
        found = self._shared.get(key, self._local.get(key))
        if found is _FAILED:
            raise Unsatisfiable
        if found is not None:
            fn: ValueFn = found
            return fn
        try:
            fn, free = self.opened(inner, build)
        except Unsatisfiable:
            self._local[key] = _FAILED
            raise
        (self._shared if free else self._local)[key] = fn
        return fn
