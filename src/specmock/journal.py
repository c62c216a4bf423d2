"""The request journal: the last N requests with status, matched operation, violations, what was
injected (latency, faults) and enough of the request to send it again (a curl line)."""

from __future__ import annotations

import functools
import time
from collections import deque
from typing import Any, NamedTuple

from specmock.devloop.curl import curl_line
from specmock.messages.requests import MockRequest
from specmock.messages.responses import MockResponse

BODY_KEPT = 64 * 1024  # bytes of a request body kept for its curl line


class Entry(NamedTuple):
    at: float
    method: str
    path: str
    status: int  # 0: no answer was sent (an injected reset or timeout)
    operation: str
    violations: tuple[str, ...]
    injected: dict[str, Any] | None


MAX_PATH = 2048  # characters of a request's path and query kept in an entry
MAX_VIOLATIONS = 20
MAX_VIOLATION = 500  # characters of one violation kept


# What an entry keeps besides its time, as plain tuples (recorded on every request: no NamedTuple
# call there, no copies): the request itself (its body cut to BODY_KEPT + 1 bytes at most), then
# Entry's fields from ``status`` on. Built once for a kept answer (repeats.py): its repeats share it.
Kept = tuple[MockRequest, int, str, tuple[str, ...], dict[str, Any] | None]


class Journal:
    """Bounded in entries and bytes: a client sending huge paths or bodies full of violations must
    not make it hold more than ``size`` × a few KiB."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[tuple[float, Kept]] = deque(maxlen=size)  # (time, what it keeps)
        self.recorded = 0  # requests ever recorded: the id of the newest entry

    def record(
        self,
        request: MockRequest,
        response: MockResponse,
        operation: str,
        injected: dict[str, Any] | None = None,
    ) -> None:
        self.add(request, response.status, operation, response.violations, injected)

    def add(
        self,
        request: MockRequest,
        status: int,
        operation: str,
        violations: tuple[str, ...],
        injected: dict[str, Any] | None = None,
    ) -> None:
        """An entry by its parts (the proxy's relayed answers are not MockResponses, and a repeated
        answer is recorded without its response)."""
        self.recorded += 1
        self._entries.append((time.time(), kept_parts(request, status, operation, violations, injected)))

    def again(self, kept: Kept) -> None:
        """A request answered as an earlier one was (repeats.py), by what that one's entry keeps
        (``kept_parts``, bounded once): only its time is new."""
        self.recorded += 1
        self._entries.append((time.time(), kept))

    def entries(self, limit: int | None = None, after: int | None = None) -> list[dict[str, Any]]:
        """The last ``limit`` entries (oldest first), only those newer than the id ``after``; each
        with its ``id`` and a ``curl`` line that sends the request again."""
        items = list(self._entries)
        first_id = self.recorded - len(items) + 1
        numbered = list(enumerate(items, start=first_id))
        if after is not None:
            numbered = numbered[max(0, after - first_id + 1) :]
        if limit is not None:
            numbered = numbered[-limit:] if limit > 0 else []
        return [as_dict(number, (at, *kept)) for number, (at, kept) in numbered]

    def clear(self) -> None:
        self._entries.clear()


def kept_entry(
    request: MockRequest,
    status: int,
    operation: str,
    violations: tuple[str, ...],
    injected: dict[str, Any] | None,
) -> tuple[Any, ...]:
    """An entry as one tuple: the time, then what it keeps (``kept_parts``)."""
    return (time.time(), *kept_parts(request, status, operation, violations, injected))


def kept_parts(
    request: MockRequest,
    status: int,
    operation: str,
    violations: tuple[str, ...],
    injected: dict[str, Any] | None,
) -> Kept:
    """What an entry keeps of a request (bounded): the request, then Entry's fields from ``status`` on."""
    body = request.body
    if (body and len(body) > BODY_KEPT + 1) or len(request.full_path) > MAX_PATH:
        request = _kept(request)
    if violations:
        violations = _bounded(violations)
    return (request, status, operation, violations, injected)


def as_dict(number: int, item: tuple[Any, ...]) -> dict[str, Any]:
    """An entry as the journal API shows it: its ``id``, Entry's fields and a curl line."""
    at, request, status, operation, violations, injected = item
    entry = Entry(at, request.method, request.full_path, status, operation, violations, injected)
    kept = request.body
    return {
        "id": number,
        **entry._asdict(),
        "curl": curl_line(entry.method, entry.path, request.headers, kept[:BODY_KEPT], len(kept) > BODY_KEPT),
    }


def _kept(request: MockRequest) -> MockRequest:
    """The request as the journal keeps it: its body cut to BODY_KEPT + 1 bytes (kept that long, it
    was cut), its path and query to MAX_PATH characters."""
    full_path = request.full_path
    if len(full_path) > MAX_PATH:
        full_path = full_path[:MAX_PATH] + "…"
    return MockRequest(
        request.method,
        request.path,
        request.raw_query,
        request.headers,
        request.body[: BODY_KEPT + 1],
        full_path,
    )


@functools.lru_cache(maxsize=256)  # a cached answer (a 401, a 404) carries the same tuple each time
def _bounded(violations: tuple[str, ...]) -> tuple[str, ...]:
    kept = tuple(
        v if len(v) <= MAX_VIOLATION else v[:MAX_VIOLATION] + "…" for v in violations[:MAX_VIOLATIONS]
    )
    if len(violations) > MAX_VIOLATIONS:
        kept += (f"… and {len(violations) - MAX_VIOLATIONS} more",)
    return kept
