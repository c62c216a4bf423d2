"""Instants as records write them: RFC 3339 text, read as POSIX seconds and written back."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any


def instant(value: Any) -> float | None:
    """An RFC 3339 date-time as POSIX seconds (naive ones read as UTC); None for anything else."""
    if not isinstance(value, str) or not 10 <= len(value) <= 64:  # RFC 3339 stamps are short
        return None
    return _instant(value)


@functools.lru_cache(maxsize=256)  # expiry stamps of creates in the same second repeat
def _instant(value: str) -> float | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def rfc3339(seconds: float) -> str:
    return _rfc3339(int(seconds))


@functools.lru_cache(maxsize=64)  # creates in the same second share their timestamps
def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
