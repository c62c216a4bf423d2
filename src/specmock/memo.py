"""``Memo``: values by a key that determines them, bounded and cleared wholesale when full.

It imports nothing from the package, so every layer (the shell, the pipeline, ``runtime``) may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """Values by a key that determines them (answers to safe requests by fingerprint, generated
    header values, media choices, routing decisions, error-schema questions); bounded, cleared
    wholesale when full."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: dict[tuple[Any, ...], Any] = {}
        # The dict's own bound method (the dict is cleared, never replaced): a lookup costs no Python
        # call, and memos are read several times per request.
        self.get: Callable[[tuple[Any, ...]], Any] = self._entries.get

    def put(self, key: tuple[Any, ...], value: T) -> T:
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = value
        return value

    def clear(self) -> None:
        self._entries.clear()
