"""``Memo``: values by a key that determines them, bounded in entries and bytes, cleared wholesale
when full.

It imports nothing from the package, so every layer (the shell, the pipeline, ``runtime``) may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Key = tuple[Any, ...] | str  # a str alone is looked up by dict's own string comparison, the fastest
TEXT = (str, bytes)  # a tuple: ``str | bytes`` written in the loop would build a union object per part
BYTES_PER_ENTRY = 256  # the default byte budget per entry: keys are usually short (a path, a header)


class Memo:
    """Values by a key that determines them (answers to safe requests by fingerprint, generated
    header values, media choices, routing decisions, error-schema questions); bounded, cleared
    wholesale when full.

    Keys often carry what a client sent (a path, a query, a header value), so the bound is in bytes
    as well as entries: the text in a key counts, and ``weigh`` gives the cost of a value (the body
    of a cached answer). An entry that alone exceeds the budget is not kept.
    """

    def __init__(
        self, size: int = 4096, max_bytes: int | None = None, weigh: Callable[[Any], int] | None = None
    ) -> None:
        self.size = size
        self.max_bytes = size * BYTES_PER_ENTRY if max_bytes is None else max_bytes
        self.bytes = 0
        self._weigh = weigh
        self._entries: dict[Key, Any] = {}
        # The dict's own bound method (the dict is cleared, never replaced): a lookup costs no Python
        # call, and memos are read several times per request.
        self.get: Callable[[Key], Any] = self._entries.get

    def put(self, key: Key, value: T) -> T:
        cost = (len(key) + 8 if isinstance(key, str) else key_bytes(key)) + (
            self._weigh(value) if self._weigh is not None else 0
        )
        if cost > self.max_bytes:
            return value
        if len(self._entries) >= self.size or self.bytes + cost > self.max_bytes:
            self.clear()
        self._entries[key] = value
        self.bytes += cost
        return value

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0


def key_bytes(key: tuple[Any, ...]) -> int:
    """About what a key holds: the length of its text, 8 bytes for anything else (nested tuples too)."""
    total = 0
    for part in key:
        if isinstance(part, TEXT):
            total += len(part) + 8
        elif isinstance(part, tuple):
            total += key_bytes(part)
        else:
            total += 8
    return total
