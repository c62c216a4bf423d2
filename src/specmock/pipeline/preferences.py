"""The ``Prefer`` header (Prism-compatible): ``code=404``, ``example=name``, ``dynamic=false``.

Also accepted as query parameters ``__code``, ``__example`` and ``__dynamic`` for clients that
cannot set headers (a browser address bar); those are removed before validation.
"""

from __future__ import annotations

from dataclasses import dataclass

from specmock.messages.requests import MockRequest
from specmock.text_numbers import ascii_int

QUERY_PREFIX = "__"


@dataclass(frozen=True, slots=True)
class Preferences:
    code: int | None = None
    example: str | None = None
    dynamic: bool = True


NONE = Preferences()


def parse_prefer(header: str) -> dict[str, str]:
    """``code=404, example="not found"; dynamic=false`` → {"code": "404", ...}."""
    out: dict[str, str] = {}
    for part in header.replace(";", ",").split(","):
        name, sep, value = part.partition("=")
        if sep:
            out[name.strip().lower()] = value.strip().strip('"')
    return out


def preferences_for(request: MockRequest) -> Preferences:
    if "prefer" not in request.headers and QUERY_PREFIX not in request.raw_query:
        return NONE  # the usual request
    raw = parse_prefer(request.headers["prefer"]) if "prefer" in request.headers else {}
    if QUERY_PREFIX in request.raw_query:
        for name in ("code", "example", "dynamic"):
            values = request.query.pop(QUERY_PREFIX + name, None)
            if values:
                raw[name] = values[-1]
    if not raw:
        return NONE
    code = ascii_int(raw["code"]) if len(raw.get("code", "")) == 3 else None  # ASCII digits only
    return Preferences(
        code=code if code is not None and 100 <= code <= 599 else None,
        example=raw.get("example") or None,
        dynamic=raw.get("dynamic", "true").lower() != "false",
    )
