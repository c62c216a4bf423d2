"""The write log's entries as bytes: a stateful request, a reset, a collection's records replaced.

Values are JSON; a request body that is not JSON (an octet stream) travels as base64. orjson writes
every double as the shortest text that reads back as the same double, so an entry reads back as it
was written, in one orjson call; integers beyond 64 bits, which orjson neither writes nor reads
exactly, make the standard library write the entry, marked (``EXACT``) so that it is read back by the
standard library too.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Handle:
    """A request the store answered (and may have changed records for)."""

    operation: str
    path_values: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    origin: str
    at: float  # the sandbox clock when it was made: created/updated stamps, expiry


@dataclass(frozen=True, slots=True)
class Reset:
    """Every record back to the seeded state, issued credentials forgotten."""


@dataclass(frozen=True, slots=True)
class Load:
    """A collection's records replaced (the admin API's PUT)."""

    collection: str
    records: list[Any]


Entry = Handle | Reset | Load
RESET = b'{"k":"r"}'
EXACT = b'{"n":1,'  # how an entry holding integers beyond 64 bits starts


def handle(
    operation: str,
    path_values: Mapping[str, str],
    query: Mapping[str, Sequence[str]],
    body: Any,
    origin: str,
    at: float,
) -> bytes:
    fields: dict[str, Any] = {"k": "h", "op": operation, "p": dict(path_values), "o": origin, "t": at}
    fields["q"] = {name: list(values) for name, values in query.items()}
    if isinstance(body, bytes | bytearray):
        fields["x"] = base64.b64encode(body).decode("ascii")
    else:
        fields["b"] = body
    return _dumps(fields)


def load(collection: str, records: list[Any]) -> bytes:
    return _dumps({"k": "l", "c": collection, "r": records})


def decode(raw: bytes) -> Entry:
    fields = json.loads(raw) if raw.startswith(EXACT) else orjson.loads(raw)
    kind = fields["k"]
    if kind == "r":
        return Reset()
    if kind == "l":
        return Load(fields["c"], fields["r"])
    body = base64.b64decode(fields["x"]) if "x" in fields else fields.get("b")
    return Handle(fields["op"], fields["p"], fields["q"], body, fields["o"], float(fields["t"]))


def _dumps(fields: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(fields)
    except TypeError:  # integers beyond 64 bits: the standard library writes them exactly
        marked = {"n": 1, **fields}
        return json.dumps(marked, separators=(",", ":"), ensure_ascii=False).encode()
