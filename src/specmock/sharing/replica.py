"""``Replica``: one process's copy of a served document's shared state, kept in step with the log.

Every process applies the log's entries in order to its own in-memory store, which is
deterministic (seeded random sources, the logged clock), so all copies hold the same records after
the same entries. A write appends itself and applies everything up to it in one round trip; a
request that only reads catches up first (``sync``), so nothing is answered from an older state
than the one the log had when the request arrived.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from specmock.sharing import entries
from specmock.sharing.redis_client import Batch, RedisStore

if TYPE_CHECKING:
    from specmock.runtime import Api
    from specmock.sharing.sandbox import SharedSandbox

log = logging.getLogger("specmock")


class Replica:
    def __init__(self, api: Api, sandbox: SharedSandbox, store: RedisStore, prefix: str) -> None:
        self.api = api
        self.sandbox = sandbox
        self.store = store
        self.prefix = prefix
        self.epoch = ""  # none yet: this process holds the seeded state
        self.position = 0  # log entries applied
        self.lock = threading.RLock()

    def sync(self) -> None:
        """Apply what other processes logged since the last call (one round trip)."""
        with self.lock:
            self._apply(self.store.sync(self.prefix, self.epoch, self.position))

    def reset(self) -> None:
        """Every process back to the seeded state: an entry that cuts the log."""
        self.write(entries.RESET, cut=True)

    def write(self, entry: bytes, cut: bool = False) -> Any:
        """Append ``entry``, apply every entry up to it, and return what applying it gave (its
        exception, for a load that does not fit)."""
        with self.lock:
            return self._apply(self.store.sync(self.prefix, self.epoch, self.position, entry, cut), True)

    def _apply(self, batch: Batch, mine: bool = False) -> Any:
        if batch.epoch != self.epoch or not batch.base <= self.position <= batch.end:
            # The log was cut by a reset this process has not applied, or Redis lost it (a new
            # epoch): start over from the seeded state, then apply what the log holds.
            if self.epoch:
                self.api.reset_here()
            self.epoch = batch.epoch
        self.position = batch.end
        raws = batch.entries
        others = raws[:-1] if mine else raws
        for raw in others:
            try:
                self._apply_one(entries.decode(raw), False)
            except Exception:  # the process that logged it answered 500 for the same bug
                log.exception("specmock: a shared log entry could not be applied")
        return self._apply_one(entries.decode(raws[-1]), True) if mine else None

    def _apply_one(self, entry: entries.Entry, mine: bool) -> Any:
        if isinstance(entry, entries.Handle):
            operation = self.api.operations[entry.operation]
            outcome = self.sandbox.handle_here(
                operation, entry.path_values, entry.query, entry.body, entry.origin, entry.at
            )
            if (  # what the pipeline does with the answer of its own create (runtime.issue_credentials)
                not mine
                and outcome is not None
                and outcome.error is None
                and operation.method == "POST"
                and isinstance(outcome.body, dict)
            ):
                self.api.issue_credentials(outcome.body)
            return outcome
        if isinstance(entry, entries.Reset):
            self.api.reset_here()
            return None
        try:
            self.sandbox.load_here(entry.collection, entry.records)
        except ValueError as refused:  # every process refuses it alike; its author reports it
            return refused
        return None
