"""What a verification run found, as plain values: the report and the JUnit writer read only these."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    """How one operation fared in one phase (not the store's `state.Outcome`, an answer)."""

    PASSED = "passed"
    FAILED = "failed"
    ERRORED = "errored"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct failed check on one operation; identical failures are counted, not repeated."""

    operation: str  # "GET /authentications"
    phase: str  # examples | coverage | fuzzing | stateful
    check: str  # "status_code_conformance"
    title: str  # "Undocumented status code"
    message: str
    curl: str  # the shortest request that reproduced it (credentials masked)
    status: int | None  # the response status, when there was a response
    body: str = ""  # the start of the response body
    # What makes two failures of one check the same finding (schemathesis's own notion: the status for
    # an undocumented status, the schema path for a schema violation, …).
    identity: str = ""
    sends_credentials: bool = True  # the request carried every header given with -H (or the environment)
    occurrences: int = 1

    @property
    def reproduction_rank(self) -> tuple[int, int]:
        """Lower is better: the request that sent the given headers (credentials), then the shortest."""
        return (0 if self.sends_credentials else 1, len(self.curl) if self.curl else 10**6)

    @property
    def headline(self) -> str:
        """The first line of the message: what distinguishes two failures of the same check."""
        return next((line.strip() for line in self.message.splitlines() if line.strip()), "")


@dataclass(frozen=True, slots=True)
class RunError:
    """Something that kept an operation (or the run) from being tested: not a failed check, still fatal."""

    operation: str | None
    phase: str | None
    title: str
    message: str
    curl: str = ""  # the request that met the error, when there was one
    occurrences: int = 1


@dataclass(slots=True)
class OperationResult:
    """One operation in one phase: a JUnit test case."""

    operation: str
    phase: str
    verdict: Verdict = Verdict.SKIPPED
    elapsed: float = 0.0
    requests: int = 0
    skip_reason: str | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)


@dataclass(slots=True)
class VerifyReport:
    spec: str
    base_url: str
    seed: int
    max_examples: int
    phases: tuple[str, ...]
    checks: tuple[str, ...]
    max_time: int | None = None
    results: list[OperationResult] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)  # not tied to an operation
    elapsed: float = 0.0
    stop_reason: str = "completed"
    untested: list[str] = field(default_factory=list)  # operations no phase reached (time budget spent)

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.results for finding in result.findings]

    @property
    def all_errors(self) -> list[RunError]:
        return [*self.errors, *(error for result in self.results for error in result.errors)]

    @property
    def operations(self) -> list[str]:
        return list(dict.fromkeys(result.operation for result in self.results))

    @property
    def requests(self) -> int:
        return sum(result.requests for result in self.results)

    @property
    def tested(self) -> bool:
        """At least one request got a response."""
        return self.requests > 0

    @property
    def ok(self) -> bool:
        """Passed: something was tested, no check failed, nothing errored, the run was not cut off."""
        cut_off = self.stop_reason in ("interrupted", "server_unavailable")
        return self.tested and not self.findings and not self.all_errors and not cut_off
