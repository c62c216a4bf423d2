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


MAX_PATH = 2048  # characters of a request's path and query kept in an entry
MAX_VIOLATIONS = 20
MAX_VIOLATION = 500  # characters of one violation kept


class Journal:
    """Bounded in entries and bytes: a client sending huge paths or bodies full of violations must
    not make it hold more than ``size`` × a few KiB."""

    def __init__(self, size: int = 1000) -> None:
        # Plain tuples in Entry's field order (recorded on every request: no NamedTuple call there).
        self._entries: deque[tuple[float, str, str, int, str, tuple[str, ...]]] = deque(maxlen=size)

    def record(self, request: MockRequest, response: MockResponse, operation: str) -> None:
        path, violations = request.full_path, response.violations
        if len(path) > MAX_PATH:
            path = path[:MAX_PATH] + "…"
        if violations:
            violations = _bounded(violations)
        self._entries.append((time.time(), request.method, path, response.status, operation, violations))

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        items = list(self._entries)
        if limit is not None:
            items = items[-limit:] if limit > 0 else []
        return [Entry._make(e)._asdict() for e in items]

    def clear(self) -> None:
        self._entries.clear()


def _bounded(violations: tuple[str, ...]) -> tuple[str, ...]:
    kept = tuple(
        v if len(v) <= MAX_VIOLATION else v[:MAX_VIOLATION] + "…" for v in violations[:MAX_VIOLATIONS]
    )
    if len(violations) > MAX_VIOLATIONS:
        kept += (f"… and {len(violations) - MAX_VIOLATIONS} more",)
    return kept
