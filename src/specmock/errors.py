"""Start-up failures. Request-time findings are values (see ``diagnostics``), never exceptions.

SpecmockError
 ├── SpecError      a document that cannot be served: file, JSON pointer, reason
 └── ConfigError    command-line or configuration values that make no sense
"""

from __future__ import annotations

from dataclasses import dataclass


class SpecmockError(Exception):
    """Root of every error specmock raises on purpose."""


# Not frozen: contextlib and pytest assign __traceback__ to exceptions in flight.
@dataclass
class SpecError(SpecmockError):
    file: str
    pointer: str
    reason: str

    def __str__(self) -> str:
        where = self.pointer or "/"
        return f"{self.file}: cannot serve this document. At JSON pointer {where}: {self.reason}"


class ConfigError(SpecmockError):
    """A configuration value is invalid."""
