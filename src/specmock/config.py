"""MockConfig: every knob of a running sandbox, as one frozen value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True, slots=True)
class MockConfig:
    specs: tuple[Path, ...] = ()
    host: str = "127.0.0.1"
    port: int = 4010
    seed: int = 0
    records: int = 20  # seeded entities per inferred collection
    base_path: str | None = None  # only with a single spec
    cors: bool = True
    cors_origins: tuple[str, ...] = ()  # empty: any origin may read the mocked API (credentials too)
    allowed_hosts: tuple[str, ...] = ()  # Host names the admin API answers beside loopback and IPs
    validate_responses: bool = True
    api_keys: tuple[str, ...] = ()  # when set, only these credentials (and issued tokens) pass
    strict_accept: bool = False  # 406 for an unacceptable Accept even where the operation documents no 406
    quiet: bool = False
    workers: int = 1
    fixtures: Path | None = None
    # The frontend developer's loop (specmock.devloop): hot reload, injected latency and faults.
    watch: bool = False  # reload the documents (and their $ref'd files) when they change on disk
    latency: str | None = None  # "200ms" or "50ms..400ms": every answer waits that long (seeded)
    chaos: float = 0.0  # this share of requests answers a documented 5xx (or a 503 problem)
    max_delay: float = 60.0  # seconds: the bound of any injected delay and of fault=timeout
    clock: float | None = None  # the sandbox clock frozen at this instant (POSIX seconds); None: wall clock
    # Where the state lives: None (in this process) or redis://HOST:PORT/DB, shared by every process
    # pointed at it (specmock.sharing).
    store: str | None = None
    ref_roots: tuple[Path, ...] = ()  # folders besides each spec's own that its $refs may read
    # Limits (README "Limits and safety"): what one client can make the server hold.
    max_body: int = 8 * MIB  # request body bytes; more is answered 413 without being read
    max_records: int = 10_000  # stored records per collection; a create beyond is refused
    max_cache: int = 64 * MIB  # bytes of cached answers per API
    backlog: int = 2048  # connections the kernel queues before they are accepted
    max_connections: int = 4096  # connections served at once, per worker process
    idle_timeout: float = 15.0  # seconds a keep-alive connection may wait for its next request
    extra: dict[str, Any] = field(default_factory=dict)

    def merge(self, **changes: Any) -> MockConfig:
        """A copy with the given values; ``None`` means "keep what is there"."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


SIZE = re.compile(r"\s*([0-9]+)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)\s*", re.IGNORECASE)
UNITS = {"": 1, "b": 1, "k": KIB, "kb": 1000, "kib": KIB, "m": MIB, "mb": 1000**2, "mib": MIB}
UNITS |= {"g": 1024 * MIB, "gb": 1000**3, "gib": 1024 * MIB}


def parse_size(text: str) -> int:
    """``8MiB``, ``512k``, ``1000000`` → bytes; ``ValueError`` for anything else."""
    match = SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a size (examples: 1048576, 512KiB, 8MiB, 1GB)")
    return int(match.group(1)) * UNITS[match.group(2).lower()]
