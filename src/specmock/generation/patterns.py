"""Strings from ``pattern``: ECMA-262 regexes translated to Python's dialect, sampled with rstr.

Every sample is checked with ``re.search`` (JSON Schema patterns are unanchored) and against the
length bounds; a few redraws with an adapted repeat limit cover lookaheads, anchors and lengths.
A pattern that still does not compile in Python yields ``None``: the caller then ignores it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from random import Random
from typing import Any

import rstr

StrFn = Callable[[Random], str]
# The regex parser rstr itself uses (``re._parser`` on 3.11+, ``sre_parse`` before); ``rstr.xeger``
# the attribute is a function, so the module is fetched by name.
_PARSE: Callable[[str], Any] = importlib.import_module("rstr.xeger").sre_parse.parse

_ATTEMPTS = 12
_PRINTABLE = tuple(chr(c) for c in range(0x20, 0x7F))
_PROPERTY_CLASSES = {
    "L": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff",
    "Lu": "A-Z\u00c0-\u00d6\u00d8-\u00de",
    "Ll": "a-z\u00df-\u00f6\u00f8-\u00ff",
    "N": "0-9",
    "Nd": "0-9",
    "Z": " ",
    "Zs": " ",
    "P": "!-#%-*,-/:;?@\\[-\\]_{}",
    "S": "$+<->^`|~",
}
_PROPERTY_ALIASES = {
    "Letter": "L",
    "Alphabetic": "L",
    "Uppercase_Letter": "Lu",
    "Lowercase_Letter": "Ll",
    "Number": "N",
    "Decimal_Number": "Nd",
    "digit": "Nd",
    "Punctuation": "P",
    "Symbol": "S",
    "Lt": "L",
    "Lm": "L",
    "Lo": "L",
    "No": "N",
    "Nl": "N",
    "White_Space": "Z",
}
_PY_ESCAPES = set("dDwWsSbBAZnrtfvx0123456789uUNaf")
_TOKEN = re.compile(
    r"\\[pP]\{([^}]*)\}|\\u\{([0-9a-fA-F]+)\}|\\c([A-Za-z])|\\k<(\w+)>|\(\?<(?![=!])|\[\^?\]|\\.|.", re.DOTALL
)


def _property(name: str, negated: bool, in_class: bool) -> str | None:
    chars = _PROPERTY_CLASSES.get(_PROPERTY_ALIASES.get(name.split("=")[-1], name.split("=")[-1]))
    if chars is None or (negated and in_class):
        return None
    if in_class:
        return chars
    return f"[^{chars}]" if negated else f"[{chars}]"


def _token(match: re.Match[str], in_class: bool) -> str | None:
    text = match.group(0)
    if match.group(1) is not None:
        return _property(match.group(1), text[1] == "P", in_class)
    if match.group(2) is not None:
        return f"\\U{int(match.group(2), 16):08x}"
    if match.group(3) is not None:
        return f"\\x{ord(match.group(3).upper()) % 32:02x}"
    if match.group(4) is not None:
        return f"(?P={match.group(4)})"
    if text == "(?<":
        return "(?P<"
    if text in ("[^]", "[]"):
        return "[\\s\\S]" if text == "[^]" else "(?!)"
    if len(text) == 2 and text[0] == "\\" and text[1].isalpha() and text[1] not in _PY_ESCAPES:
        return text[1]  # ECMA without the u flag reads an unknown letter escape as the letter
    return text


def translate(pattern: str) -> str | None:
    """The Python spelling of an ECMA-262 pattern, or ``None`` when Python cannot express it."""
    out: list[str] = []
    in_class = False
    for match in _TOKEN.finditer(pattern):
        piece = _token(match, in_class)
        if piece is None:
            return None
        if match.group(0) == "[" and not in_class:
            in_class = True
        elif match.group(0) == "]" and in_class:
            in_class = False
        out.append(piece)
    python = "".join(out)
    try:
        re.compile(python)
    except (re.error, OverflowError, RecursionError):
        return None
    return python


class _Xeger(rstr.Rstr):
    """rstr's sampler made deterministic across processes (its negated classes iterate a set) and faster."""

    def __init__(self) -> None:
        super().__init__(Random(0))
        self.add_alphabet("whitespace", " ")
        self.star_limit = 16
        self._classes: dict[int, tuple[Any, tuple[str, ...]]] = {}
        self._cases = {
            **self._cases,
            "any": lambda _: _PRINTABLE[int(self._random.random() * len(_PRINTABLE))],
            "not_literal": lambda c: self._pick(tuple(ch for ch in _PRINTABLE if ord(ch) != c)),
        }

    def _pick(self, candidates: tuple[str, ...]) -> str:
        return candidates[int(self._random.random() * len(candidates))]

    def _handle_in(self, value: Any) -> str:
        cached = self._classes.get(id(value))
        if cached is None:
            cached = (value, _class_candidates(self._alphabets, value))
            self._classes[id(value)] = cached
        return self._pick(cached[1])

    def _handle_repeat(self, start_range: int, end_range: int, value: Any) -> str:
        times = start_range + int(
            self._random.random() * (min(end_range, start_range + self.star_limit) - start_range + 1)
        )
        return "".join("".join(self._handle_state(i) for i in value) for _ in range(times))

    def sample(self, parsed: Any, rng: Random, star_limit: int) -> str:
        self._random, self.star_limit = rng, star_limit
        try:
            return "".join(self._handle_state(state) for state in parsed)
        finally:
            self._cache.clear()


