"""The ``specmock`` command. Flags become a MockConfig; no logic lives here."""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from specmock import collector, project_settings
from specmock.config import MockConfig, parse_size
from specmock.errors import SpecmockError
from specmock.version import __version__

if TYPE_CHECKING:
    from specmock.openapi.loader import LoadedSpec


def _converted(spec: LoadedSpec) -> str:
    """What the start-up line adds for a converted document (nothing for a 3.x one)."""
    if not spec.converted_from:
        return ""
    lost = len(spec.not_carried_over)
    note = f"; {lost} not carried over (`specmock check` lists them)" if lost else ""
    return f", converted from {spec.converted_from}{note}"


DEFAULTS = MockConfig()


class _Size(click.ParamType):  # type: ignore[type-arg]  # generic only in click's stubs
    """A byte count: ``8MiB``, ``512KiB``, ``1MB`` or plain bytes."""

    name = "SIZE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)}MiB"


def _fail(error: SpecmockError) -> None:
    click.echo(f"specmock: {error}", err=True)
    sys.exit(2)


REF_ROOT = click.option(
    "--ref-root",
    "ref_roots",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Let $refs also read files under this folder (repeatable); default: the spec's folder tree only.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specmock")
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="SPECMOCK_CONFIG",
    help="A pyproject.toml whose [tool.specmock] table sets option defaults; default: the nearest one "
    "holding that table, from this folder up. Flags and their environment variables win over it.",
)
@click.option("--no-config", is_flag=True, help="Read no [tool.specmock] table.")
@click.pass_context
def main(context: click.Context, config: Path | None, no_config: bool) -> None:
    """A stateful, deterministic mock server and contract tester for OpenAPI 3.0 / 3.1 documents."""
    if no_config:
        return
    try:
        located = (
            (config, project_settings.read_table(config) or {})
            if config
            else project_settings.find(Path.cwd())
        )
        if located is not None and isinstance(context.command, click.Group):
            context.default_map = project_settings.default_map(*located, context.command)
    except SpecmockError as error:
        _fail(error)


