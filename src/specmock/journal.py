"""The request journal: the last N requests with status, matched operation and violations."""

from __future__ import annotations

import time
from collections import deque
from typing import Any, NamedTuple

from specmock.pipeline.request import MockRequest
from specmock.pipeline.serialize import MockResponse


class Entry(NamedTuple):
    at: float
    method: str
    path: str
    status: int
    operation: str
    violations: tuple[str, ...]


class Journal:
    def __init__(self, size: int = 1000) -> None:
        # Plain tuples in Entry's field order (recorded on every request: no NamedTuple call there).
        self._entries: deque[tuple[float, str, str, int, str, tuple[str, ...]]] = deque(maxlen=size)

    def record(self, request: MockRequest, response: MockResponse, operation: str) -> None:
        self._entries.append(
            (time.time(), request.method, request.full_path, response.status, operation, response.violations)
        )

    def add(
        self, method: str, full_path: str, status: int, operation: str, violations: tuple[str, ...]
    ) -> None:
        """An entry for an answer that is not a MockResponse (the proxy's relayed answers)."""
        self._entries.append((time.time(), method, full_path, status, operation, violations))

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        items = list(self._entries)
        if limit is not None:
            items = items[-limit:] if limit > 0 else []
        return [Entry._make(e)._asdict() for e in items]

    def clear(self) -> None:
        self._entries.clear()
