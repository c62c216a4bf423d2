"""Api: one served document, compiled once at start-up and read by every request.

Per-operation work (casters, validators, security checks) is compiled on first use and cached, so a
600-operation document starts in well under a second and each operation pays its compile cost once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, Protocol
from urllib.parse import urlsplit

from specmock.config import MockConfig
from specmock.generation import Generator
from specmock.memo import Memo
from specmock.messages.requests import MockRequest
from specmock.messages.responses import MockResponse
from specmock.openapi.jsonschema import Direction, SchemaCompiler, violations
from specmock.openapi.loader import LoadedSpec
from specmock.openapi.model import (
    Operation,
    SecurityScheme,
    build_operations,
    build_security_schemes,
)
from specmock.pipeline.compile import CompiledOperation, compile_operation
from specmock.pipeline.security import Credentials
from specmock.pipeline.validate_request import Check
from specmock.state import Sandbox

log = logging.getLogger("specmock")


class SharedState(Protocol):
    """This process's copy of state shared with other processes (``sharing.Replica``)."""

    async def caught_up(self) -> None:
        """Catch up with what other processes changed (before a request runs)."""

    def may_write(self, key: str) -> bool:
        """Whether the operation may change shared records (then it is answered by ``run_writing``)."""

    def reads_before_writing(self, method: str) -> bool:
        """Whether such a request must catch up before it runs (else its write does)."""

    async def run_writing(self, answer: Callable[[], MockResponse]) -> MockResponse:
        """``answer()``, whose write waits for the shared store without blocking the event loop."""

    def reset(self) -> None:
        """Every process back to the seeded state."""


class Api:
    """Everything the pipeline needs to answer requests for one document."""

    def __init__(
        self,
        spec: LoadedSpec,
        config: MockConfig,
        *,
        name: str,
        base_path: str,
        sandbox_kind: type[Sandbox] = Sandbox,
        credentials_kind: type[Credentials] = Credentials,
    ) -> None:
        self.spec = spec
        self.sandbox_kind = sandbox_kind  # a subclass keeps the records in step with other processes
        self.config = config
        self.name = name
        self.base_path = base_path
        self.seed = config.seed
        self.document = spec.document
        self.operations: dict[str, Operation] = build_operations(self.document)
        self.schemes: dict[str, SecurityScheme] = build_security_schemes(self.document)
        self.compiler = SchemaCompiler(self.document, spec.version)
        self.generator = Generator(self.document, version=spec.version)
        # With --api-key: the keys and the tokens issued (a subclass on a shared store, see sharing/).
        self.credentials = credentials_kind(config.api_keys)
        self._compiled: dict[str, CompiledOperation] = {}
        self._checks: dict[tuple[int, str], Check] = {}
        self.responses: Memo = Memo(max_bytes=config.max_cache, weigh=answer_bytes)
        self.header_values: Memo = Memo()  # generated header values are pure
        self.after_reset: list[Callable[[], None]] = []  # e.g. reload fixtures instead of the seed
        self.shared: SharedState | None = None  # --store redis://: set once the app is attached

    @cached_property
    def sandbox(self) -> Sandbox:
        sandbox = self.sandbox_kind.build(
            self.document,
            self.operations,
            self.generator,
            seed=self.config.seed,
            records=self.config.records,
            max_records=self.config.max_records,
        )
        frozen = self.config.clock
        if frozen is not None:
            sandbox.now = lambda: frozen
        return sandbox

    def reset(self) -> None:
        """Back to the seeded state: stored records and the tokens issued so far (in every process
        sharing the store)."""
        if self.shared is not None:
            self.shared.reset()
        else:
            self.reset_here()

    def reset_here(self) -> None:
        """This process's records and issued tokens back to the seeded state."""
        self.sandbox.reset()
        self.credentials.forget_issued()
        self.responses.clear()
        self.header_values.clear()
        for hook in self.after_reset:
            hook()

    def compiled(self, key: str) -> CompiledOperation:
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = self._compile(self.operations[key])
        return found

    def _compile(self, operation: Operation) -> CompiledOperation:
        return compile_operation(
            operation,
            self.document,
            self.schemes,
            lambda schema: self.check(schema, "request"),
            accepts=self.credentials.accepts if self.config.api_keys else None,
            stateful=self.sandbox.handles(operation.key),
            strict_accept=self.config.strict_accept,
        )

    def variant_for(self, keys: tuple[str, ...], request: MockRequest) -> str:
        """Of operations answering the same method and URL, the first whose parameters and body the
        request satisfies (else the one it breaks least)."""
        best, fewest = keys[0], None
        for key in keys:
            compiled = self.compiled(key)
            found, _ = compiled.request.validate(request, compiled.path_values(request.path))
            if not found:
                return key
            if fewest is None or len(found) < fewest:
                best, fewest = key, len(found)
        return best

    def version(self) -> tuple[int, int]:
        """Changes whenever stored data or accepted credentials change: part of every cache key."""
        return self.sandbox.version, self.credentials.changes

    def version_counters(self) -> tuple[Any, Credentials, Any]:
        """What ``version()`` is made of, to compare in place of calling it: the storage (its
        ``version``), the credentials (their ``changes``), and the sandbox's engine when records
        expire (else None). While both counters hold and ``engine.now()`` is before the storage's
        ``next_expiry``, ``version()`` would return what it returned (asking it past that instant
        may expire records first)."""
        sandbox = self.sandbox
        return sandbox.storage, self.credentials, sandbox.engine if sandbox.expiring else None

    def check(self, schema: dict[str, Any], direction: Direction) -> Check:
        """A compiled validator for a schema: value → [(json path, message)], empty when valid."""
        cache_key = (id(schema), direction)
        found = self._checks.get(cache_key)
        if found is None:
            found = self._checks[cache_key] = _as_check(self.compiler.validator(schema, direction))
        return found


def answer_bytes(response: Any) -> int:
    """What a cached answer holds: its body and header text."""
    return len(response.body) + sum(len(name) + len(value) for name, value in response.headers)


def _as_check(validator: Any) -> Check:
    is_valid: Callable[[Any], bool] = validator.is_valid

    def check(value: Any) -> list[tuple[str, str]]:
        return [] if is_valid(value) else violations(validator, value)

    return check


def base_path_of(document: Mapping[str, Any]) -> str:
    """The path of the first server URL (``https://host/v2`` → ``/v2``), variables filled with defaults."""
    servers = document.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return ""
    server = servers[0]
    url = str(server.get("url", ""))
    for name, var in (server.get("variables") or {}).items():
        default = str((var or {}).get("default", ""))
        url = url.replace("{" + name + "}", default if "{" not in default else name)
    path = urlsplit(url).path if "://" in url else url
    path = re.sub(r"\{[^}]*\}", "", path)
    return "/" + path.strip("/") if path.strip("/") else ""
