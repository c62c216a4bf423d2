"""``Rounds``: one process's round trips to the write log, each shared by every request waiting then.

A request may not be answered from a state older than the one the log had when it arrived, so it
waits for a round trip that *starts* after its arrival. Requests that arrive while one is in flight
wait for the next one together: a round carries every write waiting (appended in one atomic call,
in their order, a group commit) and tells every reader waiting where the log ends. The round trips
are made by one thread per replica; the entries a round brings are applied in order, on the event
loop of the requests that waited for it (``loop.call_soon_threadsafe``), so the records only change
between two requests' steps there; a caller with no event loop (start-up, a blocking admin call)
applies them itself. Linearizable: a write is applied where the log placed it, and a reader sees at
least everything logged before it arrived.

The request journal's entries ride the same round trips (``post``): a round carries those
recorded since the previous one, and when no request waits the thread sends them alone (at once,
or within ``GATHER`` under load), so a process sees its own requests (``flush``) and the others see
them within milliseconds. One thread, one round trip for both.

A write waits on the event loop (``commit``) although the pipeline that makes it is synchronous:
see ``deferral``.

Read leases (``leases``) spare reads the round trip while nothing changes: while this replica holds
one, ``leased`` says so and the read is answered at once. Every round asks for one while reads
arrive, and the thread polls (a round every ``leases.POLL``) while it holds one or while callers
wait for the other replicas' leases to ack their position: a round whose state is not cleared yet
(``Batch.settled``) is applied, but its callers are parked until a later round clears it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from specmock.sharing import leases
from specmock.sharing.leases import Lease
from specmock.sharing.redis_client import CALL_TIMEOUT, Batch, JournalPlace, RedisStore
from specmock.sharing.unavailable import StoreUnavailable

log = logging.getLogger("specmock")
WAIT_LIMIT = 4 * CALL_TIMEOUT  # seconds a blocked caller waits for its round before answering 503
POSTS_BOUND = 1000  # journal entries held while Redis is away (the newest are dropped beyond)
# While requests come together (the last round served several), the journal's entries wait up to
# GATHER seconds for the next round instead of a round trip of their own: under load one comes
# sooner, and the others see them that much later at most. A lone request's go at once.
GATHER = 0.001
RETRY_AFTER = 0.5  # seconds before journal entries go alone again after Redis did not take them


@dataclass(eq=False, slots=True)
class Ticket:
    """Callers waiting for a round: a write (``entry``) or a check (none). A blocked caller waits
    on ``ready``; callers on an event loop await a future each (one ticket carries every check of
    a loop waiting for the same round)."""

    entry: bytes | None = None
    cut: bool = False  # a reset: the log is cut before it
    loop: asyncio.AbstractEventLoop | None = None  # where its round is applied (None: by its caller)
    futures: list[asyncio.Future[Any]] = field(default_factory=list)  # its callers on ``loop``
    ready: threading.Event | None = None  # a blocked caller's
    outcome: Any = None  # what applying its entry gave
    error: BaseException | None = None
    settled: bool = False  # its callers were let go
    epoch: str = ""  # while parked: the state its callers wait to have cleared (``leases``)
    needed: int = 0


@dataclass(frozen=True, slots=True)
class Round:
    """One round trip made: the tickets it served, and what the log held (or the store's failure)."""

    tickets: list[Ticket]
    batch: Batch | None
    error: Exception | None = None
    restart: bool = False  # the entries do not continue the previous round's: start from seeded

    @property
    def writes(self) -> list[Ticket]:
        return [ticket for ticket in self.tickets if ticket.entry is not None]


class Rounds:
    """The round trips of one replica; ``apply`` takes a fetched round's entries into the records
    (and sets its write tickets' outcomes), always in log order, one round at a time."""

    def __init__(self, store: RedisStore, prefix: str, apply: Callable[[Round], None]) -> None:
        self.store = store
        self.prefix = prefix
        self.apply = apply
        self.epoch = ""  # of the last round fetched
        self.position = 0  # the log position after the last round fetched
        self.journal: JournalPlace | None = None  # where ``post``ed entries go
        self._lock = threading.Lock()  # guards what follows up to ``_fetched``
        self._pending: list[Ticket] = []
        self._checks: dict[asyncio.AbstractEventLoop, Ticket] = {}  # each loop's in ``_pending``
        self._posts: collections.deque[bytes] = collections.deque(maxlen=POSTS_BOUND)
        self._posting = 0  # posts in the round in flight
        self._posts_retry = 0.0  # monotonic time before which posts do not go alone (Redis away)
        # The idle thread waits on ``_wake``, a lock released to wake it (cheaper than a Condition's
        # notify on every round): held whenever ``_idle`` is set, released once by whoever clears it.
        self._idle = False
        self._wake = threading.Lock()
        self._wake.acquire()
        self._busy = False  # the last round served several callers: posts wait for the next one
        self._sent = threading.Condition(self._lock)  # a round carrying posts ended
        self._fetched: collections.deque[Round] = collections.deque()
        self._applying = threading.RLock()
        self._thread: threading.Thread | None = None
        self._forgotten = False  # the next round starts over (``forget``)
        self.replica = os.urandom(8).hex().encode()  # this replica's id in the leases hash
        self.lease: Lease | None = None  # set by the thread only
        self.last_read = float("-inf")  # monotonic time of the latest read (``leased``, ``check``)
        self._loop: asyncio.AbstractEventLoop | None = None  # the latest reader's: applies polls
        self._parked: list[Ticket] = []  # applied, waiting for a round that clears their state
        # The thread's own: whether Redis holds a lease of this replica, the position its waiting
        # callers need cleared (0: none) and those callers, when the next poll may go.
        self._holding = False
        self._awaiting = 0
        self._awaiting_epoch = ""
        self._unsettled: list[Ticket] = []
        self._next_poll = 0.0
        self._polling = False  # the thread polls: posts ride its next round (guarded by ``_lock``)

    def leased(self, epoch: str, position: int) -> bool:
        """Whether records at ``position`` of ``epoch`` may answer a read now with no round trip
        (this replica holds a lease at that state). Counts as a read either way."""
        now = self.last_read = time.monotonic()
        lease = self.lease
        return lease is not None and lease.covers(epoch, position, now)

    async def check(self) -> None:
        """Return once the records hold everything the log held when this was called (or raise
        ``StoreUnavailable``)."""
        loop = self._loop = asyncio.get_running_loop()
        self.last_read = time.monotonic()
        future: asyncio.Future[None] = loop.create_future()
        with self._lock:
            ticket = self._checks.get(loop)
            if ticket is None:
                ticket = self._checks[loop] = Ticket(loop=loop)
                self._add(ticket)
            ticket.futures.append(future)
        await future

    async def commit(self, entry: bytes) -> Any:
        """Append ``entry`` after everything logged so far (with the other writes waiting then), and
        return what applying it gave once the records hold everything up to it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        with self._lock:
            self._add(Ticket(entry, loop=loop, futures=[future]))
        return await future

    def wait(self, entry: bytes | None = None, cut: bool = False) -> Any:
        """Blocking ``check`` (no ``entry``) or ``commit``; applies the round itself."""
        ready = threading.Event()
        ticket = Ticket(entry, cut, ready=ready)
        with self._lock:
            self._add(ticket)
        deadline = time.monotonic() + WAIT_LIMIT
        while not ticket.settled:  # set when its round was fetched, and again when it may be answered
            if not ready.wait(max(0.0, deadline - time.monotonic())):
                raise StoreUnavailable("the shared store (Redis) did not answer in time")
            ready.clear()
            self.drain()
        if ticket.error is not None:
            raise ticket.error
        return ticket.outcome

    def post(self, raw: bytes) -> None:
        """``raw`` into the journal (``self.journal``) with the next round trip: at once when no
        request waits, unless requests came together lately (``_busy``: then the next round, or
        alone once ``GATHER`` passed without one)."""
        with self._lock:
            self._posts.append(raw)
            if not self._busy and not self._polling:
                self._start()

    def flush(self, timeout: float = CALL_TIMEOUT) -> bool:
        """Wait until every entry posted so far is in Redis; False when it took longer."""
        with self._lock:
            if self._posts:
                self._busy = False
                self._start()
            return self._sent.wait_for(lambda: not self._posts and not self._posting, timeout)

    def forget(self) -> None:
        """Make the next round fetched start over (``Round.restart``): applying a round failed so
        that the records no longer follow the log."""
        with self._lock:
            self._forgotten = True

    @property
    def waiting(self) -> int:
        """How many callers wait for the next round trip (not the one in flight)."""
        with self._lock:
            return len(self._pending)

    def drain(self) -> None:
        """Apply every round fetched so far, in order, and let its callers go on."""
        with self._applying:
            while self._fetched:
                round_ = self._fetched.popleft()
                if round_.error is None:
                    try:
                        self.apply(round_)
                    except StoreUnavailable as error:  # said once, without a traceback
                        log.error("specmock: %s", error)
                        for ticket in round_.tickets:
                            ticket.error = ticket.error or error
                    except Exception as error:  # a bug: every caller of the round is answered 500
                        log.exception("specmock: a round of the shared log could not be applied")
                        for ticket in round_.tickets:
                            ticket.error = ticket.error or error
                else:
                    for ticket in round_.tickets:
                        ticket.error = round_.error
                batch = round_.batch
                for ticket in round_.tickets:
                    if ticket.error is None and batch is not None and not batch.settled:
                        ticket.epoch, ticket.needed = batch.epoch, batch.end
                        self._parked.append(ticket)
                    else:
                        _settle(ticket)
                if self._parked:
                    self._release(round_)

    def _release(self, round_: Round) -> None:
        """Let the parked callers whose state ``round_`` cleared go on (those of an epoch Redis
        lost, or all of them when the store failed, with an error)."""
        batch = round_.batch
        kept = []
        for ticket in self._parked:
            if batch is None:
                ticket.error = ticket.error or round_.error
            elif ticket.epoch != batch.epoch:
                ticket.error = StoreUnavailable("the shared store (Redis) lost the log this was written to")
            elif ticket.needed > batch.cleared:
                kept.append(ticket)
                continue
            _settle(ticket)
        self._parked = kept

    def _add(self, ticket: Ticket) -> None:
        """``ticket`` into the next round (the caller holds ``_lock``)."""
        self._pending.append(ticket)
        self._start()

    def _start(self) -> None:
        """Have the thread make a round trip (the caller holds ``_lock``)."""
        if self._idle:
            self._idle = False
            self._wake.release()
        elif self._thread is None:
            self._thread = threading.Thread(target=self._run, name="specmock-rounds", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            tickets, posts, to_log = self._next()
            if not to_log:
                self._post_alone(posts)
                continue
            awaited = self._awaiting > 0
            round_ = self._round(tickets, posts)
            if not (tickets or awaited or round_.batch is None or round_.batch.entries or round_.restart):
                continue  # a poll that found nothing new: nothing to apply, nobody to tell
            self._fetched.append(round_)
            self._notify(tickets + self._settling(round_))

    def _settling(self, round_: Round) -> list[Ticket]:
        """The callers of earlier rounds that ``round_`` lets go (their state is cleared now, or
        the store failed); the round's own callers are remembered when it does not clear their
        state: the thread polls until a round does."""
        batch = round_.batch
        done: list[Ticket] = []
        if self._awaiting and (
            batch is None or batch.epoch != self._awaiting_epoch or batch.cleared >= self._awaiting
        ):
            done, self._unsettled, self._awaiting = self._unsettled, [], 0
        if batch is not None and round_.tickets and not batch.settled:
            self._unsettled += round_.tickets
            self._awaiting, self._awaiting_epoch = max(self._awaiting, batch.end), batch.epoch
        return done

    def _notify(self, tickets: list[Ticket]) -> None:
        """Have the fetched rounds applied for ``tickets`` (for the latest reader's event loop when
        none: a poll's entries, so that a lease can serve again)."""
        loops = {ticket.loop for ticket in tickets if ticket.loop is not None}
        if not tickets and self._loop is not None:
            loops.add(self._loop)
        for loop in loops:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody there waits any more
                loop.call_soon_threadsafe(self.drain)
        for ticket in tickets:
            if ticket.loop is None and ticket.ready is not None:
                ticket.ready.set()  # its caller applies the round itself

    def _next(self) -> tuple[list[Ticket], list[bytes], bool]:
        """The callers and posts of the next round, and whether it goes to the log (else the posts
        go alone), once there are (the thread idles meanwhile)."""
        while True:
            with self._lock:
                poll_in = self._poll_in(time.monotonic())
                self._polling = poll_in is not None
                if self._pending or self._posts_due() or (poll_in is not None and poll_in <= 0):
                    tickets, self._pending = self._pending, []
                    self._checks.clear()
                    if tickets:
                        self._busy = sum(len(ticket.futures) or 1 for ticket in tickets) > 1
                    posts = list(self._posts)
                    self._posts.clear()
                    self._posting = len(posts)
                    return tickets, posts, bool(tickets) or self._polling
                self._idle = True
                wait = self._idle_wait() if poll_in is None else poll_in  # (posts ride the poll)
            woken = self._wake.acquire(timeout=-1 if wait is None else wait)
            with self._lock:
                if not woken:
                    if not self._idle:  # released after the timeout: taken now, so it is held again
                        self._wake.acquire(blocking=False)
                    elif self._busy:  # GATHER passed without a request: posts go alone from now
                        self._busy = False
                self._idle = False

    def _poll_in(self, now: float) -> float | None:
        """Seconds until the next poll (``<= 0``: due), None when the thread need not poll: it
        polls while it holds a lease or reads arrive, and while callers wait for the others'
        acks; a lease it no longer wants is given up at once."""
        if not (self._holding or self._awaiting or now - self.last_read < leases.IDLE):
            return None
        return self._next_poll - now

    def _posts_due(self) -> bool:
        """Whether posts wait and may go alone (the caller holds ``_lock``)."""
        if not self._posts or self._busy or self._polling:
            return False
        return not self._posts_retry or time.monotonic() >= self._posts_retry

    def _idle_wait(self) -> float | None:
        """How long the idle thread waits for a caller: ``GATHER`` while busy, until posts kept
        back after a failure may go again, else until woken."""
        if self._busy:
            return GATHER
        if not self._posts:
            return None
        return max(0.0, self._posts_retry - time.monotonic())

    def _round(self, tickets: list[Ticket], posts: list[bytes]) -> Round:
        appended = [(ticket.entry, ticket.cut) for ticket in tickets if ticket.entry is not None]
        with self._lock:
            if self._forgotten:
                self._forgotten = False
                self.epoch = ""
        sent = time.monotonic()
        wants = sent - self.last_read < leases.IDLE
        if not wants:
            self.lease = None  # ended here before Redis hears it is given up
        try:
            batch = self.store.sync(
                self.prefix,
                self.epoch,
                self.position,
                appended,
                self.journal,
                posts,
                self.replica,
                wants,
                create=bool(tickets),
            )
        except Exception as error:  # StoreUnavailable, or a bug: the waiting callers are told
            if not isinstance(error, StoreUnavailable):
                log.exception("specmock: a round trip to the shared store failed")
            self.lease = None
            self._holding = False  # Redis drops it once it expires
            self._next_poll = time.monotonic() + RETRY_AFTER
            self._posted(posts, error)
            return Round(tickets, None, error)
        self._posted(posts, None)
        if not batch.epoch:  # a poll found no log: Redis lost it (the next caller's round makes one)
            self.lease = None
            self._holding = False
            return Round(tickets, None, StoreUnavailable("the shared store (Redis) lost its log"))
        restart = not batch.follows(self.epoch, self.position)
        self.epoch, self.position = batch.epoch, batch.end
        # Replaced before the next round acks the new position: a lease at an older one ends here.
        self.lease = leases.granted(batch.epoch, batch.end, sent) if batch.leased else None
        self._holding = batch.leased or (wants and self._holding)
        # Entries that others wrote: they wait for this replica's ack, which the next round carries.
        self._next_poll = time.monotonic() + (0.0 if batch.entries and wants else leases.POLL)
        if not batch.settled or self._awaiting:  # this replica's callers wait for the others' acks
            self._next_poll = min(self._next_poll, time.monotonic() + leases.AWAIT_POLL)
        return Round(tickets, batch, restart=restart)

    def _post_alone(self, posts: list[bytes]) -> None:
        """A round trip for journal entries only (no request waits)."""
        assert self.journal is not None
        try:
            self.store.journal_add(self.journal, posts)
        except Exception as error:
            if not isinstance(error, StoreUnavailable):
                log.exception("specmock: journal entries could not be sent to the shared store")
            self._posted(posts, error)
            return
        self._posted(posts, None)

    def _posted(self, posts: list[bytes], error: Exception | None) -> None:
        """The round that carried ``posts`` ended: when Redis did not take them they are kept for
        later (within the bound: the newest are dropped), and go alone again after a pause."""
        if not posts and error is None and not self._posts_retry:
            return  # a round of requests alone, Redis answering as before: the common case
        with self._lock:
            if isinstance(error, StoreUnavailable):
                self._posts.extendleft(reversed(posts))
                self._posts_retry = time.monotonic() + RETRY_AFTER
            else:
                self._posts_retry = 0.0
            self._posting = 0
            self._sent.notify_all()


def _settle(ticket: Ticket) -> None:
    """Let the ticket's callers go on (on their own event loop when they await)."""
    ticket.settled = True
    if ticket.ready is not None:
        ticket.ready.set()
    if not ticket.futures:
        return
    loop = ticket.loop
    assert loop is not None
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        _resolve(ticket)
        return
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody there waits any more
        loop.call_soon_threadsafe(_resolve, ticket)


def _resolve(ticket: Ticket) -> None:
    error = ticket.error
    for future in ticket.futures:
        if future.done():  # cancelled meanwhile (the client went away)
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(ticket.outcome)
