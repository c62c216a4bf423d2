"""The readable report: a table of operations × phases, then every distinct failure with a curl line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from specmock.verify.results import Finding, OperationResult, RunError, Verdict, VerifyReport

MAX_MESSAGE_LINES = 12
STYLES = {
    Verdict.PASSED: "green",
    Verdict.FAILED: "bold red",
    Verdict.ERRORED: "bold red",
    Verdict.SKIPPED: "dim",
}


@dataclass(frozen=True, slots=True)
class Group:
    """The same failure seen in several phases: reported once."""

    first: Finding
    phases: tuple[str, ...]
    occurrences: int


def render(report: VerifyReport, console: Console | None = None) -> None:
    """Print the report; colours only on a terminal (rich turns them off otherwise)."""
    console = console or Console(highlight=False, soft_wrap=True)
    _header(report, console)
    if report.results:
        console.print(_table(report))
    groups = group_findings(report.findings)
    if groups:
        console.print(f"\n[bold red]FAILURES[/] ({len(groups)} distinct)")
        for index, group in enumerate(groups, 1):
            _failure(index, group, console)
    errors = report.all_errors
    if errors:
        console.print(f"\n[bold red]ERRORS[/] ({len(errors)})")
        for index, error in enumerate(errors, 1):
            _error(index, error, console)
    _footer(report, groups, console)


def group_findings(findings: Iterable[Finding]) -> list[Group]:
    grouped: dict[tuple[str, str, str, str], list[Finding]] = {}
    for finding in findings:
        key = (finding.operation, finding.check, finding.title, finding.identity)
        grouped.setdefault(key, []).append(finding)
    return [
        Group(
            first=min(items, key=lambda f: f.reproduction_rank),
            phases=tuple(dict.fromkeys(f.phase for f in items)),
            occurrences=sum(f.occurrences for f in items),
        )
        for items in grouped.values()
    ]


def _header(report: VerifyReport, console: Console) -> None:
    console.print(
        f"[bold]specmock verify[/] {escape(report.spec)} against [bold]{escape(report.base_url)}[/]"
    )
    console.print(
        f"seed {report.seed} · max examples {report.max_examples} · phases {', '.join(report.phases)}\n"
        f"checks {', '.join(report.checks)}",
        style="dim",
    )


def _table(report: VerifyReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("operation")
    for phase in report.phases:
        table.add_column(phase)
    table.add_column("requests", justify="right")
    cells: dict[str, dict[str, OperationResult]] = {}
    for result in report.results:
        cells.setdefault(result.operation, {})[result.phase] = result
    for operation, by_phase in cells.items():
        row = [escape(operation), *(_cell(by_phase.get(phase)) for phase in report.phases)]
        row.append(str(sum(r.requests for r in by_phase.values())))
        table.add_row(*row)
    return table


def _cell(result: OperationResult | None) -> str:
    if result is None:
        return "[dim]-[/]"
    label = result.verdict.value
    if result.verdict is Verdict.FAILED:
        label = f"failed ({len(result.findings)})"
    return f"[{STYLES[result.verdict]}]{label}[/]"


def _failure(index: int, group: Group, console: Console) -> None:
    finding = group.first
    status = f" · response {finding.status}" if finding.status is not None else ""
    console.print(
        f"\n[bold]{index}. {escape(finding.operation)}[/] — [red]{escape(finding.check)}[/]: "
        f"{escape(finding.title)}"
    )
    console.print(f"   phases {', '.join(group.phases)} · seen {group.occurrences}×{status}", style="dim")
    for line in _clip(finding.message):
        console.print("   " + escape(line), soft_wrap=True)
    if finding.body:
        console.print("   Response body: " + escape(finding.body), soft_wrap=True, style="dim")
    if finding.curl:
        console.print("   Reproduce with:", style="dim")
        for line in finding.curl.splitlines():
            console.print("     " + escape(line), soft_wrap=True, style="cyan")


def _error(index: int, error: RunError, console: Console) -> None:
    seen = f"seen {error.occurrences}×" if error.occurrences > 1 else ""
    where = " · ".join(part for part in (error.operation, error.phase, seen) if part)
    console.print(f"\n[bold]{index}. {escape(error.title)}[/]" + (f" ({escape(where)})" if where else ""))
    for line in _clip(error.message):
        console.print("   " + escape(line), soft_wrap=True)
    if error.curl:
        console.print("   Request:", style="dim")
        for line in error.curl.splitlines():
            console.print("     " + escape(line), soft_wrap=True, style="cyan")


def _clip(message: str) -> list[str]:
    lines = message.strip().splitlines()
    if len(lines) > MAX_MESSAGE_LINES:
        lines = [
            *lines[:MAX_MESSAGE_LINES],
            f"… ({len(lines) - MAX_MESSAGE_LINES} more lines in the JUnit report)",
        ]
    return lines


def _footer(report: VerifyReport, groups: list[Group], console: Console) -> None:
    if report.max_time is not None:
        console.print(
            f"\nTime budget {report.max_time} s, shared out between phases and operations: a phase stops "
            "generating cases for an operation when its share is spent.",
            style="dim",
        )
    if report.untested:
        why = "the time budget was spent" if report.max_time is not None else "no phase reached them"
        console.print(f"\n[yellow]Not tested[/] ({why}): {escape(', '.join(report.untested))}")
    summary = (
        f"{len(report.operations)} operations · {report.requests} requests · {report.elapsed:.1f} s"
        f" · {len(groups)} distinct failures · {len(report.all_errors)} errors"
    )
    if report.stop_reason in ("interrupted", "server_unavailable"):
        console.print(f"\n[bold red]The run was cut off[/] ({report.stop_reason.replace('_', ' ')}).")
    if report.ok:
        console.print(f"\n[bold green]PASSED[/] {summary}")
    elif not report.tested:
        console.print(f"\n[bold red]FAILED[/] nothing was tested · {summary}")
    else:
        console.print(f"\n[bold red]FAILED[/] {summary}")
