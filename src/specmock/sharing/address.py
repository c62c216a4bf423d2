"""``--store``: where the sandbox's state lives. ``memory`` (the default: per process) or a Redis URL."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from specmock.errors import ConfigError

SCHEMES = ("redis", "valkey")
MEMORY = "memory"


@dataclass(frozen=True, slots=True)
class StoreAddress:
    host: str
    port: int
    db: int
    password: str | None = None

    def __str__(self) -> str:
        return f"redis://{self.host}:{self.port}/{self.db}"


def parse_store(text: str | None) -> StoreAddress | None:
    """None for the in-memory store; the Redis address of ``redis://HOST[:PORT][/DB]`` (or
    ``valkey://``, its protocol-compatible fork); ``ConfigError`` for anything else."""
    if text is None or text.strip() in ("", MEMORY):
        return None
    parts = urlsplit(text.strip())
    hint = "give memory or redis://HOST:PORT/DB (for example redis://127.0.0.1:6379/0)"
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ConfigError(f"--store {text!r}: not a store address; {hint}")
    try:
        port = parts.port or 6379
    except ValueError:
        raise ConfigError(f"--store {text!r}: the port is not a number; {hint}") from None
    db_text = parts.path.strip("/") or "0"
    if not db_text.isascii() or not db_text.isdigit():
        raise ConfigError(f"--store {text!r}: the database {db_text!r} is not a number; {hint}")
    return StoreAddress(parts.hostname, port, int(db_text), parts.password)
