"""A write answered on the event loop without blocking it: the pipeline stops at the write and is
resumed from its outcome.

The pipeline is synchronous, and a write must wait for the store. Rather than block the event loop
(no other request would join the round trip) or hand the request to a thread (each hand-over wakes
a thread: on a busy machine that costs more than the whole create), the request's pipeline runs
up to its write, which stops it (``WriteDeferred``, carrying the log entry); the entry is then
logged with the writes waiting at the same time and applied on the event loop; and the answer is
finished from what applying the entry gave: by the continuation the pipeline left on its way out
(``pipeline.suspension``), else by running the pipeline again, where the write hands back that
outcome (``Slot``). What runs before the write reads nothing shared but the credentials
(``Replica.reads_before_writing`` says when it does, and the request then catches up first), and a
second run does not decide them again: it takes the first run's verdicts
(``credentials.SharedCredentials``), so it reaches the same write even when a reset, or an issued
token evicted by newer ones, was applied in between.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import Any

from specmock.pipeline.suspension import Suspended


class WriteDeferred(Suspended):
    """The pipeline's first run stopped at its write."""

    def __init__(self, entry: bytes) -> None:
        super().__init__("a write deferred to the next round trip")
        self.entry = entry


@dataclass(slots=True)
class Slot:
    """What the request's write gave once logged and applied (or why it failed), and what the
    first run decided before it (for a second run)."""

    filled: bool = False
    verdicts: dict[str, bool] = field(default_factory=dict)  # credential → accepted, in the first run
    outcome: Any = None
    error: BaseException | None = None

    def take(self) -> Any:
        """The write's outcome for a second run of the pipeline (its error raised)."""
        if self.error is not None:
            raise self.error
        return self.outcome


# The slot of the request running on this task: set around its two runs (contextvars are per task).
CURRENT: contextvars.ContextVar[Slot | None] = contextvars.ContextVar("specmock_write_slot", default=None)
