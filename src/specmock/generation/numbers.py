"""Integers and numbers within minimum / maximum / exclusive bounds (3.0 boolean and 3.1 numeric forms),
multipleOf and int32 / int64 formats, inside a plausible window suggested by the field name."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from random import Random
from typing import Any

NumFn = Callable[[Random], Any]

DEFAULT_WINDOW = (0, 1000)
_FORMAT_LIMITS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_FLOAT_TRIES = 8


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def bounds(schema: dict[str, Any]) -> tuple[float | None, bool, float | None, bool]:
    """(low, low_exclusive, high, high_exclusive) from either spelling of exclusiveMinimum/Maximum."""
    lo, hi = _number(schema.get("minimum")), _number(schema.get("maximum"))
    lo_ex, hi_ex = schema.get("exclusiveMinimum") is True, schema.get("exclusiveMaximum") is True
    ex_lo, ex_hi = _number(schema.get("exclusiveMinimum")), _number(schema.get("exclusiveMaximum"))
    if ex_lo is not None and (lo is None or ex_lo >= lo):
        lo, lo_ex = ex_lo, True
    if ex_hi is not None and (hi is None or ex_hi <= hi):
        hi, hi_ex = ex_hi, True
    return lo, lo_ex, hi, hi_ex


def _window(lo: float | None, hi: float | None, hint: tuple[int, int] | None) -> tuple[float, float]:
    """The hint window (or the default) moved inside the schema bounds."""
    wlo, whi = hint or DEFAULT_WINDOW
    width = whi - wlo
    a = wlo if lo is None else max(lo, wlo)
    b = whi if hi is None else min(hi, whi)
    if a <= b:
        return a, b
    if lo is not None and lo > whi:
        return lo, lo + width if hi is None else min(hi, lo + width)
    assert hi is not None
    return (hi - width if lo is None else max(lo, hi - width)), hi


def _int_draw(a: int, b: int) -> NumFn:
    if b <= a:
        return lambda rng: a
    span = b - a + 1
    if span < 2**50:
        return lambda rng: a + int(rng.random() * span)
    return lambda rng: rng.randrange(a, b + 1)


def integer(schema: dict[str, Any], hint: tuple[int, int] | None) -> NumFn:
    lo, lo_ex, hi, hi_ex = bounds(schema)
    ilo = None if lo is None else (math.floor(lo) + 1 if lo_ex else math.ceil(lo))
    ihi = None if hi is None else (math.ceil(hi) - 1 if hi_ex else math.floor(hi))
    limits = _FORMAT_LIMITS.get(schema.get("format", ""))
    if limits:
        ilo = limits[0] if ilo is None else max(ilo, limits[0])
        ihi = limits[1] if ihi is None else min(ihi, limits[1])
    step = _int_step(schema.get("multipleOf"))
    a, b = _window(ilo, ihi, hint)
    if step is None:
        return _int_draw(math.ceil(a), math.floor(b))
    klo, khi = math.ceil(a / step), math.floor(b / step)
    if klo > khi and ilo is not None:
        klo, khi = (
            math.ceil(ilo / step),
            math.floor(ihi / step) if ihi is not None else math.ceil(ilo / step) + 100,
        )
    draw_k = _int_draw(klo, max(klo, khi))
    return lambda rng: draw_k(rng) * step


def _int_step(multiple: Any) -> int | None:
    value = _number(multiple)
    if value is None or value <= 0:
        return None
    if float(value).is_integer():
        return int(value)
    return Fraction(value).limit_denominator(10**6).numerator


def number(schema: dict[str, Any], hint: tuple[int, int] | None) -> NumFn:
    lo, lo_ex, hi, hi_ex = bounds(schema)
    a, b = _window(lo, hi, hint)
    multiple = _number(schema.get("multipleOf"))
    if multiple is not None and multiple > 0:
        return _multiples(a, b, lo_ex and a == lo, hi_ex and b == hi, float(multiple))
    ok = _inside(a, b, lo_ex and a == lo, hi_ex and b == hi)
    middle = (a + b) / 2

    def draw(rng: Random) -> float:
        raw = a + rng.random() * (b - a)
        value = round(raw, 2)
        if ok(value):
            return value
        return raw if ok(raw) else float(middle)

    return draw


def _inside(a: float, b: float, a_ex: bool, b_ex: bool) -> Callable[[float], bool]:
    return lambda v: (v > a if a_ex else v >= a) and (v < b if b_ex else v <= b)


def _multiples(a: float, b: float, a_ex: bool, b_ex: bool, step: float) -> NumFn:
    ok = _inside(a, b, a_ex, b_ex)
    klo, khi = math.ceil(a / step), math.floor(b / step)
    draw_k = _int_draw(klo, max(klo, khi))
    text = repr(step)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 12

    def draw(rng: Random) -> float:
        value = 0.0
        for _ in range(_FLOAT_TRIES):
            value = float(round(draw_k(rng) * step, decimals))
            if ok(value) and (value / step).is_integer():
                return value
        return 0.0 if ok(0.0) else value

    return draw
