"""Read leases: a replica that holds one answers reads from its own records with no round trip.

Without a lease a request waits for a round trip that starts after it arrived (``rounds``), so it
sees everything logged before it. A lease replaces that round trip while nothing changes: Redis
grants it, and every writer waits for the holders before answering.

The protocol (the SYNC script in ``redis_client`` does the Redis side of each step atomically):

- Positions. Every replica's records follow the log; ``position`` is how many entries it applied.
  Positions only grow within an epoch (a reset or a compaction cuts entries, never positions).
- Granting. A replica that had reads in the last ``IDLE`` seconds asks for a lease in each of its
  round trips. Redis grants it, at the log's end, only when every live lease of another replica
  has acked that end (the *cleared* position is the end), and records ``expiry = Redis now + LEASE``
  for it, its ack staying the position the replica sent (until the reply arrives it still serves
  that state). Locally the lease is valid until the monotonic time the round was *sent* plus
  ``LEASE - MARGIN``, and only while the replica's applied position and epoch are the lease's: so
  it ends here before Redis counts it as ended (the margin covers the two clocks' rates), and a
  lease granted before its round's entries were applied is only used once they are.
- Acking. Every round trip carries the position the replica fetched so far; Redis records it as the
  ack of that replica's lease. The ack is a promise: nothing older is answered any more. It holds
  because a round that fetches new entries replaces (or ends) the local lease at once, before the
  next round is sent, and every answer without a lease waits until all fetched entries are applied.
- Clearing. Every round trip returns the cleared position: the lowest ack among the other replicas'
  live leases, or the log's end. No replica answers from a state at position ``p`` (a write it just
  logged, or a read that caught up to ``p``) before a round showed ``cleared >= p``; until then its
  callers wait (``rounds`` parks them) and it polls every ``AWAIT_POLL`` seconds. A lease holder
  polls every ``POLL``, and at once after a round that brought entries (the writers wait for the
  ack the next round carries), so its ack follows within about two round trips and a poll; a
  holder that stopped answering (a paused or dead process) delays the others' answers by at most
  ``LEASE``, when Redis stops counting its lease. (A step forward of Redis's wall clock by more
  than ``MARGIN`` would end leases in Redis before their holders end them: not guarded.)
- Dropping. After ``IDLE`` seconds without a read the replica ends its lease locally and then gives
  it up in its next round trip; from then on an idle replica makes no round trips at all.

Why this keeps the log's order for every client (linearizable): a state ``p`` becomes visible at
the instant ``cleared >= p`` first holds in Redis (ties in the order of the positions). Nobody answers
from ``p`` before that instant, as said above. Nobody answers from a state older than ``p`` after
it: a lease at ``q < p`` either acked a position ``>= p`` (and the promise above holds) or expired by
Redis time, after its holder's local end; a new lease is only granted at the end of the log, at
least ``p``; a read without a lease waits for a round trip that started after it arrived, which
returns the end of the log. So a read that follows a write's answer, on any replica, sees that
write, and two reads never see the states in two orders.

Losing Redis's data (a restart without persistence) loses the leases too: the new epoch made for a
replica that still had the old one holds a lease acked at 0 for ``LEASE``, so no write is answered
until every lease granted before the loss has ended. A new epoch made for a fresh process (one with
no epoch yet) has no such wait; a lease holder that stays paused across the restart and that fresh
process's first write is the one case left unguarded (the data itself was lost then anyway).
"""

from __future__ import annotations

from dataclasses import dataclass

LEASE = 1.0  # seconds a lease lasts in Redis from its round; the longest a stopped holder delays others
MARGIN = 0.1  # seconds the local lease ends before Redis counts it as ended
POLL = 0.001  # seconds between round trips while holding a lease
AWAIT_POLL = 0.00025  # seconds between round trips while callers wait for the others' acks
IDLE = 1.0  # seconds without a read after which a replica gives its lease up


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease granted to this replica: valid while its records are at ``position`` of ``epoch``,
    until ``until`` (monotonic)."""

    epoch: str
    position: int
    until: float

    def covers(self, epoch: str, position: int, now: float) -> bool:
        return now < self.until and position == self.position and epoch == self.epoch


def granted(epoch: str, position: int, sent: float) -> Lease:
    """The local lease of a round sent at ``sent`` (monotonic) that got one at ``position``."""
    return Lease(epoch, position, sent + LEASE - MARGIN)
