"""``SharedJournal``: the request journal of every process serving a shared sandbox, in Redis.

Recording stays off the request's path: entries ride the round trips the process makes to the
write log anyway (``rounds.Rounds.post``: one round trip carries both, and when no request waits
the entries go alone at once); reading first waits until this process's entries are in Redis, so a
process always sees its own requests, and the others' once their rounds carried them (within
milliseconds). Bounded like the in-memory journal: the newest ``size`` entries are kept.
"""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

import orjson

from specmock.journal import Journal, Kept, as_dict, kept_entry
from specmock.messages.requests import MockRequest
from specmock.sharing.redis_client import JournalPlace, RedisStore
from specmock.sharing.rounds import Rounds
from specmock.sharing.unavailable import StoreUnavailable

log = logging.getLogger("specmock")


class SharedJournal(Journal):
    def __init__(self, store: RedisStore, rounds: Rounds, prefix: str, size: int = 1000) -> None:
        super().__init__(size)
        self.store = store
        self.rounds = rounds
        self.prefix = prefix
        self.size = size
        rounds.journal = JournalPlace(prefix, size)

    def add(
        self,
        request: MockRequest,
        status: int,
        operation: str,
        violations: tuple[str, ...],
        injected: dict[str, Any] | None = None,
    ) -> None:
        self.rounds.post(_encode(kept_entry(request, status, operation, violations, injected)))

    def again(self, kept: Kept) -> None:
        self.rounds.post(_encode((time.time(), *kept)))

    def entries(self, limit: int | None = None, after: int | None = None) -> list[dict[str, Any]]:
        self.flush()
        numbered = self.store.journal_read(self.prefix, self.size)
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
        if not self.rounds.flush():
            raise StoreUnavailable("the shared store (Redis) did not take the journal's entries")


def _encode(item: tuple[Any, ...]) -> bytes:
    """An entry as one JSON array (recorded on every request: no dict of named fields built for it)."""
    at, request, status, operation, violations, injected = item
    body = request.body
    kept = base64.b64encode(body).decode("ascii") if body else ""
    fields = (at, request.method, request.path, request.raw_query, request.headers, kept)
    return orjson.dumps((*fields, request.full_path, status, operation, violations, injected))


def _decode(raw: bytes) -> tuple[Any, ...]:
    at, method, path, query, headers, body, full_path, status, operation, violations, injected = orjson.loads(
        raw
    )
    request = MockRequest(method, path, query, headers, base64.b64decode(body), full_path)
    return (at, request, status, operation, tuple(violations), injected)