_WIDE = 256  # a range wider than this contributes its printable ASCII part only


def _range_chars(low: int, high: int) -> list[str]:
    if high - low <= _WIDE:
        return [chr(c) for c in range(low, high + 1) if not 0xD800 <= c <= 0xDFFF]
    ascii_part = [chr(c) for c in range(max(low, 0x20), min(high, 0x7E) + 1)]
    return ascii_part or [chr(c) for c in range(low, low + _WIDE) if not 0xD800 <= c <= 0xDFFF]


def _class_candidates(alphabets: dict[str, str], value: Any) -> tuple[str, ...]:
    """The characters a character class may produce, in a fixed order (rstr's come from a set)."""
    chars: list[str] = []
    negated = False
    for opcode, argument in value:
        name = str(opcode).lower()
        if name == "negate":
            negated = True
        elif name == "literal":
            chars.append(chr(argument))
        elif name == "range":
            chars.extend(_range_chars(*argument))
        elif name == "category":
            chars.extend(alphabets.get(_CATEGORIES.get(str(argument).lower(), ""), ""))
    if negated:
        excluded = set(chars)
        chars = [c for c in _PRINTABLE if c not in excluded]
    return tuple(sorted(set(chars))) or ("x",)


_CATEGORIES = {
    "category_digit": "digits",
    "category_not_digit": "nondigits",
    "category_space": "whitespace",
    "category_not_space": "nonwhitespace",
    "category_word": "word",
    "category_not_word": "nonword",
}


class PatternSampler:
    """Compiles patterns once; ``sampler`` gives a string function honouring pattern(s) and lengths."""

    def __init__(self) -> None:
        self._xeger = _Xeger()
        self._parsed: dict[str, Any] = {}

    def _parse(self, python: str) -> Any:
        if python not in self._parsed:
            try:
                self._parsed[python] = _PARSE(python)
            except (re.error, RecursionError, OverflowError):
                self._parsed[python] = None
        return self._parsed[python]

    def sampler(self, patterns: list[str], lo: int, hi: int | None) -> StrFn | None:
        usable = [p for p in (translate(p) for p in patterns) if p is not None]
        parsed = self._parse(usable[0]) if usable else None
        if parsed is None:
            return None
        return self._drawer(parsed, [re.compile(p) for p in usable], lo, hi)

    def _drawer(self, parsed: Any, checks: list[re.Pattern[str]], lo: int, hi: int | None) -> StrFn:
        xeger = self._xeger
        limit0 = max(8, min(lo, 64)) if hi is None else max(1, min(hi, max(lo, 16)))

        def fits(text: str) -> bool:
            return lo <= len(text) <= (hi if hi is not None else len(text)) and all(
                c.search(text) for c in checks
            )

        def draw(rng: Random) -> str:
            limit, text = limit0, ""
            for _ in range(_ATTEMPTS):
                try:
                    text = xeger.sample(parsed, rng, limit)
                except (KeyError, IndexError, ValueError, RecursionError):
                    return text
                if fits(text):
                    return text
                repaired = _resize(text, lo, hi)
                if repaired != text and fits(repaired):
                    return repaired
                limit = min(limit * 2, 4096) if len(text) < lo else max(limit // 2, 0)
            return text

        return draw


def _resize(text: str, lo: int, hi: int | None) -> str:
    """Cut to ``hi`` or pad to ``lo`` by repeating the last character: right for ``[a-z]+``-like tails."""
    if hi is not None and len(text) > hi:
        return text[:hi]
    if text and len(text) < lo:
        return text + text[-1] * (lo - len(text))
    return text
