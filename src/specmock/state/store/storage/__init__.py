"""Where the sandbox's records live: the ``Storage`` protocol and its backends (``memory``)."""

from specmock.state.inferred.resources import Record
from specmock.state.store.storage.memory import MemoryStorage
from specmock.state.store.storage.protocol import (
    ParentPath,
    Seeding,
    SnapshotError,
    Storage,
    Taken,
)
from specmock.state.store.storage.stored import StoredRecord

__all__ = [
    "MemoryStorage",
    "ParentPath",
    "Record",
    "Seeding",
    "SnapshotError",
    "Storage",
    "StoredRecord",
    "Taken",
]