def _latency_option(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    from specmock.devloop.disruption import parse_latency

    if value is not None:
        try:
            parse_latency(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


def _duration_option(context: click.Context, parameter: click.Parameter, value: str) -> float:
    from specmock.devloop.disruption import parse_duration

    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds <= 0:
        raise click.BadParameter(f"{value!r}: give a bound longer than 0")
    return seconds


@main.command()
@click.argument("specs", nargs=-1)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", "-p", default=4010, show_default=True, type=int, help="Port to listen on.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for every generated value.")
@click.option(
    "--records", default=20, show_default=True, type=int, help="Seeded records per inferred collection."
)
@click.option("--base-path", default=None, help="Mount point (single spec); default: the path of servers[0].")
@click.option("--cors/--no-cors", default=True, show_default=True, help="CORS headers on API answers.")
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Only this origin may read the API from a browser (repeatable); default: any origin.",
)
@click.option(
    "--allow-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Host name the admin API also answers to (repeatable); loopback names and IPs always.",
)
@click.option(
    "--max-body",
    type=_Size(),
    default=_mib(DEFAULTS.max_body),
    show_default=True,
    help="Largest request body; larger ones get 413 unread.",
)
@click.option(
    "--max-records",
    type=click.IntRange(min=1),
    default=DEFAULTS.max_records,
    show_default=True,
    help="Stored records per collection; a create beyond gets 507 (or a documented 409).",
)
@click.option(
    "--max-cache",
    type=_Size(),
    default=_mib(DEFAULTS.max_cache),
    show_default=True,
    help="Bytes of cached answers per API.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=DEFAULTS.max_connections,
    show_default=True,
    help="Connections served at once, per worker (idle keep-alive ones count).",
)
@click.option(
    "--backlog",
    type=click.IntRange(min=128),
    default=DEFAULTS.backlog,
    show_default=True,
    help="Connections the kernel queues beyond --max-connections.",
)
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0.001, max=60),
    default=DEFAULTS.idle_timeout,
    show_default=True,
    help="Seconds a keep-alive connection may wait for its next request.",
)
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    help="Accept only this credential (repeatable); default: any well-formed credential.",
)
@click.option(
    "--strict-accept",
    is_flag=True,
    help="Answer 406 when no documented media type fits Accept, even where the operation documents no 406.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Processes; each holds its own state unless --store names a shared one.",
)
@click.option(
    "--store",
    default=None,
    envvar="SPECMOCK_STORE",
    metavar="URL",
    help="Where the state lives: memory (this process, the default) or redis://HOST:PORT/DB, shared "
    "by every worker and replica pointed at it; also SPECMOCK_STORE.",
)
@click.option("--quiet", "-q", is_flag=True, help="No per-request log.")
@click.option(
    "--fixtures",
    "fixtures_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Start with the records in these fixture files (see `specmock fixtures --help`).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Reload a document (and its $ref'd files) when it changes; unchanged resources keep their records.",
)
@click.option(
    "--latency",
    default=None,
    metavar="DURATION[..DURATION]",
    callback=_latency_option,
    help="Delay every answer: 200ms, 1s, or a range 50ms..400ms drawn from the seed.",
)
@click.option(
    "--chaos",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Share of requests answered with a documented 5xx (else a 503 problem), drawn from the seed.",
)
@click.option(
    "--max-delay",
    default="60s",
    show_default=True,
    metavar="DURATION",
    callback=_duration_option,
    help="Upper bound of any injected delay, and how long Prefer: fault=timeout holds a request.",
)
@click.option(
    "--clock",
    default=None,
    callback=lambda _ctx, _param, value: None if value is None else _instant_option(value),
    help="Freeze the sandbox clock at this instant (RFC 3339 or POSIX seconds): created/updated "
    "timestamps and expiry, for byte-identical runs; default: the wall clock.",
)
@REF_ROOT
def serve(
    specs: tuple[str, ...],
    host: str,
    port: int,
    seed: int,
    records: int,
    base_path: str | None,
    cors: bool,
    cors_origins: tuple[str, ...],
    allowed_hosts: tuple[str, ...],
    max_body: int,
    max_records: int,
    max_cache: int,
    max_connections: int,
    backlog: int,
    idle_timeout: float,
    api_keys: tuple[str, ...],
    strict_accept: bool,
    workers: int,
    store: str | None,
    quiet: bool,
    fixtures_dir: Path | None,
    watch: bool,
    latency: str | None,
    chaos: float,
    max_delay: float,
    clock: float | None,
    ref_roots: tuple[Path, ...],
) -> None:
    """Serve SPECS (files, folders or bundled API names; all bundled APIs when none is given).

    The dashboard is at http://HOST:PORT/__specmock/ (requests live, records, settings). A request
    may ask for latency or a fault: `Prefer: delay=300` (milliseconds), `Prefer: fault=reset`
    (closed without an answer), `fault=timeout`, `fault=empty` (200, no body), `fault=malformed`.
    """
    from specmock import listener
    from specmock.server import CONFIG_ENV, config_to_env, create_app

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(levelname)s %(message)s")
    config = MockConfig(
        specs=tuple(Path(s) for s in specs),
        host=host,
        port=port,
        seed=seed,
        records=records,
        base_path=base_path,
        cors=cors,
        cors_origins=cors_origins,
        allowed_hosts=allowed_hosts,
        max_body=max_body,
        max_records=max_records,
        max_cache=max_cache,
        max_connections=max_connections,
        backlog=backlog,
        idle_timeout=idle_timeout,
        api_keys=api_keys,
        strict_accept=strict_accept,
        quiet=quiet,
        workers=workers,
        store=store,
        fixtures=fixtures_dir,
        watch=watch,
        latency=latency,
        chaos=chaos,
        max_delay=max_delay,
        clock=clock,
        ref_roots=ref_roots,
    )
    try:
        app = create_app(config=config)
    except SpecmockError as error:
        _fail(error)
        return
    for api in app.apis:
        click.echo(
            f"specmock: {api.name} ({len(api.operations)} operations{_converted(api.spec)}) "
            f"at http://{host}:{port}{api.base_path}/",
            err=True,
        )
    click.echo(f"specmock: dashboard at http://{host}:{port}/__specmock/", err=True)
    if workers > 1:
        # Each worker process holds its own copy of the state (kept in step through --store, if given).
        os.environ[CONFIG_ENV] = config_to_env(config)
        del app  # built here only to refuse a broken spec early; the workers build their own
        gc.collect()
        listener.run_workers("specmock.server:app_from_environment", config, not quiet)
    else:
        collector.serving(reloads=config.watch)  # full GC passes that do not grow with the store
        listener.run(app, host, port, access_log=not quiet)


@main.command()
@click.argument("spec")
@click.option(
    "--upstream",
    "-u",
    required=True,
    metavar="URL",
    help="The real backend (http://host:port[/prefix]); the request path is appended to it.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", "-p", default=4010, show_default=True, type=int)
