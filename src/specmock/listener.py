"""The HTTP server under the app: Granian (its I/O in Rust threads, next to the Python loop).

Granian answers 2–2.5× the requests of uvicorn + httptools for the same app on two cores (see
BENCHMARKS.md): parsing and socket writes leave the Python thread. It calls the app through RSGI,
its own interface, which spares the per-request ASGI scope and message dicts. One process serves an app object
already built (``run`` and ``Background``, Granian's embedded server), so start-up builds the
sandbox once; ``run_workers`` starts N processes that each build their own from a factory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import signal
import threading
from typing import Any, Protocol

from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.server.embed import Server

from specmock.config import MockConfig

log = logging.getLogger("specmock")


class RsgiApp(Protocol):
    """What Granian serves: the mock (``SpecmockApp``) or the proxy (``proxy.ProxyApp``)."""

    config: MockConfig  # its connection limits

    async def shutdown(self) -> None:
        """Release what the app holds in the serving loop (pooled upstream connections), before the
        loop closes."""

    async def __rsgi__(self, scope: Any, protocol: Any) -> None: ...


class _QuietEmbedded(logging.Filter):
    """Granian logs that its embedded server is experimental on every start; we chose it knowingly."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "experimental" not in record.getMessage()


def connection_limits(config: MockConfig) -> dict[str, Any]:
    """Granian's connection settings from ours (README "Limits and safety").

    Granian holds one ``backpressure`` permit per open connection, idle ones included, and its
    embedded server defaults to 128: 128 idle keep-alive connections froze the server for everyone.
    ``max_connections`` sets it per worker, the kernel queues ``backlog`` more, and a keep-alive
    connection that sends no new request within ``idle_timeout`` is closed (Granian's HTTP/1
    header-read timeout, which also ends a request head sent too slowly).
    """
    _allow_open_files(config.max_connections * max(1, config.workers) + 256)
    timeout_ms = max(1, min(60_000, round(config.idle_timeout * 1000)))
    return {
        "backlog": config.backlog,
        "backpressure": config.max_connections,
        "http1_settings": HTTP1Settings(header_read_timeout=timeout_ms),
    }


def _allow_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files (often 1,024) toward the hard one, so the
    connections we promise to hold do not fail to be accepted."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _server(app: RsgiApp, host: str, port: int, access_log: bool) -> Server:
    logger = logging.getLogger("_granian")
    if not any(isinstance(f, _QuietEmbedded) for f in logger.filters):
        logger.addFilter(_QuietEmbedded())
    return Server(
        app,
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        websockets=False,
        log_level="warning",  # type: ignore[arg-type]
        log_access=access_log,
        **connection_limits(app.config),
    )


def run(app: RsgiApp, host: str, port: int, access_log: bool) -> None:
    """Serve ``app`` in this process until SIGINT or SIGTERM."""
    server = _server(app, host, port, access_log)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, server.stop)
        try:
            await server.serve()
        finally:
            await app.shutdown()

    _new_loop().run_until_complete(main())


def run_workers(factory: str, config: MockConfig, access_log: bool) -> None:
    """``config.workers`` processes, each building its app from ``factory`` (``module:function``)."""
    host, port, workers = config.host, config.port, config.workers
    Granian(
        factory,
        address=host,
        port=port,
        interface=Interfaces.RSGI,
        workers=workers,
        workers_kill_timeout=5,  # a worker still building its sandbox is killed, not waited for
        factory=True,
        websockets=False,
        log_level="warning",  # type: ignore[arg-type]
        log_access=access_log,
        **connection_limits(config),
    ).serve()


class Background:
    """``app`` served from a thread of this process (tests, the pytest plugin); ``stop()`` ends it."""

    def __init__(self, app: RsgiApp, host: str, port: int) -> None:
        self._app = app
        self._server = _server(app, host, port, access_log=False)
        self._loop = _new_loop()
        self._thread = threading.Thread(target=self._run, name=f"specmock:{port}", daemon=True)
        self.failed: BaseException | None = None

    def _run(self) -> None:
        try:
            self._loop.run_until_complete(self._server.serve())
        except BaseException as error:  # reported by start()'s caller, which polls the port
            self.failed = error

    def start(self) -> None:
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10) -> None:
        if self._thread.is_alive():
            done = asyncio.run_coroutine_threadsafe(self._app.shutdown(), self._loop)
            with contextlib.suppress(Exception):  # a failing release must not keep the server up
                done.result(timeout)
            self._loop.call_soon_threadsafe(self._server.stop)
            self._thread.join(timeout)
        if not self._thread.is_alive():
            self._loop.close()


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: Any = uvloop.new_event_loop()
    return loop  # type: ignore[no-any-return]
