"""The in-memory store's snapshot format: JSON, versioned, read back with every shape checked.

    {"format": "specmock-memory", "version": 1, "creates": 12,
     "collections": [[name, loaded, [[path, next_number, [tombstone keys, oldest first],
                                      [[key, record JSON text, seeded, expires_at], ...]], ...]], ...]}

Collections, buckets and records keep their order (it is the listing order). A record travels as its
stored JSON text (a string: cheaper to write than the record as JSON values); a record orjson
cannot encode (integers beyond 64 bits) is written by the standard library and marked with a fifth
item, ``1``, and read back by the standard library too (``json.loads`` inverts ``json.dumps``
exactly: ``0.0`` stays a double, where ``json_exact`` reads client JSON as JSON Schema does and
makes it 0). Every record is decoded on the way back in (and encoded again,
so the stored bytes are the canonical ones unique-field scans rely on).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from specmock.state.store.storage.protocol import ParentPath, SnapshotError
from specmock.state.store.storage.stored import StoredRecord, expiry_of, is_seeded, json_text, stored_record

FORMAT = "specmock-memory"
VERSION = 1
CHUNK = 500  # records per orjson call while encoding (~1 ms of work between two pauses)


@dataclass(slots=True)
class BucketState:
    next_number: int
    deleted: list[str]
    records: dict[str, StoredRecord]


@dataclass(slots=True)
class CollectionState:
    loaded: bool
    buckets: dict[ParentPath, BucketState]


def encode(
    creates: int,
    collections: Iterable[tuple[str, CollectionState]],
    pause: Callable[[], None] = lambda: None,
) -> bytes:
    """The snapshot's bytes. Records are encoded ``CHUNK`` at a time and the pieces joined, calling
    ``pause`` after each, so an encoding thread never holds the GIL for long (one orjson call for
    100k records held it ~90 ms, stalling the event loop as long)."""
    out = [b'{"format":"%s","version":%d,"creates":%d,"collections":[' % (FORMAT.encode(), VERSION, creates)]
    for n, (name, state) in enumerate(collections):
        out.append(b"%s[%s,%s,[" % (b"," if n else b"", orjson.dumps(name), orjson.dumps(state.loaded)))
        for m, (path, bucket) in enumerate(state.buckets.items()):
            head = orjson.dumps([list(path), bucket.next_number, bucket.deleted])[:-1]
            rows = b",".join(_chunks(bucket.records, pause))
            out.append(b"%s%s,[%s]]" % (b"," if m else b"", head, rows))
        out.append(b"]]")
    out.append(b"]}")
    return b"".join(out)


def _chunks(records: dict[str, StoredRecord], pause: Callable[[], None]) -> Iterator[bytes]:
    rows = _records(records)
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield orjson.dumps(chunk)[1:-1]
        pause()


def _records(records: dict[str, StoredRecord]) -> Iterator[list[Any]]:
    for key, stored in records.items():
        text, standard_json = json_text(stored)
        if standard_json:
            yield [key, text, is_seeded(stored), expiry_of(stored), 1]
        else:
            yield [key, text, is_seeded(stored), expiry_of(stored)]


def decode(snapshot: bytes) -> tuple[int, dict[str, CollectionState]]:
    """The create count and the collections a snapshot holds; ``SnapshotError`` says what is wrong."""
    try:
        value = orjson.loads(snapshot)
    except orjson.JSONDecodeError as error:
        raise SnapshotError(f"not JSON ({error})") from None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise SnapshotError(f"not a {FORMAT} snapshot")
    if value.get("version") != VERSION:
        raise SnapshotError(f"format version {value.get('version')!r}; this specmock reads version {VERSION}")
    creates = value.get("creates")
    listed = value.get("collections")
    if not isinstance(creates, int) or not _natural(creates) or not isinstance(listed, list):
        raise SnapshotError("no create count or collection list")
    collections: dict[str, CollectionState] = {}
    for item in listed:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)):
            raise SnapshotError("a collection is not [name, loaded, buckets]")
        name, loaded, buckets = item
        if not isinstance(loaded, bool) or not isinstance(buckets, list) or name in collections:
            raise SnapshotError(f"collection {name!r}: malformed or listed twice")
        collections[name] = CollectionState(loaded, dict(_buckets(name, buckets)))
    return creates, collections


def _buckets(name: str, buckets: list[Any]) -> Iterator[tuple[ParentPath, BucketState]]:
    seen: set[ParentPath] = set()
    for item in buckets:
        if not (isinstance(item, list) and len(item) == 4):
            raise SnapshotError(
                f"collection {name!r}: a bucket is not [path, next number, tombstones, records]"
            )
        path, number, deleted, records = item
        if not (_strings(path) and _natural(number) and _strings(deleted) and isinstance(records, list)):
            raise SnapshotError(f"collection {name!r}: a malformed bucket")
        parent = tuple(path)
        if parent in seen:
            raise SnapshotError(f"collection {name!r}: bucket {path!r} listed twice")
        seen.add(parent)
        yield parent, BucketState(number, list(dict.fromkeys(deleted)), _stored(name, records))


def _stored(name: str, records: list[Any]) -> dict[str, StoredRecord]:
    out: dict[str, StoredRecord] = {}
    for item in records:
        if not (isinstance(item, list) and len(item) in (4, 5)):
            raise SnapshotError(f"collection {name!r}: a record is not [key, JSON, seeded, expires_at]")
        key, text, seeded, expires_at = item[:4]
        if not (
            isinstance(key, str)
            and isinstance(text, str)
            and isinstance(seeded, bool)
            and (
                expires_at is None
                or (isinstance(expires_at, int | float) and not isinstance(expires_at, bool))
            )
            and key not in out
        ):
            raise SnapshotError(f"collection {name!r}: a malformed or repeated record")
        raw = text.encode()
        try:
            record = json.loads(raw) if len(item) == 5 else orjson.loads(raw)
        except ValueError as error:
            raise SnapshotError(f"collection {name!r}, record {key!r}: not JSON ({error})") from None
        if not isinstance(record, dict):
            raise SnapshotError(f"collection {name!r}, record {key!r}: not a JSON object")
        at = float(expires_at) if expires_at is not None else None
        out[key] = stored_record(record, seeded, at)  # encoded again: the canonical bytes scans rely on
    return out


def _natural(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
