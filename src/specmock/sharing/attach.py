"""Connect a freshly built app to the shared store named by ``--store`` (nothing for ``memory``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from specmock.config import MockConfig
from specmock.errors import ConfigError
from specmock.journal import Journal
from specmock.runtime import Api
from specmock.sharing.address import parse_store
from specmock.sharing.journal import SharedJournal
from specmock.sharing.redis_client import RedisStore
from specmock.sharing.replica import Replica
from specmock.sharing.sandbox import SharedSandbox
from specmock.sharing.unavailable import SnapshotUnreadable
from specmock.version import __version__


class Served(Protocol):
    """What attaching touches of ``app.SpecmockApp``."""

    config: MockConfig
    journal: Journal

    @property
    def apis(self) -> list[Api]: ...


def attach(app: Served) -> None:
    """Make ``app``'s APIs and journal shared when ``--store`` names Redis; ``ConfigError`` when
    it does not answer. Each API catches up with the log before the app serves anything."""
    config = app.config
    address = parse_store(config.store)
    if address is None:
        return
    if config.watch:
        raise ConfigError("--watch reloads the documents of one process; it cannot be used with --store")
    store = RedisStore(address)
    prefix = "specmock:" + digest(app.apis, config)
    replicas = []
    for api in app.apis:
        sandbox = api.sandbox
        if not isinstance(sandbox, SharedSandbox):
            raise TypeError("an API built for a shared store has a SharedSandbox")
        replica = Replica(api, sandbox, store, f"{prefix}:{api.name}")
        replicas.append(replica)
        sandbox.replica = replica
        api.shared = replica
        try:
            replica.sync()
        except SnapshotUnreadable as unreadable:  # serving records the others do not hold is worse
            raise ConfigError(f"--store {address}: {unreadable}. This replica does not start.") from None
    # The journal's entries ride the first API's round trips (one thread, one round trip for both).
    app.journal = SharedJournal(store, replicas[0].rounds, prefix)


def digest(apis: Sequence[Api], config: MockConfig) -> str:
    """What determines the seeded records (the documents, seed, counts, clock, fixture files, the
    version of specmock): processes that agree on it share records, others never meet."""
    parts = hashlib.sha256()
    settings = [__version__, config.seed, config.records, config.max_records, config.clock]
    parts.update(json.dumps(settings).encode())
    for api in apis:
        parts.update(api.name.encode() + b"\0" + api.base_path.encode() + b"\0")
        parts.update(json.dumps(api.document, sort_keys=True, default=str).encode())
    if config.fixtures is not None:
        for path in sorted(Path(config.fixtures).rglob("*")):
            if path.is_file():
                parts.update(path.name.encode() + b"\0" + path.read_bytes())
    return parts.hexdigest()[:16]
