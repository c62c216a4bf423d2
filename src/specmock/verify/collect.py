"""Fold schemathesis engine events into a VerifyReport: one result per (phase, operation)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from specmock.verify.renames import renamed_before, scenario_history
from specmock.verify.results import Finding, OperationResult, RunError, Verdict, VerifyReport

FindingKey = tuple[str, str, str, str, str]  # phase, operation, check, title, identity


class Collector:
    def __init__(self, report: VerifyReport, operations: list[str], headers: Iterable[str] = ()) -> None:
        self._report = report
        self._operations = operations
        self._headers = [f"-h '{name.lower()}:" for name in headers]
        self._results: dict[tuple[str, str], OperationResult] = {}
        self._findings: dict[FindingKey, tuple[OperationResult, int]] = {}

    def feed(self, event: Any) -> None:
        from schemathesis.engine import events

        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            self._scenario(event)
        elif isinstance(event, events.NonFatalError):
            self._error(event)
        elif isinstance(event, events.FatalError):
            self._report.errors.append(
                RunError(None, None, "schemathesis stopped", _describe(event.exception))
            )
        elif isinstance(event, events.EngineFinished):
            self._report.stop_reason = str(event.stop_reason)

    def finish(self) -> None:
        """Order the results as the document lists its operations; note the operations nothing reached."""
        order = {label: index for index, label in enumerate(self._operations)}
        phases = {phase: index for index, phase in enumerate(("examples", "coverage", "fuzzing", "stateful"))}
        self._report.results = sorted(
            self._results.values(),
            key=lambda r: (order.get(r.operation, len(order)), r.operation, phases.get(r.phase, 9)),
        )
        reached = {r.operation for r in self._report.results if r.verdict is not Verdict.SKIPPED}
        self._report.untested = [label for label in self._operations if label not in reached]

    def _result(self, phase: str, operation: str) -> OperationResult:
        key = (phase, operation)
        if key not in self._results:
            self._results[key] = OperationResult(operation=operation, phase=phase)
        return self._results[key]

    def _scenario(self, event: Any) -> None:
        phase = str(event.phase)
        recorder = event.recorder
        if event.status == "skip" and not recorder.cases:
            if event.label:
                result = self._result(phase, event.label)
                result.skip_reason = result.skip_reason or event.skip_reason
            return
        labels = _labels_by_case(recorder, event.label)
        for case_id, label in labels.items():
            result = self._result(phase, label)
            interaction = recorder.interactions.get(case_id)
            if interaction is not None and interaction.response is not None:
                result.requests += 1
                result.elapsed += float(interaction.response.elapsed)
                if result.verdict is Verdict.SKIPPED:
                    result.verdict = Verdict.PASSED
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.failure_info is not None:
                    self._finding(phase, recorder, labels, case_id, check)

    def _finding(self, phase: str, recorder: Any, labels: dict[str, str], case_id: str, check: Any) -> None:
        failure = check.failure_info.failure
        failing_case = failure.case_id if failure.case_id in labels else case_id
        if _renamed_not_lost(str(check.name), recorder, failing_case):
            return
        interaction = recorder.interactions.get(failing_case)
        response = interaction.response if interaction is not None else None
        curl = str(check.failure_info.code_sample or "")
        finding = Finding(
            operation=labels.get(failing_case, recorder.label or "?"),
            phase=phase,
            check=str(check.name),
            title=str(failure.title),
            message=str(failure.message or ""),
            curl=curl,
            status=int(response.status_code) if response is not None else None,
            body=_excerpt(response.content) if response is not None else "",
            identity=_identity(failure),
            sends_credentials=all(flag in curl.lower() for flag in self._headers),
        )
        result = self._result(phase, finding.operation)
        result.verdict = Verdict.ERRORED if result.verdict is Verdict.ERRORED else Verdict.FAILED
        key = (phase, finding.operation, finding.check, finding.title, finding.identity)
        if key not in self._findings:
            self._findings[key] = (result, len(result.findings))
            result.findings.append(finding)
            return
        owner, index = self._findings[key]
        known = owner.findings[index]
        better = finding if finding.reproduction_rank < known.reproduction_rank else known
        owner.findings[index] = dataclasses.replace(better, occurrences=known.occurrences + 1)

    def _error(self, event: Any) -> None:
        phase = str(event.phase) if event.phase is not None else None
        info = event.info
        suggestion = info.suggestion(base_url_is_set=True)
        error = RunError(
            operation=event.label if event.related_to_operation else None,
            phase=phase,
            title=str(info.title),
            message="\n".join(
                [str(info.message), *map(str, info.extras), *([str(suggestion)] if suggestion else [])]
            ),
            curl=str(info.code_sample or ""),
        )
        if error.operation is None or phase is None:
            _add_error(self._report.errors, error)
            return
        result = self._result(phase, error.operation)
        result.verdict = Verdict.ERRORED
        _add_error(result.errors, error)


def _renamed_not_lost(check: str, recorder: Any, case_id: str) -> bool:
    """A "created resource not found" after the scenario itself renamed it is the API being right."""
    if check != "ensure_resource_availability":
        return False
    history, failing = scenario_history(recorder, case_id)
    return failing is not None and renamed_before(history, failing)


def _add_error(errors: list[RunError], error: RunError) -> None:
    """The same error again (a server that is down fails every request) is counted, not repeated."""
    for index, known in enumerate(errors):
        if (known.title, known.message) == (error.title, error.message):
            errors[index] = dataclasses.replace(known, occurrences=known.occurrences + 1)
            return
    errors.append(error)


def _labels_by_case(recorder: Any, fallback: str | None) -> dict[str, str]:
    """Case id → operation label (a stateful scenario spans several operations)."""
    return {case_id: str(node.value.operation.label or fallback) for case_id, node in recorder.cases.items()}


def _identity(failure: Any) -> str:
    """schemathesis's key for "the same failure" (`_unique_key`); the message's first line otherwise."""
    key = getattr(failure, "_unique_key", None)
    if isinstance(key, str):
        return f"{type(failure).__name__}:{key}"
    return f"{type(failure).__name__}:{str(failure.message or '').strip().partition(chr(10))[0]}"


def _excerpt(content: bytes | None, limit: int = 400) -> str:
    text = (content or b"")[: limit * 4].decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + "…"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
