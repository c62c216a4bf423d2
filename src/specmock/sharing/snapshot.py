"""A served document's deterministic state as bytes: what compaction keeps in place of the log's head.

Everything applying log entries changes: the storage's contents (``Storage.snapshot``), the create
streams (``Engine.stream_states``) and the tokens the API issued (``Credentials``). Response caches
and versions are this process's own and are not in it (a restore moves the versions forward). The
format is explicit and versioned, never pickle (whoever can write to Redis must not be able to run
code in every replica):

    specmock-snapshot 1 <sha256 of the rest, hex>\\n
    {"streams": [...], "issued": [token, ...]}\\n
    <the storage's snapshot>

The checksum catches a garbled or truncated blob before anything is read from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import orjson

from specmock.state.store.engine import streams_from
from specmock.state.store.storage import SnapshotError

if TYPE_CHECKING:
    from specmock.runtime import Api

MAGIC = b"specmock-snapshot"
VERSION = b"1"


def capture(api: Api) -> Callable[[], bytes]:
    """The API's state now, as a function that encodes it (call this between two requests; the
    encoding may run later, on another thread)."""
    sandbox = api.sandbox
    with sandbox.engine.lock:
        storage = sandbox.storage.snapshot()
        streams = sandbox.engine.stream_states()
        issued = list(api.credentials.issued)

    def encode() -> bytes:
        body = orjson.dumps({"streams": streams, "issued": issued}) + b"\n" + storage()
        return b"%s %s %s\n" % (MAGIC, VERSION, hashlib.sha256(body).hexdigest().encode()) + body

    return encode


def restore(api: Api, blob: bytes) -> None:
    """Make the API hold what ``blob`` says; ``SnapshotError`` (nothing changed) when it is unreadable."""
    first, _, body = blob.partition(b"\n")
    parts = first.split(b" ")
    if len(parts) != 3 or parts[0] != MAGIC:
        raise SnapshotError("not a specmock snapshot")
    if parts[1] != VERSION:
        raise SnapshotError(
            f"format version {parts[1].decode(errors='replace')}; this specmock reads {VERSION.decode()}"
        )
    if hashlib.sha256(body).hexdigest().encode() != parts[2]:
        raise SnapshotError("its checksum does not match its contents (garbled or truncated)")
    head, _, storage = body.partition(b"\n")
    try:
        state = orjson.loads(head)
    except orjson.JSONDecodeError as error:
        raise SnapshotError(f"its engine state is not JSON ({error})") from None
    if not isinstance(state, dict):
        raise SnapshotError("its engine state is not a JSON object")
    streams = streams_from(state.get("streams"))
    issued = state.get("issued")
    if not isinstance(issued, list) or not all(isinstance(token, str) for token in issued):
        raise SnapshotError("its issued tokens are not a list of strings")
    sandbox = api.sandbox
    with sandbox.engine.lock:
        sandbox.storage.restore(storage)  # raises before changing anything
        sandbox.engine.streams = streams
        api.credentials.restore_issued(issued)
    api.responses.clear()
