"""Strings: pattern, then format, then the field-name hint, then plain words; always within the lengths.

A name hint is used wherever the schema leaves room for it: with no format, with a format the
hint satisfies (an ``avatar`` with ``format: uri``), or with a pattern the hinted value happens
to match (a ``currency`` with ``^[A-Z]{3}$`` gets a real ISO 4217 code).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from random import Random
from typing import Any

from specmock.generation import temporal
from specmock.generation.fakes import FORMAT_HINTS, TENSES, string_hint
from specmock.generation.merge import PATTERNS
from specmock.generation.patterns import PatternSampler, translate
from specmock.generation.providers import Fakes, password

StrFn = Callable[[Random], str]

_URI = frozenset(("uri", "url", "iri", "uri-reference", "iri-reference"))
# Formats each hint's values satisfy, beyond "no format at all".
_HINT_FORMATS: dict[str, frozenset[str]] = {
    "email": frozenset(("email", "idn-email")),
    "url": _URI,
    "image_url": _URI,
    "ipv4": frozenset(("ipv4",)),
    "ipv6": frozenset(("ipv6",)),
    "hostname": frozenset(("hostname", "idn-hostname")),
    "uuid": frozenset(("uuid",)),
    "password": frozenset(("password",)),
}
_TEMPORAL = {
    "date-time": temporal.date_time,
    "datetime": temporal.date_time,
    "date": temporal.date,
    "time": temporal.time_of_day,
}
_REGEXES = ("^[a-z]+$", "^[A-Z][a-z0-9]*$", "^\\d{3}-\\d{4}$", "^[a-z0-9_-]{3,16}$")


def _lengths(schema: dict[str, Any]) -> tuple[int, int | None]:
    lo = schema.get("minLength")
    hi = schema.get("maxLength")
    lo = int(lo) if isinstance(lo, int | float) and not isinstance(lo, bool) else 0
    hi = int(hi) if isinstance(hi, int | float) and not isinstance(hi, bool) else None
    return lo, (max(hi, 0) if hi is not None else None)


def _byte(lo: int, hi: int | None) -> StrFn:
    """Base64 of random bytes, with an encoded length in [lo, hi] where one exists."""
    size = 12
    if hi is not None and hi < 16:
        size = 3 * (hi // 4)
    if lo > 16:
        size = 3 * ((lo + 3) // 4)
    return lambda rng: base64.b64encode(rng.randbytes(size)).decode("ascii")


def _standard_format(fmt: str, tense: str, fakes: Fakes, lo: int, hi: int | None) -> StrFn | None:
    if fmt in _TEMPORAL:
        return _TEMPORAL[fmt](tense)
    table: dict[str, StrFn] = {
        "uuid": fakes.provider("uuid"),
        "email": fakes.email,
        "idn-email": fakes.email,
        "hostname": fakes.hostname,
        "idn-hostname": fakes.hostname,
        "ipv4": fakes.provider("ipv4"),
        "ipv6": fakes.provider("ipv6"),
        "binary": fakes.provider("hex"),
        "password": password,
        "regex": lambda rng: _REGEXES[int(rng.random() * len(_REGEXES))],
        "json-pointer": lambda rng: f"/{fakes.text.word(rng)}/{int(rng.random() * 10)}",
        "relative-json-pointer": lambda rng: f"{int(rng.random() * 3)}/{fakes.text.word(rng)}",
        "duration": lambda rng: f"P{1 + int(rng.random() * 30)}D",
        "uri-template": lambda rng: f"{fakes.url(rng)}/{{id}}",
    }
    if fmt in _URI:
        return fakes.url
    if fmt == "byte":
        return _byte(lo, hi)
    return table.get(fmt)


def _source(schema: dict[str, Any], name: str | None, fakes: Fakes, lo: int, hi: int | None) -> StrFn:
    fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
    hint = string_hint(name)
    if fmt is not None:
        if hint is not None and fmt in _HINT_FORMATS.get(hint, ()):
            return fakes.provider(hint)
        standard = _standard_format(fmt, TENSES.get(hint or "", "any"), fakes, lo, hi)
        if standard is not None:
            return standard
    if fmt in FORMAT_HINTS:
        return fakes.provider(FORMAT_HINTS[fmt])
    if hint is not None:
        return fakes.provider(hint)
    return fakes.text.plain(lo, hi)


def _within(source: StrFn, fallback: StrFn, lo: int, hi: int | None, checks: list[re.Pattern[str]]) -> StrFn:
    """``source``'s value when it fits the lengths and patterns, else ``fallback``'s."""
    top = hi if hi is not None else 1 << 62

    def draw(rng: Random) -> str:
        text = source(rng)
        if not lo <= len(text) <= top:
            return fallback(rng)
        for check in checks:  # a loop, not all(genexpr): no generator per drawn value
            if not check.search(text):
                return fallback(rng)
        return text

    return draw


def compile_string(schema: dict[str, Any], name: str | None, fakes: Fakes, patterns: PatternSampler) -> StrFn:
    lo, hi = _lengths(schema)
    if hi is not None and lo > hi:
        lo = hi
    source = _source(schema, name, fakes, lo, hi)
    wanted = schema.get(PATTERNS) or []
    sampler = patterns.sampler(wanted, lo, hi) if wanted else None
    if sampler is not None:
        checks = [re.compile(p) for p in (translate(w) for w in wanted) if p is not None]
        has_room = string_hint(name) is not None or schema.get("format") is not None
        return _within(source, sampler, lo, hi, checks) if has_room else sampler
    if lo == 0 and hi is None:
        return source
    return _within(source, fakes.text.plain(lo, hi), lo, hi, [])