@click.option(
    "--errors",
    is_flag=True,
    help="Refuse an invalid request with the spec-shaped 4xx (not forwarded); answer 502 naming the "
    "violations when the upstream's answer breaks the spec. Default: relay, and report.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse paths and methods the spec does not document (404 / 405); default: forward and report.",
)
@click.option(
    "--fallback",
    type=click.Choice(["none", "mock"]),
    default="none",
    show_default=True,
    help="mock: the mock answers when the upstream answers 501, or a 404 / 405 that fits no documented "
    "response (an operation it does not implement yet).",
)
@click.option(
    "--record",
    "record_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the upstream's answers into this folder as fixture files (load them with "
    "`specmock serve SPEC --fixtures DIR`); secrets and writeOnly fields left out.",
)
@click.option("--base-path", default=None, help="Mount point; default: the path of servers[0].")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the mock's answers.")
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds to wait for the upstream (to connect, and between two reads); then 504.",
)
@click.option(
    "--check-limit",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(min=0),
    help="Bytes of an answer held back to check its body; a larger body is streamed unchecked.",
)
@click.option(
    "--max-body",
    type=_Size(),
    default=_mib(DEFAULTS.max_body),
    show_default=True,
    help="Largest request body; larger ones get 413 (unread when their Content-Length says so).",
)
@click.option("--quiet", "-q", is_flag=True, help="No per-request log (violations are still logged).")
def proxy(
    spec: str,
    upstream: str,
    host: str,
    port: int,
    errors: bool,
    strict: bool,
    fallback: str,
    record_dir: Path | None,
    base_path: str | None,
    seed: int,
    timeout: float,
    check_limit: int,
    max_body: int,
    quiet: bool,
) -> None:
    """Put SPEC between clients and a real backend: forward every request to the upstream, check the
    request and the answer against SPEC, and relay the answer unchanged.

    \b
    Violations (each naming the operation, the place and the rule) go to the log,
    the Specmock-Violations header and the journal (GET /__specmock/journal).
    """
    from specmock import listener
    from specmock.proxy import ProxyConfig, create_proxy

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(levelname)s %(message)s")
    config = ProxyConfig(
        spec=spec,
        upstream=upstream,
        errors=errors,
        strict=strict,
        fallback="mock" if fallback == "mock" else "none",
        record=record_dir,
        base_path=base_path,
        seed=seed,
        timeout=timeout,
        check_limit=check_limit,
        max_body=max_body,
        quiet=quiet,
    )
    try:
        app = create_proxy(config)
    except SpecmockError as error:
        _fail(error)
        return
    api = app.proxy.mock.apis[0]
    click.echo(
        f"specmock: proxy for {api.name} ({len(api.operations)} operations) at "
        f"http://{host}:{port}{api.base_path}/ → {app.proxy.upstream.base}",
        err=True,
    )
    # No store grows here, and pooled upstream connections (cyclic, replaced over time) must stay
    # collectable: only the start-up objects are frozen.
    collector.settle_start_up()
    listener.run(app, host, port, access_log=not quiet)


@main.command()
@click.argument("spec")
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (created when missing).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed as `serve --seed`.")
@click.option(
    "--count",
    "-n",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Records per collection (as `serve --records`; 3 per parent for nested ones).",
)
@click.option(
    "--format",
    "fmt",
    default="json",
    show_default=True,
    type=click.Choice(["json", "ndjson"]),
    help="A JSON array per file, or one record a line (for large sets).",
)
@click.option(
    "--schema", "schemas", multiple=True, help="Also write records of this components/schemas entry."
)
@click.option(
    "--write-only", is_flag=True, help="Include writeOnly fields (as a client creating records sends)."
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress bar; default: when stderr is a terminal."
)
@REF_ROOT
def fixtures(
    spec: str,
    out: Path,
    seed: int,
    count: int,
    fmt: str,
    schemas: tuple[str, ...],
    write_only: bool,
    progress: bool | None,
    ref_roots: tuple[Path, ...],
) -> None:
    """Write the records the sandbox seeds for SPEC into files: realistic, reproducible test data.

    \b
    OUT/<collection>.json    one file per inferred resource (.ndjson with --format ndjson);
                             nested ones as {"parent": [path values], "record": {...}}
    OUT/schemas/<Name>.json  records of each --schema
    OUT/manifest.json        spec, seed, counts, specmock version and the command that wrote them

    The same arguments give byte-identical files on any machine, and the records are those
    `specmock serve SPEC --seed N --records K` starts with. Load them (edited or not) with
    `specmock serve SPEC --fixtures DIR`: DIR is the folder of one API, or a folder holding one
    <api name>/ folder per served spec. Resources without a file are seeded as usual.
    """
    import time

    from specmock.export import FixtureOptions, write_fixtures

    options = FixtureOptions(
        spec=spec,
        out=out,
        seed=seed,
        count=count,
        format="ndjson" if fmt == "ndjson" else "json",
        schemas=schemas,
        write_only=write_only,
        progress=progress,
        ref_roots=ref_roots,
    )
    started = time.perf_counter()
    try:
        manifest = write_fixtures(options)
    except SpecmockError as error:
        _fail(error)
        return
    elapsed = time.perf_counter() - started
    total, files = manifest["records"], len(manifest["files"])
    click.echo(
        f"specmock: {total:,} records in {files} file{'' if files == 1 else 's'} to {out} "
        f"in {elapsed:.1f} s ({total / max(elapsed, 1e-9):,.0f} records/s)",
        err=True,
    )


