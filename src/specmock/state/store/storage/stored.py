"""``StoredRecord``: one record as the store keeps it, a plain ``bytes`` value.

A record is kept as compact JSON and decoded afresh on every read, so no reader can change the store
by accident; it is never changed after it is made (a write stores a new one). Its two facts besides
the JSON ride in front of it: a flags byte (``seeded``: made by seeding, which a fixture export
takes alone; whether an expiry instant follows; whether the JSON is the standard library's), then,
when it expires, the instant as an 8-byte double (POSIX seconds).

Why bytes and not an object with three slots: an exact ``bytes`` is invisible to the cycle
collector. Every object the collector tracks that outlives its request counts towards the young
generation's threshold and is scanned by the middle pass before ``collector`` freezes it: with a
tracked object per stored record, each create triggered a share of a young pass (~250 µs every ~700
creates) and of a middle pass (1.4 ms every ~7,000), the pauses that stop every request in flight.
It also costs ~50 bytes less a record (no object header, no collector header, no slots).

orjson writes the JSON; a record orjson refuses (an integer beyond 64 bits) is written by the
standard library, whose ``json.loads`` gives back exactly what its ``json.dumps`` was given.
"""

from __future__ import annotations

import json
import struct
from typing import NewType

import orjson

from specmock.state.inferred.resources import Record

StoredRecord = NewType("StoredRecord", bytes)

SEEDED = 1
EXPIRES = 2
STANDARD_JSON = 4
_INSTANT = struct.Struct("<d")
_PLAIN_START = 1  # the JSON's first byte: after the flags byte …
_EXPIRING_START = 1 + _INSTANT.size  # … and the expiry instant, when there is one
_FLAG_BYTES = tuple(bytes((flags,)) for flags in range(8))


def stored_record(record: Record, seeded: bool = False, expires_at: float | None = None) -> StoredRecord:
    """``record`` as the store keeps it."""
    flags = SEEDED if seeded else 0
    try:
        data = orjson.dumps(record)
    except TypeError:
        data = json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")
        flags |= STANDARD_JSON
    if expires_at is None:
        return StoredRecord(_FLAG_BYTES[flags] + data)
    return StoredRecord(_FLAG_BYTES[flags | EXPIRES] + _INSTANT.pack(expires_at) + data)


def _start(stored: bytes) -> int:
    return _EXPIRING_START if stored[0] & EXPIRES else _PLAIN_START


def record_of(stored: StoredRecord) -> Record:
    """The whole stored record (writeOnly and hidden fields included), a fresh dict every time."""
    flags = stored[0]
    json_bytes = memoryview(stored)[_EXPIRING_START if flags & EXPIRES else _PLAIN_START :]
    if flags & STANDARD_JSON:
        decoded: Record = json.loads(bytes(json_bytes).decode("utf-8", "surrogatepass"))
        return decoded
    return orjson.loads(json_bytes)  # type: ignore[no-any-return]


def is_seeded(stored: StoredRecord) -> bool:
    """Made by seeding (a fixture export takes only these)."""
    return bool(stored[0] & SEEDED)


def expiry_of(stored: StoredRecord) -> float | None:
    """The instant (POSIX seconds) the record starts reading as gone; None: never."""
    if stored[0] & EXPIRES:
        at: float = _INSTANT.unpack_from(stored, 1)[0]
        return at
    return None


def has_expired(stored: StoredRecord, now: float) -> bool:
    return bool(stored[0] & EXPIRES) and _INSTANT.unpack_from(stored, 1)[0] <= now


def may_hold(stored: StoredRecord, pattern: bytes | None) -> bool:
    """False only when the record certainly lacks the ``"field":value`` bytes of ``pattern``."""
    return pattern is None or bool(stored[0] & STANDARD_JSON) or stored.find(pattern, _start(stored)) != -1


def json_text(stored: StoredRecord) -> tuple[str, bool]:
    """The record's JSON as text, and whether the standard library wrote it (a snapshot says so)."""
    return stored[_start(stored) :].decode("utf-8", "surrogatepass"), bool(stored[0] & STANDARD_JSON)
