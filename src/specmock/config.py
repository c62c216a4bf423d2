"""MockConfig: every knob of a running sandbox, as one frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class MockConfig:
    specs: tuple[Path, ...] = ()
    host: str = "127.0.0.1"
    port: int = 4010
    seed: int = 0
    records: int = 20  # seeded entities per inferred collection
    base_path: str | None = None  # only with a single spec
    cors: bool = True
    validate_responses: bool = True
    api_keys: tuple[str, ...] = ()  # when set, only these credentials (and issued tokens) pass
    quiet: bool = False
    workers: int = 1
    fixtures: Path | None = None
    clock: float | None = None  # the sandbox clock frozen at this instant (POSIX seconds); None: wall clock
    extra: dict[str, Any] = field(default_factory=dict)

    def merge(self, **changes: Any) -> MockConfig:
        """A copy with the given values; ``None`` means "keep what is there"."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
