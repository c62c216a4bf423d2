"""A sandbox shared by several processes (``--store redis://host:port/db``): workers, replicas.

The shared state is an ordered log of writes in Redis, one per served document and key prefix
(``log.py``): every request that may change records appends itself (operation, path values,
query, body, the instant it was made) with one atomic Lua call, which also returns the entries
this process has not applied yet. Each process applies them in log order to its own in-memory
store (``sandbox.SharedSandbox``); the store is deterministic, so every process holds the same
records, ids, tombstones, create streams and issued credentials, and every request first catches
up (a round trip that started after it arrived, shared by the requests waiting then: ``rounds``),
so the response cache is never stale. ``reset`` is
an entry too (and cuts the log there), as is the admin API's PUT of a collection's records. The
request journal is a bounded Redis list (``journal.SharedJournal``).

The log is bounded by compaction (``replica.LOG_BOUND``, or the last snapshot's record count when
larger: ``replica.STATE_FACTOR``): when a round shows it longer, the process
that has just applied it up to position P puts a snapshot of its state at P in Redis (``snapshot``:
the storage's contents, the create streams, the issued tokens, in an explicit versioned format,
never pickle) and drops the entries before P but the newest few, in one Lua call that takes effect
only if the log did not move past it (same epoch, P still in the log and beyond the last snapshot).
A process that no longer follows the log (it starts late, restarts, or fell behind its start)
restores the snapshot and applies the entries after it; a reset drops the snapshot (the log then
starts from the seeded state again), and a Redis that lost its data starts everyone over from it.

Only ``redis_client.py`` imports redis.
"""

from specmock.sharing.unavailable import StoreUnavailable

__all__ = ["StoreUnavailable"]
