"""Python value + media type → body bytes; a schema-typed value → header text."""

from __future__ import annotations

import functools
import json
from typing import Any

import orjson


@functools.lru_cache(maxsize=64)
def is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json") or media_type == "*/*"


@functools.lru_cache(maxsize=64)
def _encodes_as_json(media_type: str) -> bool:
    return is_json(media_type) or media_type.startswith("application/*")


def encode(value: Any, media_type: str | None) -> bytes:
    if media_type is None:
        return b""
    if _encodes_as_json(media_type):
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
