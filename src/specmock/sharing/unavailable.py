"""The shared store cannot be reached while serving: the request is answered 503."""


class StoreUnavailable(Exception):
    """Redis did not answer (connection refused, lost, timed out); the next request tries again."""


class SnapshotUnreadable(StoreUnavailable):
    """The snapshot a replica must start from cannot be read (garbled, truncated, another format):
    rather than serve records the other replicas do not hold, it answers 503 until the snapshot is
    replaced (a reset, or the next compaction by a replica that holds the state)."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(
            f"the shared snapshot at Redis key {key} cannot be read ({reason}); it is replaced by the "
            "next compaction of a replica that holds the state, or a reset (POST /__specmock/reset)"
        )
        self.key = key
