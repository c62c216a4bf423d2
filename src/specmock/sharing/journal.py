"""``SharedJournal``: the request journal of every process serving a shared sandbox, in Redis.

Recording stays off the request's path: entries are queued and a writer thread sends them in
batches (one round trip per batch); reading first waits for this process's queue to drain, so a
process always sees its own requests, and the others' once their writers sent them (within
milliseconds). Bounded like the in-memory journal: the newest ``size`` entries are kept.
"""

from __future__ import annotations

import base64
import collections
import logging
import threading
import time
from typing import Any

import orjson

from specmock.journal import Journal, as_dict, kept_entry
from specmock.messages.requests import MockRequest
from specmock.sharing.redis_client import CALL_TIMEOUT, RedisStore
from specmock.sharing.unavailable import StoreUnavailable

log = logging.getLogger("specmock")
RETRY_AFTER = 0.5  # seconds the writer waits before sending again when Redis does not answer


class SharedJournal(Journal):
    def __init__(self, store: RedisStore, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self.store = store
        self.prefix = prefix
        self.size = size
        self._queue: collections.deque[bytes] = collections.deque(maxlen=size)  # bounded while Redis is away
        self._sending = 0  # entries taken by the writer and not yet sent
        self._changed = threading.Condition()
        self._writer: threading.Thread | None = None

    def add(
        self,
        request: MockRequest,
        status: int,
        operation: str,
        violations: tuple[str, ...],
        injected: dict[str, Any] | None = None,
    ) -> None:
        raw = _encode(kept_entry(request, status, operation, violations, injected))
        with self._changed:
            self._queue.append(raw)
            if self._writer is None:
                self._writer = threading.Thread(target=self._send, name="specmock-journal", daemon=True)
                self._writer.start()
            self._changed.notify_all()

    def entries(self, limit: int | None = None, after: int | None = None) -> list[dict[str, Any]]:
        self.flush()
        numbered = []
        for raw in self.store.journal_read(self.prefix, self.size):
            number, _, encoded = raw.partition(b" ")
            numbered.append((int(number), encoded))
        if after is not None:
            numbered = [(n, e) for n, e in numbered if n > after]
        if limit is not None:
            numbered = numbered[-limit:] if limit > 0 else []
        return [as_dict(number, _decode(encoded)) for number, encoded in numbered]

    def clear(self) -> None:
        self.flush()
        self.store.journal_clear(self.prefix)

    def flush(self) -> None:
        """Wait (a bounded time) until this process's recorded entries are in Redis."""
        with self._changed:
            done = self._changed.wait_for(lambda: not self._queue and not self._sending, CALL_TIMEOUT)
        if not done:
            raise StoreUnavailable("the shared store (Redis) did not take the journal's entries")

    def _send(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._queue))
                batch = list(self._queue)
                self._queue.clear()
                self._sending = len(batch)
            try:
                self.store.journal_add(self.prefix, batch, self.size)
            except StoreUnavailable:
                with self._changed:  # kept for later (within the bound: the newest are dropped)
                    self._queue.extendleft(reversed(batch))
                    self._sending = 0
                time.sleep(RETRY_AFTER)
                continue
            except Exception:
                log.exception("specmock: journal entries could not be sent to the shared store")
            with self._changed:
                self._sending = 0
                self._changed.notify_all()


def _encode(item: tuple[Any, ...]) -> bytes:
    at, request, status, operation, violations, injected = item
    fields = {
        "at": at,
        "m": request.method,
        "p": request.path,
        "q": request.raw_query,
        "h": request.headers,
        "b": base64.b64encode(request.body).decode("ascii"),
        "f": request.full_path,
        "s": status,
        "o": operation,
        "v": list(violations),
        "i": injected,
    }
    return orjson.dumps(fields)


def _decode(raw: bytes) -> tuple[Any, ...]:
    fields = orjson.loads(raw)
    request = MockRequest(
        fields["m"], fields["p"], fields["q"], fields["h"], base64.b64decode(fields["b"]), fields["f"]
    )
    return (fields["at"], request, fields["s"], fields["o"], tuple(fields["v"]), fields["i"])
