"""Seeded random sources that are stable on every machine and every Python process."""

from __future__ import annotations

import hashlib
import random

_PERSON = b"specmock-gen"


def _token(part: str | int) -> str:
    # Type-tagged ("1" and 1 differ) and length-prefixed (parts never run together).
    if isinstance(part, str):
        text = str.__str__(part)
        return f"s{len(text)}:{text}"
    if isinstance(part, int) and not isinstance(part, bool):
        return f"i{int.__repr__(part)};"
    raise TypeError(f"seed parts must be str or int, not {type(part).__name__}")


def rng_for(seed: int, *parts: str | int) -> random.Random:
    """A ``random.Random`` seeded from ``hashlib.blake2b`` over the seed and the parts (never ``hash()``)."""
    # Exact str and int take the inline path (this runs once per generated value); anything else
    # goes through _token, which normalises subclasses and refuses other types.
    material = "".join(
        [
            f"s{len(p)}:{p}" if type(p) is str else f"i{p};" if type(p) is int else _token(p)
            for p in (seed, *parts)
        ]
    )
    digest = hashlib.blake2b(
        material.encode("utf-8", "surrogatepass"), digest_size=16, person=_PERSON
    ).digest()
    return random.Random(int.from_bytes(digest, "big"))
