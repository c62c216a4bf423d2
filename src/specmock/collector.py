"""The garbage collector's policy in a serving process (``specmock serve`` and each worker of
``--workers N``; ``specmock proxy`` only settles its start-up): full passes must not grow with the
store.

Every object the cyclic collector tracks that outlives its request is scanned by the young passes
and then by every full (generation 2) pass, which stops every request in flight: a store whose
records were such objects made each full pass grow with it (the create's p99 tail: 125 ms at 300,000
records in-process; ``bench/gc_pauses.py`` and BENCHMARKS.md). Stored records are plain ``bytes``
now (``state/store/storage/stored.py``), which the collector never tracks; what still survives the
young generations here is the loaded documents, compiled checks, caches and the journal's entries:
freed by reference counting when they are dropped (cache entries evicted, entries pushed out),
never by the cycle collector (the full and middle passes of a create load collected nothing). So
once the young generations have been collected, their survivors are frozen (``gc.freeze``): moved
out of the generations the collector scans, and the full pass stays as short as the young ones.
Cyclic garbage is still collected while it is young, which is where request handling makes it
(exceptions, futures). The cost: a cycle that outlives a middle collection and is dropped later is
never reclaimed; none was found under load (``bench/gc_pauses.py`` counts what each pass collects),
and the 10-minute RSS run in BENCHMARKS.md stays flat.

Not with ``--watch``: a reload drops a whole mounted API, whose objects do hold cycles; a frozen one
would never be reclaimed. Never in-process (tests, the pytest plugin): the host process's objects
are not ours to freeze.
"""

from __future__ import annotations

import gc
from typing import Any


def settle_start_up() -> None:
    """The objects built at start-up live as long as the process: collect once, then freeze them."""
    gc.collect()
    gc.freeze()


def keep_long_lived_out() -> None:
    """From now on, freeze what survives each collection of the middle generation."""
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


def serving(reloads: bool) -> None:
    """The policy of a serving process, once its app is built."""
    settle_start_up()
    if not reloads:
        keep_long_lived_out()


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    # After a collection of generation 1 or 2 its survivors sit in generation 2: freeze them (a
    # constant-time list splice). Called with the collection finished, so nothing is being scanned.
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()
