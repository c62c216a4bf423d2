"""Spot a resource that an earlier request of the same scenario renamed.

schemathesis's `ensure_resource_availability` reports a 404 for a resource the scenario created, unless
a successful DELETE (or another unsafe call on the very same URI) removed it first. An API whose
identifier is a writable field — authentik's tokens are addressed by their `identifier` — lets a PUT
or PATCH move the resource to a new URI; the old URI then answers 404 just as the real API does. That
is not a lost resource, and reporting it would be a false positive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

RENAMING_METHODS = frozenset({"PUT", "PATCH"})


@dataclass(frozen=True)
class Sent:
    """One request of a scenario, as far as renaming is concerned."""

    method: str
    path: str  # the operation's path template, e.g. /core/tokens/{identifier}/
    path_parameters: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    status: int | None = None  # None: no response (a network error)


def renamed_before(history: Iterable[Sent], failing: Sent) -> bool:
    """Whether a successful PUT/PATCH earlier in `history` gave `failing`'s resource a new identifier.

    The earlier request must address the failing URI or one above it (same path parameter values) and
    its JSON body must set one of those path parameters' fields to another value than the URI's.
    """
    for sent in history:
        if sent.method.upper() not in RENAMING_METHODS or not _succeeded(sent.status):
            continue
        if not _addresses_same_or_parent(sent, failing) or not isinstance(sent.body, Mapping):
            continue
        for name, value in sent.path_parameters.items():
            if name in sent.body and str(sent.body[name]) != str(value):
                return True
    return False


def _succeeded(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


def _addresses_same_or_parent(earlier: Sent, failing: Sent) -> bool:
    parent = earlier.path.rstrip("/")
    child = failing.path.rstrip("/")
    if child != parent and not child.startswith(parent + "/"):
        return False
    return all(
        name in failing.path_parameters and str(failing.path_parameters[name]) == str(value)
        for name, value in earlier.path_parameters.items()
    )


def scenario_history(recorder: Any, until_case: str) -> tuple[list[Sent], Sent | None]:
    """The requests a schemathesis ScenarioRecorder holds before `until_case`, and that case itself."""
    history: list[Sent] = []
    for case_id, node in recorder.cases.items():
        sent = _sent(node.value, recorder.interactions.get(case_id))
        if case_id == until_case:
            return history, sent
        history.append(sent)
    return history, None


def _sent(case: Any, interaction: Any) -> Sent:
    response = interaction.response if interaction is not None else None
    body = case.body if isinstance(case.body, Mapping) else None
    return Sent(
        method=str(case.operation.method),
        path=str(case.path),
        path_parameters=dict(case.path_parameters or {}),
        body=body,
        status=int(response.status_code) if response is not None else None,
    )
