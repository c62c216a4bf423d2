"""What the proxy found wrong: each names the operation, the place and the rule it breaks.

``listPets response.body/0/id [schema]: "x" is not of type "integer"`` — the same text in the journal,
the ``Specmock-Violations`` header and the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from specmock.diagnostics import Diagnostic, Kind

UNROUTED = "-"  # the operation of a request no documented operation matches
REQUEST_RULES = {Kind.INVALID: "schema", Kind.MEDIA_TYPE: "content-type", Kind.SECURITY: "security"}
# Findings that say the answer is not a documented response at all (the fallback's test).
SHAPE_RULES = frozenset({"status", "content-type", "schema", "json"})


@dataclass(frozen=True, slots=True)
class Finding:
    operation: str  # the operation key, or UNROUTED
    place: str  # request.query.limit, response.status, response.body/data/0/id, upstream, …
    rule: str  # schema | content-type | security | status | header | json | undocumented | …
    message: str

    def describe(self) -> str:
        return f"{self.operation} {self.place} [{self.rule}]: {self.message}"


def request_findings(operation: str, diagnostics: Iterable[Diagnostic]) -> list[Finding]:
    found = []
    for diagnostic in diagnostics:
        where = diagnostic.where or ("security" if diagnostic.kind is Kind.SECURITY else "")
        place = f"request.{where}" if where else "request"
        found.append(
            Finding(operation, place, REQUEST_RULES.get(diagnostic.kind, "schema"), diagnostic.message)
        )
    return found


def describe_all(findings: Iterable[Finding]) -> tuple[str, ...]:
    return tuple(f.describe() for f in findings)
