"""Python value + media type → bytes, and the response header list."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

import orjson

NO_CONTENT_STATUSES = frozenset({204, 205, 304})
PROBLEM_JSON = "application/problem+json"


@dataclass(slots=True)
class MockResponse:
    status: int
    body: bytes = b""
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    violations: tuple[str, ...] = ()  # the engine's own findings, sent in `Specmock-Violations`
    _raw: list[tuple[bytes, bytes]] | None = field(default=None, repr=False, compare=False)

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The header list for ASGI (a fresh list: the caller may append); encoded once per response,
        which matters for the answers served again from the response cache."""
        if self._raw is None:
            self._raw = self._encode_headers()
        return list(self._raw)

    def _encode_headers(self) -> list[tuple[bytes, bytes]]:
        out = [(header_name(k), header_bytes(v)) for k, v in self.headers.items()]
        if self.media_type and self.status not in NO_CONTENT_STATUSES:
            out.append((b"content-type", content_type(self.media_type)))
        out.append((b"content-length", str(len(self.body)).encode()))
        return out


@functools.lru_cache(maxsize=64)
def content_type(media_type: str) -> bytes:
    """The Content-Type value for a media type: text gets its charset."""
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    return (media_type + charset).encode("latin-1")


_NAMES: dict[str, bytes] = {}
NAMES_LIMIT = 1024


def header_name(name: str) -> bytes:
    """The lower-case wire form of a header name; names come from the spec, so they are remembered."""
    found = _NAMES.get(name)
    if found is None:
        found = name.lower().encode("latin-1")
        if len(_NAMES) < NAMES_LIMIT:
            _NAMES[name] = found
    return found


def header_bytes(value: str) -> bytes:
    """A header value HTTP/1.1 can carry: printable ASCII, everything else backslash-escaped."""
    if value.isascii() and value.isprintable():
        return value.encode("ascii")
    escaped = (c if " " <= c <= "~" else c.encode("unicode_escape").decode("ascii") for c in value)
    return "".join(escaped).encode("ascii")


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json") or media_type == "*/*"


def encode(value: Any, media_type: str | None) -> bytes:
    if media_type is None:
        return b""
    if is_json(media_type) or media_type.startswith("application/*"):
        return dumps_json(value)
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return dumps_json(value)


def dumps_json(value: Any) -> bytes:
    try:
        return orjson.dumps(value)
    except TypeError:
        # orjson stops at 64-bit integers; an id taken from the URL (`/users/1e30`-like digits) may not.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def header_value(value: Any) -> str:
    """A header value from a schema-typed value (simple style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(header_value(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k},{header_value(v)}" for k, v in value.items())
    return "" if value is None else str(value)
