"""Drive schemathesis's engine (examples, coverage, fuzzing, stateful) against a running server.

The engine is configured explicitly, never from a `schemathesis.toml` found on disk, so a run depends on
its options alone. Its events are folded into a `VerifyReport` by `collect.Collector`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from specmock.errors import ConfigError
from specmock.verify.collect import Collector
from specmock.verify.options import VerifyOptions
from specmock.verify.results import VerifyReport

EventHook = Callable[[Any], None]


def run_verify(options: VerifyOptions, *, on_event: EventHook | None = None) -> VerifyReport:
    """Run every configured phase once against the target and return what was found."""
    from schemathesis.engine import events, from_schema
    from schemathesis.engine.run import PhaseName

    started = time.monotonic()
    schema = load_schema(options)
    report = VerifyReport(
        spec=str(options.spec),
        base_url=str(schema.config.base_url),
        seed=options.seed,
        max_examples=options.max_examples,
        phases=options.phases,
        checks=options.checks,
        max_time=options.max_time,
    )
    collector = Collector(report, operation_labels(schema), headers=options.headers)
    stream = from_schema(schema).execute()
    stopped_after_one_pass = False
    for event in stream:
        if on_event is not None:
            on_event(event)
        collector.feed(event)
        if event.is_terminal:
            break
        # With a time budget the engine keeps cycling fuzzing and stateful until it is spent: one pass
        # is what was asked for, the budget only caps it.
        if (
            options.max_time is not None
            and isinstance(event, events.PhaseFinished)
            and event.phase.name == PhaseName.STATEFUL_TESTING
            and not stopped_after_one_pass
        ):
            stopped_after_one_pass = True
            stream.stop()
    if stopped_after_one_pass and report.stop_reason == "interrupted":
        report.stop_reason = "completed"  # our own stop after the single pass
    report.elapsed = time.monotonic() - started
    collector.finish()
    return report


def load_schema(options: VerifyOptions) -> Any:
    """The schemathesis schema for the document, configured from the options."""
    import schemathesis
    from schemathesis.core.errors import LoaderError

    config = engine_config(options)
    location = str(options.spec)
    try:
        if location.startswith(("http://", "https://")):
            schema = schemathesis.openapi.from_url(
                location, config=config, headers=dict(options.headers), timeout=options.request_timeout
            )
        elif (converted := converted_swagger(Path(location), options.ref_roots)) is not None:
            schema = schemathesis.openapi.from_dict(converted, config=config)
        else:
            schema = schemathesis.openapi.from_path(Path(location), config=config)
    except LoaderError as error:
        raise ConfigError(f"{location}: schemathesis cannot load it: {error}") from error
    except OSError as error:
        raise ConfigError(f"{location}: {error.strerror or error}") from error
    if options.origin is not None:
        schema.config.base_url = options.origin.rstrip("/") + schema.declared_base_path().rstrip("/")
    _check_names(options.checks)
    return schema


def converted_swagger(path: Path, ref_roots: tuple[Path, ...] = ()) -> dict[str, Any] | None:
    """The OpenAPI 3.0 reading of a Swagger 2.0 file, the one `serve` answers from; None for others.

    schemathesis reads Swagger 2.0 itself, but takes an operation's `produces` as the media types of
    every response, so a correct 204 without a Content-Type fails; and the two readings would differ.
    A broken Swagger 2.0 file raises the loader's one-paragraph `SpecError`.
    """
    from specmock.errors import SpecError
    from specmock.openapi.loader import load_spec
    from specmock.openapi.parse import parse_document
    from specmock.openapi.swagger2 import is_swagger

    try:
        if not is_swagger(parse_document(path.read_bytes(), str(path))):
            return None
    except (OSError, SpecError):
        return None  # not readable as a document: schemathesis says why, as for any other file
    return load_spec(path, ref_roots=ref_roots).document


def engine_config(options: VerifyOptions) -> Any:
    from schemathesis.config import SchemathesisConfig
    from schemathesis.generation import GenerationMode

    for url in (options.base_url, options.origin):
        if url is not None and not url.startswith(("http://", "https://")):
            raise ConfigError(f"{url}: the target must be an http:// or https:// URL")
    config = SchemathesisConfig()
    config.update(seed=options.seed, max_failures=None, max_time=options.max_time)
    # No on-disk cache of what earlier runs learned (`.schemathesis/`): a run depends on its options alone.
    config.cache.enabled = False
    # Whatever credentials were given are masked in every curl line and message, whatever their name.
    sanitization = config.output.sanitization
    sanitization.keys_to_sanitize = (
        *sanitization.keys_to_sanitize,
        *(name.lower() for name in options.headers),
    )
    project = config.projects.override
    project.update(
        base_url=options.base_url,
        headers=dict(options.headers) or None,
        continue_on_failure=True,
        workers=options.workers,
        request_timeout=options.request_timeout,
    )
    project.checks.update(included_check_names=list(options.checks))
    project.phases.update(phases=list(options.phases))
    project.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=options.max_examples,
        database="none",
    )
    return config


def _check_names(checks: tuple[str, ...]) -> None:
    from schemathesis.checks import CHECKS

    known = CHECKS.get_all_names()
    unknown = [name for name in checks if name not in known]
    if unknown:
        raise ConfigError(f"unknown check {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def operation_labels(schema: Any) -> list[str]:
    """Labels of the operations schemathesis can read (the engine reports the others as errors)."""
    from schemathesis.core.result import Ok

    return [str(result.ok().label) for result in schema.get_all_operations() if isinstance(result, Ok)]
