"""``Replica``: one process's copy of a served document's shared state, kept in step with the log.

Every process applies the log's entries in order to its own in-memory store, which is
deterministic (seeded random sources, the logged clock), so all copies hold the same records after
the same entries. Before a request runs it waits for a round trip that started after it arrived
(``caught_up``), so nothing is answered from an older state than the one the log had then; a write
appends itself and applies everything up to it. Requests waiting at the same time share one round
trip (``rounds.Rounds``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from specmock.sharing import deferral, entries
from specmock.sharing.redis_client import RedisStore
from specmock.sharing.rounds import Round, Rounds

if TYPE_CHECKING:
    from specmock.runtime import Api
    from specmock.sharing.sandbox import SharedSandbox

log = logging.getLogger("specmock")
T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD"})


class Replica:
    def __init__(self, api: Api, sandbox: SharedSandbox, store: RedisStore, prefix: str) -> None:
        self.api = api
        self.sandbox = sandbox
        self.store = store
        self.prefix = prefix
        self.epoch = ""  # none yet: this process holds the seeded state
        self.position = 0  # log entries applied
        self.rounds = Rounds(store, prefix, self._apply)

    async def caught_up(self) -> None:
        """Return once this copy holds everything the log held when this was called."""
        await self.rounds.check()

    def sync(self) -> None:
        """Blocking ``caught_up`` (start-up, the admin API)."""
        self.rounds.wait()

    def may_write(self, key: str) -> bool:
        """Whether the operation may append to the log (then it is answered by ``run_writing``)."""
        return self.sandbox.may_write(key)

    def reads_before_writing(self, method: str) -> bool:
        """Whether a request that may write depends on shared state before its write, so it must
        catch up first: a GET or HEAD (its answer may be the cached one), or any request when only
        configured keys and the tokens the sandbox issued (on any replica) are accepted. Else what
        runs before the write (request checks, preferences) reads nothing shared, and the write
        itself applies every entry logged before it."""
        return method in SAFE_METHODS or bool(self.api.config.api_keys)

    async def run_writing(self, answer: Callable[[], T]) -> T:
        """``answer()`` (a request that may write), its write logged in the next round trip with
        the others waiting then: a first run stops at the write, a second one takes its outcome
        (``deferral``). The event loop serves other requests meanwhile."""
        slot = deferral.Slot()
        token = deferral.CURRENT.set(slot)
        try:
            try:
                return answer()
            except deferral.WriteDeferred as deferred:
                entry = deferred.entry
            try:
                slot.outcome = await self.rounds.commit(entry)
            except Exception as error:  # the store is away (503), or applying it failed (500)
                slot.error = error
            slot.filled = True
            return answer()
        finally:
            deferral.CURRENT.reset(token)

    def reset(self) -> None:
        """Every process back to the seeded state: an entry that cuts the log."""
        self.write(entries.RESET, cut=True)

    def write(self, entry: bytes, cut: bool = False) -> Any:
        """Append ``entry``, apply every entry up to it, and return what applying it gave (its
        exception, for a load that does not fit)."""
        return self.rounds.wait(entry, cut)

    def _apply(self, round_: Round) -> None:
        batch = round_.batch
        assert batch is not None
        if round_.restart:
            # The log was cut by a reset this process has not applied, or Redis lost it (a new
            # epoch): start over from the seeded state, then apply what the log holds.
            if self.epoch:
                self.api.reset_here()
            self.epoch = batch.epoch
        for raw in batch.entries:
            try:
                self._apply_one(entries.decode(raw), False)
            except Exception:  # the process that logged it answered 500 for the same bug
                log.exception("specmock: a shared log entry could not be applied")
        for ticket in round_.writes:
            assert ticket.entry is not None
            try:
                ticket.outcome = self._apply_one(entries.decode(ticket.entry), True)
            except Exception as error:  # answered 500, like the same bug in-memory
                ticket.error = error
        self.position = batch.end

    def _apply_one(self, entry: entries.Entry, mine: bool) -> Any:
        if isinstance(entry, entries.Handle):
            operation = self.api.operations[entry.operation]
            outcome = self.sandbox.handle_here(
                operation, entry.path_values, entry.query, entry.body, entry.origin, entry.at
            )
            if (  # what the pipeline does with the answer of its own create (flow._stateful)
                not mine
                and outcome is not None
                and outcome.error is None
                and operation.method == "POST"
                and isinstance(outcome.body, dict)
            ):
                self.api.credentials.issue_from(outcome.body)
            return outcome
        if isinstance(entry, entries.Reset):
            self.api.reset_here()
            return None
        try:
            self.sandbox.load_here(entry.collection, entry.records)
        except ValueError as refused:  # every process refuses it alike; its author reports it
            return refused
        return None
