"""JSON from clients and files, with every number kept exactly or refused: data is never silently changed.

orjson is fast but reads numbers as 64-bit values: an integer beyond 64 bits becomes the nearest
double (2**64 + 1 → 1.8446744073709552e+19), and so does an integer written with an exponent or a
fraction (``1e23`` → 99999999999999991611392, ``1e-400`` → 0.0). JSON Schema calls ``1e20`` an integer,
so a value that is integral is kept as the exact Python ``int`` the text denotes (``1e20`` →
100000000000000000000). A number with a fraction stays a double, as every JSON reader treats it.

The usual body takes one orjson call and a cheap scan of its bytes. Only a body whose numbers a double
may not hold exactly is read again by the standard library, each number from its own text.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

__all__ = ["MAX_DIGITS", "loads"]

MAX_DIGITS = 4300  # Python's own bound on int <-> str conversion (CVE-2020-10735)
EXACT_FLOAT = 2**53  # every integer up to this magnitude is exactly a double
# Deeper values are refused: every later step (copies, encoders, the store) then stays far from
# Python's recursion limit. Real payloads nest a few levels; a body needs two bytes per level of depth.
MAX_DEPTH = 100
# A number a double may not hold: a fraction or an exponent (needs a look at the values), 19 digits
# or more (it may lie outside orjson's int64/uint64 range, which it reads as a double), or a
# three-digit exponent (under- or overflow). The scan may match inside a string; then the body is
# only read more carefully.
# (Each pattern starts with its one character class: an alternation at the top is four times slower.)
_NEEDS_LOOK = re.compile(rb"[0-9](?:[.eE]|[0-9]{18})")
_NEEDS_EXACT = re.compile(rb"[0-9](?:[0-9]{18}|[eE][+-]?[0-9]{3})")


class _Inexact(Exception):
    """A double orjson returned may not be the number written."""


def loads(raw: bytes | str) -> Any:
    """The JSON value of ``raw``; ``ValueError`` (a short reason) when it is not JSON or holds a number
    that cannot be kept exactly."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(str(exc).split(":")[0]) from exc
    deep = len(data) > 2 * MAX_DEPTH and data.count(b"[") + data.count(b"{") > MAX_DEPTH
    if deep and _depth(value) > MAX_DEPTH:
        raise ValueError(f"the JSON is nested more than {MAX_DEPTH} levels deep")
    if not _NEEDS_LOOK.search(data):
        return value
    if not _NEEDS_EXACT.search(data):
        try:
            return _integral(value)
        except _Inexact:
            pass
    return _exact(data)


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth + 1)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _integral(value: Any) -> Any:
    """Integral doubles as ints (``1.0`` → 1: JSON Schema's integer); _Inexact beyond 2**53."""
    if isinstance(value, float):
        if not -EXACT_FLOAT <= value <= EXACT_FLOAT:
            raise _Inexact
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def _exact(data: bytes) -> Any:
    try:
        return json.loads(data, parse_float=_number, parse_int=_integer)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"the number {_short(text)} has more than {MAX_DIGITS:,} digits")
    return int(text)


def _number(text: str) -> int | float:
    """The exact value of a number written with a fraction or an exponent."""
    try:
        exact = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the JSON grammar already holds
        raise ValueError(f"the number {_short(text)} cannot be read") from None
    if exact == exact.to_integral_value():
        if exact.adjusted() >= MAX_DIGITS:
            raise ValueError(f"the number {_short(text)} has more than {MAX_DIGITS:,} digits")
        return int(exact)
    double = float(exact)
    if math.isinf(double) or double == 0:  # not representable: it would silently become inf or 0
        raise ValueError(f"the number {_short(text)} is beyond the range of a double")
    return double


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}…{text[-8:]}"
