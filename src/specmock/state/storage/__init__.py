"""Where the sandbox's records live: the ``Storage`` protocol and its backends (``memory``)."""

from specmock.state.storage.memory import MemoryStorage
from specmock.state.storage.protocol import ParentPath, Record, Seeding, Storage, StoredRecord, Taken

__all__ = ["MemoryStorage", "ParentPath", "Record", "Seeding", "Storage", "StoredRecord", "Taken"]
