"""The ``specmock`` command. Flags become a MockConfig; no logic lives here."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from specmock import __version__
from specmock.config import MockConfig
from specmock.errors import SpecmockError


def _fail(error: SpecmockError) -> None:
    click.echo(f"specmock: {error}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specmock")
def main() -> None:
    """A stateful, deterministic mock server and contract tester for OpenAPI 3.0 / 3.1 documents."""


@main.command()
@click.argument("specs", nargs=-1)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", "-p", default=4010, show_default=True, type=int)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed for every generated value.")
@click.option(
    "--records", default=20, show_default=True, type=int, help="Seeded records per inferred collection."
)
@click.option("--base-path", default=None, help="Mount point (single spec); default: the path of servers[0].")
@click.option("--cors/--no-cors", default=True, show_default=True)
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    help="Accept only this credential (repeatable); default: any well-formed credential.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=int,
    help="Processes; state is per process, so use >1 only for stateless load.",
)
@click.option("--quiet", "-q", is_flag=True, help="No per-request log.")
def serve(
    specs: tuple[str, ...],
    host: str,
    port: int,
    seed: int,
    records: int,
    base_path: str | None,
    cors: bool,
    api_keys: tuple[str, ...],
    workers: int,
    quiet: bool,
) -> None:
    """Serve SPECS (files, folders or bundled API names; all bundled APIs when none is given)."""
    import uvicorn

    from specmock.server import create_app

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(levelname)s %(message)s")
    config = MockConfig(
        specs=tuple(Path(s) for s in specs),
        host=host,
        port=port,
        seed=seed,
        records=records,
        base_path=base_path,
        cors=cors,
        api_keys=api_keys,
        quiet=quiet,
        workers=workers,
    )
    try:
        app = create_app(config=config)
    except SpecmockError as error:
        _fail(error)
        return
    for api in app.apis:
        click.echo(
            f"specmock: {api.name} ({len(api.operations)} operations) at http://{host}:{port}{api.base_path}/",
            err=True,
        )
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=not quiet, lifespan="on")


@main.command()
@click.argument("spec")
def check(spec: str) -> None:
    """Load SPEC, report what was tolerated, and show what the engine will do for each operation."""
    from specmock.report import check_report

    try:
        click.echo(check_report(spec))
    except SpecmockError as error:
        _fail(error)


if __name__ == "__main__":
    main()
