"""Building and running the sandbox: ``create_app`` (ASGI) and ``serve`` (a context manager)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmock import collector
from specmock.app import SpecmockApp
from specmock.config import MockConfig
from specmock.errors import ConfigError
from specmock.openapi.loader import load_spec
from specmock.runtime import Api, base_path_of
from specmock.sharing.address import parse_store
from specmock.spec_files import api_name, bundled_names, resolve_spec

if TYPE_CHECKING:
    from specmock.listener import RsgiApp


def build_apis(config: MockConfig) -> list[Api]:
    paths = [resolve_spec(s) for s in config.specs] or [resolve_spec(n) for n in bundled_names()]
    if not paths:
        raise ConfigError("no spec given and no bundled specs found")
    if config.base_path is not None and len(paths) > 1:
        raise ConfigError("--base-path applies to a single spec; several specs are mounted under /<name>")
    kinds: dict[str, Any] = {}
    if parse_store(config.store) is not None:
        # --store redis://: writes go through the log shared with other processes (attached later),
        # and a write's credentials are decided once although its pipeline runs twice
        from specmock.sharing.credentials import SharedCredentials
        from specmock.sharing.sandbox import SharedSandbox

        kinds = {"sandbox_kind": SharedSandbox, "credentials_kind": SharedCredentials}
    apis = []
    for path in paths:
        spec = load_spec(path, ref_roots=config.ref_roots)
        name = api_name(path)
        own = base_path_of(spec.document)
        if len(paths) == 1:
            base = own if config.base_path is None else "/" + config.base_path.strip("/")
        else:
            base = f"/{name}{own}"
        apis.append(Api(spec, config, name=name, base_path="" if base == "/" else base, **kinds))
    if config.fixtures is not None:
        # Issue 6: records from fixture files replace the seeded ones (refused with file, index, reason).
        from specmock.export import load_fixtures

        load_fixtures(apis, config.fixtures)
    for api in apis:
        _ = api.sandbox  # infer the resources (their records are seeded on first use)
    return apis


def create_app(*specs: str | Path, config: MockConfig | None = None, **options: Any) -> SpecmockApp:
    """The ASGI application serving the given specs (bundled ones when none is given).

    ``options`` are MockConfig fields: ``create_app("hellgate", seed=1)``.
    """
    config = (config or MockConfig()).merge(**options)
    if specs:
        config = config.merge(specs=tuple(Path(s) if Path(s).exists() else Path(str(s)) for s in specs))
    apis = build_apis(config)
    app = SpecmockApp(apis, config)
    if config.store is not None:
        from specmock.sharing.attach import attach

        attach(app)
    if config.watch:
        # Issue 17: reload the documents when they change (in the server's event loop).
        from specmock.devloop.reload import Reloader
        from specmock.devloop.watch import watcher

        app.on_start.append(watcher(Reloader(app, build_apis)))
    return app


CONFIG_ENV = "SPECMOCK_CONFIG"


def config_to_env(config: MockConfig) -> str:
    """MockConfig as JSON, for the worker processes of ``--workers N`` (every field but ``extra``)."""
    fields = {name: getattr(config, name) for name in MockConfig.__dataclass_fields__ if name != "extra"}
    fields["specs"] = [str(p) for p in config.specs]
    fields["fixtures"] = str(config.fixtures) if config.fixtures else None
    fields["ref_roots"] = [str(p) for p in config.ref_roots]
    return json.dumps(fields)


def app_from_environment() -> SpecmockApp:
    """The app factory of worker processes: each builds its own app (and its own state)."""
    raw: dict[str, Any] = json.loads(os.environ[CONFIG_ENV])
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    fields["specs"] = tuple(Path(p) for p in raw["specs"])
    fields["fixtures"] = Path(raw["fixtures"]) if raw["fixtures"] else None
    fields["ref_roots"] = tuple(Path(p) for p in raw["ref_roots"])
    app = create_app(config=MockConfig(**fields))
    collector.serving(reloads=app.config.watch)  # as a single-process `specmock serve` does
    return app


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    """A sandbox serving on a port, for tests: ``url``, ``reset()``, ``journal()``."""

    app: SpecmockApp
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def reset(self) -> None:
        self.app.reset()

    def journal(self, limit: int | None = None) -> list[dict[str, Any]]:
        return self.app.journal.entries(limit)


@contextlib.contextmanager
def serve(
    *specs: str | Path, host: str = "127.0.0.1", port: int | None = None, **options: Any
) -> Iterator[Running]:
    """Serve in a background thread for the duration of the ``with`` block; stops by its own handle."""
    app = create_app(*specs, **options)
    port = port or free_port(host)
    with in_background(app, host, port):
        yield Running(app, host, port)


@contextlib.contextmanager
def in_background(app: RsgiApp, host: str, port: int) -> Iterator[None]:
    """``app`` served from a thread until the block ends, once it accepts connections."""
    from specmock.listener import Background

    server = Background(app, host, port)
    server.start()
    deadline = time.monotonic() + 30
    while not _accepts(host, port):
        if not server.alive or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"specmock did not start on {host}:{port}: {server.failed or 'no answer'}")
        time.sleep(0.01)
    try:
        yield
    finally:
        server.stop()


def _accepts(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0
