"""Dates and times from fixed bounds: nothing here reads the clock, so every value is reproducible."""

from __future__ import annotations

import time
from collections.abc import Callable
from random import Random

PAST_START = 1_577_836_800  # 2020-01-01T00:00:00Z
ANCHOR = 1_767_225_599  # 2025-12-31T23:59:59Z: "now" for past-tense fields
FUTURE_END = 1_924_991_999  # 2030-12-31T23:59:59Z

WINDOWS: dict[str, tuple[int, int]] = {
    "past": (PAST_START, ANCHOR),
    "any": (PAST_START, ANCHOR),
    "future": (ANCHOR + 1, FUTURE_END),
}

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _instant(tense: str) -> Callable[[Random], time.struct_time]:
    start, end = WINDOWS.get(tense, WINDOWS["any"])
    span = end - start + 1

    def draw(rng: Random) -> time.struct_time:
        return time.gmtime(start + int(rng.random() * span))

    return draw


_DAY = 86_400
# Lookup tables instead of strftime: a date-time is three list lookups and two concatenations.
_DATES = tuple(
    time.strftime("%Y-%m-%dT", time.gmtime(PAST_START + _DAY * d))
    for d in range((FUTURE_END - PAST_START) // _DAY + 1)
)
_MINUTES = tuple(f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SECONDS = tuple(f"{s:02d}Z" for s in range(60))


def date_time(tense: str = "any") -> Callable[[Random], str]:
    """RFC 3339 date-time in UTC, e.g. ``2023-10-10T08:15:02Z``."""
    start, end = WINDOWS.get(tense, WINDOWS["any"])
    offset, span = start - PAST_START, end - start + 1
    dates, minutes, seconds = _DATES, _MINUTES, _SECONDS

    def draw(rng: Random) -> str:
        x = offset + int(rng.random() * span)
        day, rest = divmod(x, _DAY)
        minute, second = divmod(rest, 60)
        return dates[day] + minutes[minute] + seconds[second]

    return draw


def date(tense: str = "any") -> Callable[[Random], str]:
    """RFC 3339 full-date, e.g. ``2023-10-10``."""
    instant = _instant(tense)
    return lambda rng: time.strftime("%Y-%m-%d", instant(rng))


def time_of_day(tense: str = "any") -> Callable[[Random], str]:
    """RFC 3339 full-time in UTC, e.g. ``08:15:02Z`` (JSON Schema's ``time`` requires the offset)."""
    instant = _instant(tense)
    return lambda rng: time.strftime("%H:%M:%SZ", instant(rng))


def rfc2822(tense: str = "any") -> Callable[[Random], str]:
    """E.g. ``Tue, 10 Oct 2023 08:15:02 +0000`` with English names whatever the process locale."""
    instant = _instant(tense)

    def draw(rng: Random) -> str:
        t = instant(rng)
        return f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year} " + time.strftime(
            "%H:%M:%S +0000", t
        )

    return draw
