"""``Replica``: one process's copy of a served document's shared state, kept in step with the log.

Every process applies the log's entries in order to its own in-memory store, which is
deterministic (seeded random sources, the logged clock), so all copies hold the same records after
the same entries. Before a request runs it waits for a round trip that started after it arrived
(``caught_up``), so nothing is answered from an older state than the one the log had then; a write
appends itself and applies everything up to it. Requests waiting at the same time share one round
trip (``rounds.Rounds``), and while this replica holds a read lease reads need none (``leases``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from specmock.messages.responses import MockResponse
from specmock.sharing import deferral, entries, snapshot
from specmock.sharing.redis_client import Batch, RedisStore
from specmock.sharing.rounds import Round, Rounds
from specmock.sharing.unavailable import SnapshotUnreadable, StoreUnavailable
from specmock.state.store.storage import SnapshotError

if TYPE_CHECKING:
    from specmock.runtime import Api
    from specmock.sharing.sandbox import SharedSandbox

log = logging.getLogger("specmock")
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Compaction: once a round shows the log holding more than LOG_BOUND entries, the process that
# applied it puts a snapshot of its state in Redis and drops the entries before it, keeping the
# newest LOG_BOUND // KEEP_FRACTION of those (a process just behind catches up from them).
LOG_BOUND = 10_000
KEEP_FRACTION = 4
# A snapshot encodes every stored record, so a fixed bound would make each write pay for re-encoding
# the whole store once it is large (100,000 records: ~0.6 s of encoding every 7,500 writes). The
# bound grows with the state instead: past the last snapshot's record count times STATE_FACTOR, so
# compaction costs about STATE_FACTOR⁻¹ records encoded per write however large the store, and
# Redis holds the state about (1 + STATE_FACTOR) times over.
STATE_FACTOR = 1


class Replica:
    def __init__(self, api: Api, sandbox: SharedSandbox, store: RedisStore, prefix: str) -> None:
        self.api = api
        self.sandbox = sandbox
        self.store = store
        self.prefix = prefix
        self.epoch = ""  # none yet: this process holds the seeded state
        self.position = 0  # log entries applied
        self.rounds = Rounds(store, prefix, self._apply)
        self.broken: SnapshotUnreadable | None = None  # the snapshot to start from was unreadable
        self._compacting = False  # a snapshot on its way to Redis
        self._bound = LOG_BOUND  # the log's length that starts a compaction (see STATE_FACTOR)
        self._applier: int | None = None  # the thread applying the log, while it does

    async def caught_up(self) -> None:
        """Return once this copy holds everything the log held when this was called: at once
        while this replica holds a read lease (``leases``), else after a round trip."""
        if not self.rounds.leased(self.epoch, self.position):
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

    async def run_writing(self, answer: Callable[[], MockResponse]) -> MockResponse:
        """``answer()`` (a request that may write), its write logged in the next round trip with
        the others waiting then: the pipeline stops at the write and is resumed from its outcome
        (``deferral``). The event loop serves other requests meanwhile."""
        slot = deferral.Slot()
        token = deferral.CURRENT.set(slot)
        try:
            try:
                return answer()
            except deferral.WriteDeferred as deferred:
                entry, resume = deferred.entry, deferred.resume
            try:
                slot.outcome = await self.rounds.commit(entry)
            except Exception as error:  # the store is away (503), or applying it failed (500)
                slot.error = error
            slot.filled = True
            if resume is not None and slot.error is None:
                try:
                    return resume(slot.outcome)
                except Exception:  # a bug: the second run below answers it as the pipeline answers
                    pass  # its own failures (500, logged)
            return answer()  # a second run: the write hands back the outcome (or raises its error)
        finally:
            deferral.CURRENT.reset(token)

    def reset(self) -> None:
        """Every process back to the seeded state: an entry that cuts the log."""
        self.write(entries.RESET, cut=True)

    def write(self, entry: bytes, cut: bool = False) -> Any:
        """Append ``entry``, apply every entry up to it, and return what applying it gave (its
        exception, for a load that does not fit)."""
        return self.rounds.wait(entry, cut)

    def applying_here(self) -> bool:
        """Whether this thread is applying the log (what it changes then is not logged again)."""
        return self._applier == threading.get_ident()

    def _apply(self, round_: Round) -> None:
        self._applier = threading.get_ident()
        try:
            self._apply_round(round_)
        finally:
            self._applier = None

    def _apply_round(self, round_: Round) -> None:
        batch = round_.batch
        assert batch is not None
        if round_.restart:
            self._start_over(batch)
        elif self.broken is not None:  # rounds fetched before the restart this replica asked for
            self.rounds.forget()
            raise self.broken
        for raw in batch.entries:
            try:
                self._apply_one(entries.decode(raw))
            except Exception:  # the process that logged it answered 500 for the same bug
                log.exception("specmock: a shared log entry could not be applied")
        for ticket in round_.writes:
            assert ticket.entry is not None
            try:
                ticket.outcome = self._apply_one(entries.decode(ticket.entry))
            except Exception as error:  # answered 500, like the same bug in-memory
                ticket.error = error
        self.position = batch.end
        if batch.end - batch.base > max(LOG_BOUND, self._bound) and not any(
            ticket.cut for ticket in round_.tickets
        ):
            self._compact()

    def _start_over(self, batch: Batch) -> None:
        """The log does not continue this copy (a reset cut it, compaction trimmed it, or Redis lost
        it: a new epoch): take the snapshot it starts from, else the seeded state."""
        if batch.snapshot is not None:
            try:
                snapshot.restore(self.api, batch.snapshot)
            except SnapshotError as error:
                self.broken = SnapshotUnreadable(f"{self.prefix}:snapshot", str(error))
                self.rounds.forget()  # read it again next time: a compaction or a reset replaces it
                raise self.broken from None
        elif self.epoch or self.broken is not None:
            self.api.reset_here()
        self.broken = None
        self.epoch = batch.epoch

    def _compact(self) -> None:
        """Keep a snapshot of this copy in Redis in place of the log's head (encoded and sent by a
        thread: only the capture, a copy of the bucket maps, runs here)."""
        if self._compacting:
            return
        self._compacting = True
        encode = snapshot.capture(self.api)
        storage = self.sandbox.storage
        stored = sum(storage.total(name) for name in self.sandbox.engine.collections)
        self._bound = STATE_FACTOR * stored
        epoch, position = self.epoch, self.position
        thread = threading.Thread(
            target=self._send_snapshot, args=(encode, epoch, position), name="specmock-compact", daemon=True
        )
        thread.start()

    def _send_snapshot(self, encode: Callable[[], bytes], epoch: str, position: int) -> None:
        try:
            blob = encode()
            self.store.compact(self.prefix, epoch, position, LOG_BOUND // KEEP_FRACTION, blob)
        except StoreUnavailable as error:  # the next round past the bound tries again
            log.warning("specmock: the shared log could not be compacted: %s", error)
        except Exception:
            log.exception("specmock: the shared log could not be compacted")
        finally:
            self._compacting = False

    def _apply_one(self, entry: entries.Entry) -> Any:
        if isinstance(entry, entries.Handle):
            operation = self.api.operations[entry.operation]
            outcome = self.sandbox.handle_here(
                operation, entry.path_values, entry.query, entry.body, entry.origin, entry.at
            )
            if (  # what flow._stateful does in-memory: here as the entry is applied, so that the
                # state after each entry (a snapshot's) holds the tokens issued up to it
                outcome is not None
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
