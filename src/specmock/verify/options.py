"""How a verification run is configured: target, credentials, bounds, checks."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from specmock.errors import ConfigError

PHASES = ("examples", "coverage", "fuzzing", "stateful")

# What the issue asks for: server errors, undocumented statuses, content types, response schemas and
# headers, rejection of schema-violating input, and the two resource-lifecycle checks of the stateful phase.
DEFAULT_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
)

# One environment variable per header: SPECMOCK_HEADER_X_API_KEY=k sends `X-API-Key: k`
# (underscores become dashes; HTTP header names are case-insensitive).
HEADER_ENV_PREFIX = "SPECMOCK_HEADER_"


def parse_header(raw: str) -> tuple[str, str]:
    """`Name: value` (as curl and schemathesis take it) → (name, value)."""
    name, sep, value = raw.partition(":")
    name = name.strip()
    if not sep or not name or any(c.isspace() for c in name):
        raise ConfigError(f"header {raw!r} is not of the form 'Name: value'")
    return name, value.strip()


def headers_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Headers given as SPECMOCK_HEADER_<NAME> environment variables, sorted by name."""
    environ = os.environ if environ is None else environ
    found = {}
    for key in sorted(environ):
        if key.upper().startswith(HEADER_ENV_PREFIX) and len(key) > len(HEADER_ENV_PREFIX):
            found[key[len(HEADER_ENV_PREFIX) :].replace("_", "-")] = environ[key]
    return found


def merge_headers(*layers: Mapping[str, str]) -> dict[str, str]:
    """Later layers win, compared case-insensitively (an `-H` option beats the environment)."""
    merged: dict[str, str] = {}
    for layer in layers:
        for name, value in layer.items():
            for existing in [k for k in merged if k.lower() == name.lower()]:
                del merged[existing]
            merged[name] = value
    return merged


def resolve_checks(extra: Iterable[str] = (), excluded: Iterable[str] = ()) -> tuple[str, ...]:
    extra, excluded = tuple(extra), set(excluded)
    return tuple(c for c in dict.fromkeys((*DEFAULT_CHECKS, *extra)) if c not in excluded)


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """Everything `specmock verify` needs; `spec` is a file path or an http(s) URL of the document."""

    spec: str | Path
    base_url: str | None = None  # used as it is: requests go to base_url + path
    origin: str | None = None  # scheme://host[:port]; the path of the spec's first server is appended
    headers: Mapping[str, str] = field(default_factory=dict)
    max_examples: int = 25
    seed: int = 0
    max_time: int | None = None  # seconds; no operation starts once it is spent
    phases: tuple[str, ...] = PHASES
    checks: tuple[str, ...] = DEFAULT_CHECKS
    workers: int = 1
    request_timeout: float = 10.0
    ref_roots: tuple[Path, ...] = ()  # folders besides the spec's own its $refs may read (Swagger 2.0)

    def __post_init__(self) -> None:
        if (self.base_url is None) == (self.origin is None):
            raise ConfigError("give exactly one of --url (the API's base URL) and --origin")
        unknown = [p for p in self.phases if p not in PHASES]
        if unknown or not self.phases:
            raise ConfigError(
                f"unknown phase {', '.join(unknown) or '(none)'}; choose from {', '.join(PHASES)}"
            )
        if self.max_examples < 1:
            raise ConfigError("--max-examples must be at least 1")
        if self.max_time is not None and self.max_time < 1:
            raise ConfigError("--max-time must be at least 1 second")
        if not self.checks:
            raise ConfigError("no checks left to run")