@main.command()
@click.argument("spec")
@REF_ROOT
def check(spec: str, ref_roots: tuple[Path, ...]) -> None:
    """Load SPEC, report what was tolerated, and show what the engine will do for each operation."""
    from specmock.report import check_report

    try:
        click.echo(check_report(spec, ref_roots))
    except SpecmockError as error:
        _fail(error)


@main.command()
@click.argument("spec")
@click.option(
    "--url",
    "base_url",
    default=None,
    help="Base URL of the API under test, used as it is: requests go to URL + operation path.",
)
@click.option(
    "--origin",
    default=None,
    help="scheme://host[:port] of the API; the path of the spec's first server is appended.",
)
@click.option(
    "--header",
    "-H",
    "headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="Send this header (repeatable), e.g. credentials; also SPECMOCK_HEADER_<NAME> variables.",
)
@click.option(
    "--max-examples",
    "-n",
    default=25,
    show_default=True,
    type=click.IntRange(min=1),
    help="Generated cases per operation and phase.",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for every generated case.")
@click.option(
    "--max-time",
    default=None,
    type=click.IntRange(min=1),
    help="Time budget in seconds, shared by the phases: no case starts once its share is spent.",
)
@click.option(
    "--phases",
    default="examples,coverage,fuzzing,stateful",
    show_default=True,
    help="Comma-separated phases to run.",
)
@click.option("--check", "checks", multiple=True, help="Run this schemathesis check as well (repeatable).")
@click.option("--exclude-check", "excluded_checks", multiple=True, help="Skip this check (repeatable).")
@click.option("--workers", "-w", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--request-timeout", default=10.0, show_default=True, type=float, help="Seconds per request.")
@click.option(
    "--junit-xml",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JUnit XML report here.",
)
@REF_ROOT
def verify(
    spec: str,
    base_url: str | None,
    origin: str | None,
    headers: tuple[str, ...],
    max_examples: int,
    seed: int,
    max_time: int | None,
    phases: str,
    checks: tuple[str, ...],
    excluded_checks: tuple[str, ...],
    workers: int,
    request_timeout: float,
    junit_xml: Path | None,
    ref_roots: tuple[Path, ...],
) -> None:
    """Check a running server (a real backend or specmock) against SPEC with schemathesis.

    SPEC is a file, a folder, a bundled API name or an http(s) URL of the document. Exit status: 0 when
    every check passed, 1 when one failed or an operation could not be tested, 2 for a bad invocation.
    """
    from specmock.verify.command import Invocation, verify_command

    invocation = Invocation(
        spec=spec,
        base_url=base_url,
        origin=origin,
        headers=headers,
        max_examples=max_examples,
        seed=seed,
        max_time=max_time,
        phases=phases,
        checks=checks,
        excluded_checks=excluded_checks,
        workers=workers,
        request_timeout=request_timeout,
        junit_xml=junit_xml,
        ref_roots=ref_roots,
    )
    try:
        sys.exit(verify_command(invocation))
    except SpecmockError as error:
        _fail(error)


if __name__ == "__main__":
    main()


def _instant_option(value: str) -> float:
    """``--clock``: POSIX seconds or an RFC 3339 date-time (naive ones read as UTC)."""
    from specmock.state.inferred.instants import instant

    try:
        return float(value)
    except ValueError:
        pass
    seconds = instant(value)
    if seconds is None:
        raise click.BadParameter(f"{value!r} is neither POSIX seconds nor an RFC 3339 date-time")
    return seconds
