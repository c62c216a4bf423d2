"""Numbers written as text by a client (query, path, headers, cookies, forms, ``Prefer``): ASCII digits
only, and bounded.

Python's own conversions are too generous for input from the wire: ``int()`` and ``float()`` accept
any Unicode decimal digit (Arabic-Indic ``٣``), underscores (``1_000``) and surrounding spaces,
``str.isdigit()`` also admits superscripts (``²``) that ``int()`` then refuses, ``float()`` reads
``inf`` and ``nan``, and ``int()`` raises beyond 4,300 digits. Here a value is a number only when it is
written as JSON would write it; anything else is ``None``, for the caller to refuse or ignore.
"""

from __future__ import annotations

import math
import re

__all__ = ["MAX_DIGITS", "ascii_int", "ascii_number"]

MAX_DIGITS = 4300  # Python's own bound on int <-> str conversion
_INTEGER = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def ascii_int(raw: str) -> int | None:
    """``raw`` as an integer when it is one written in ASCII digits (an optional sign), else None."""
    return int(raw) if _INTEGER.fullmatch(raw) else None


def ascii_number(raw: str) -> int | float | None:
    """An integer as ``ascii_int``; a decimal or exponent form as a finite double; else None."""
    if _INTEGER.fullmatch(raw):
        return int(raw)
    if len(raw) > MAX_DIGITS or not _NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None
