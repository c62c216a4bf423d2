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
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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

    async def check(self) -> None:
        """Return once the records hold everything the log held when this was called (or raise
        ``StoreUnavailable``)."""
        loop = asyncio.get_running_loop()
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
        ticket = Ticket(entry, cut, ready=threading.Event())
        with self._lock:
            self._add(ticket)
        assert ticket.ready is not None
        if not ticket.ready.wait(WAIT_LIMIT):
            raise StoreUnavailable("the shared store (Redis) did not answer in time")
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
            if not self._busy:
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
                for ticket in round_.tickets:
                    _settle(ticket)

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
            tickets, posts = self._next()
            if tickets:
                self._fetched.append(self._round(tickets, posts))
            else:
                self._post_alone(posts)
            loops = {ticket.loop for ticket in tickets if ticket.loop is not None}
            for loop in loops:
                with contextlib.suppress(RuntimeError):  # a closed loop: nobody there waits any more
                    loop.call_soon_threadsafe(self.drain)
            for ticket in tickets:
                if ticket.loop is None and ticket.ready is not None:
                    ticket.ready.set()  # its caller applies the round itself

    def _next(self) -> tuple[list[Ticket], list[bytes]]:
        """The callers and posts of the next round, once there are (the thread idles meanwhile)."""
        while True:
            with self._lock:
                if self._pending or self._posts_due():
                    tickets, self._pending = self._pending, []
                    self._checks.clear()
                    if tickets:
                        self._busy = sum(len(ticket.futures) or 1 for ticket in tickets) > 1
                    posts = list(self._posts)
                    self._posts.clear()
                    self._posting = len(posts)
                    return tickets, posts
                self._idle = True
                wait = self._idle_wait()
            woken = self._wake.acquire(timeout=-1 if wait is None else wait)
            with self._lock:
                if not woken:
                    if not self._idle:  # released after the timeout: taken now, so it is held again
                        self._wake.acquire(blocking=False)
                    elif self._busy:  # GATHER passed without a request: posts go alone from now
                        self._busy = False
                self._idle = False

    def _posts_due(self) -> bool:
        """Whether posts wait and may go alone (the caller holds ``_lock``)."""
        if not self._posts or self._busy:
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
        try:
            batch = self.store.sync(self.prefix, self.epoch, self.position, appended, self.journal, posts)
        except Exception as error:  # StoreUnavailable, or a bug: the waiting callers are told
            if not isinstance(error, StoreUnavailable):
                log.exception("specmock: a round trip to the shared store failed")
            self._posted(posts, error)
            return Round(tickets, None, error)
        self._posted(posts, None)
        restart = not batch.follows(self.epoch, self.position)
        self.epoch, self.position = batch.epoch, batch.end
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
