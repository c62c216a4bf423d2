"""`specmock verify` behind the click command: options in, exit status out."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from specmock.spec_files import resolve_spec
from specmock.verify.console import render
from specmock.verify.junit import write_junit
from specmock.verify.options import (
    VerifyOptions,
    headers_from_env,
    merge_headers,
    parse_header,
    resolve_checks,
)
from specmock.verify.runner import EventHook, run_verify


@dataclass(frozen=True, slots=True)
class Invocation:
    """The command line as given (strings), before it becomes VerifyOptions."""

    spec: str
    base_url: str | None
    origin: str | None
    headers: tuple[str, ...] = ()
    max_examples: int = 25
    seed: int = 0
    max_time: int | None = None
    phases: str = "examples,coverage,fuzzing,stateful"
    checks: tuple[str, ...] = ()
    excluded_checks: tuple[str, ...] = ()
    workers: int = 1
    request_timeout: float = 10.0
    junit_xml: Path | None = None
    ref_roots: tuple[Path, ...] = ()


def verify_command(invocation: Invocation, console: Console | None = None) -> int:
    """Run, print the report, write JUnit XML if asked; 0 when everything passed, else 1.

    Raises `ConfigError` for an unusable invocation (the CLI turns it into exit status 2).
    """
    console = console or Console(highlight=False, soft_wrap=True)
    options = to_options(invocation)
    with _progress(console) as on_event:
        report = run_verify(options, on_event=on_event)
    render(report, console)
    if invocation.junit_xml is not None:
        write_junit(report, invocation.junit_xml)
        console.print(f"JUnit XML written to {invocation.junit_xml}", style="dim")
    return 0 if report.ok else 1


def to_options(invocation: Invocation) -> VerifyOptions:
    given = dict(parse_header(raw) for raw in invocation.headers)
    return VerifyOptions(
        spec=locate_spec(invocation.spec),
        base_url=invocation.base_url,
        origin=invocation.origin,
        headers=merge_headers(headers_from_env(os.environ), given),
        max_examples=invocation.max_examples,
        seed=invocation.seed,
        max_time=invocation.max_time,
        phases=tuple(p.strip() for p in invocation.phases.split(",") if p.strip()),
        checks=resolve_checks(_split(invocation.checks), _split(invocation.excluded_checks)),
        workers=invocation.workers,
        request_timeout=invocation.request_timeout,
        ref_roots=invocation.ref_roots,
    )


def locate_spec(argument: str) -> str:
    """An http(s) URL or a file as they are; otherwise a folder or a bundled API name (as `serve` takes)."""
    if argument.startswith(("http://", "https://")) or Path(argument).is_file():
        return argument
    return str(resolve_spec(argument))


def _split(values: Iterable[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@contextmanager
def _progress(console: Console) -> Iterator[EventHook | None]:
    """A one-line status on a terminal (phase and operation under test); nothing otherwise."""
    if not console.is_terminal:
        yield None
        return
    from schemathesis.engine import events

    with console.status("loading the document") as status:

        def on_event(event: Any) -> None:
            if isinstance(event, events.PhaseStarted):
                status.update(f"{event.phase.name}")
            elif isinstance(event, events.ScenarioStarted) and event.label:
                status.update(f"{event.phase} · {event.label}")

        yield on_event
