"""pytest plugin (registered through the ``pytest11`` entry point): the specmock sandbox as fixtures.

``specmock`` starts a real server on 127.0.0.1, on a free port, for one test; ``specmock_session`` for
the whole session; ``specmock_asgi`` needs no port at all (an httpx client wired to the ASGI app)::

    def test_lists_authentications(specmock):
        server = specmock("hellgate", seed=1)           # stopped by its own handle after the test
        response = httpx.get(server.url + "/authentications", headers={"X-API-Key": "k"})
        assert response.status_code == 200
        assert server.journal(1)[0]["status"] == 200     # the request journal (oldest first)
        server.reset()                                    # back to the seeded state

    def test_in_process(specmock_asgi):
        sandbox = specmock_asgi("hellgate", seed=1)
        assert sandbox.client.get("/authentications", headers={"X-API-Key": "k"}).status_code == 200

Every keyword is a ``MockConfig`` field (``seed``, ``records``, ``api_keys``, ``base_path`` …) or, for
the served fixtures, ``host`` / ``port``. Nothing here imports the server stack until a fixture is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest

if TYPE_CHECKING:
    from specmock.app import SpecmockApp
    from specmock.server import Running

T = TypeVar("T")
IN_PROCESS_URL = "http://specmock.test"

StartServer = Callable[..., "Running"]


def _starter(stack: contextlib.ExitStack) -> StartServer:
    def start(*specs: str | Path, **options: Any) -> Running:
        from specmock.server import serve

        return stack.enter_context(serve(*specs, **options))

    return start


@pytest.fixture
def specmock() -> Iterator[StartServer]:
    """Factory: ``specmock("hellgate", seed=1)`` serves on 127.0.0.1 until the test ends."""
    with contextlib.ExitStack() as stack:
        yield _starter(stack)


@pytest.fixture(scope="session")
def specmock_session() -> Iterator[StartServer]:
    """Factory like ``specmock``, for servers shared by the whole session (stopped at its end)."""
    with contextlib.ExitStack() as stack:
        yield _starter(stack)


@pytest.fixture
def specmock_asgi() -> Iterator[Callable[..., InProcess]]:
    """Factory: ``specmock_asgi("hellgate", seed=1)`` → an in-process sandbox, no port."""
    with contextlib.ExitStack() as stack:

        def start(*specs: str | Path, **options: Any) -> InProcess:
            from specmock.server import create_app

            return stack.enter_context(contextlib.closing(InProcess(create_app(*specs, **options))))

        yield start


class InProcess:
    """The sandbox without a port: ``client`` (sync) and ``async_client()`` talk to the ASGI app directly."""

    def __init__(self, app: SpecmockApp, url: str = IN_PROCESS_URL) -> None:
        self.app = app
        self.url = url
        self._loop = _LoopThread()
        self.client = httpx.Client(transport=SyncASGITransport(app, self._loop), base_url=url)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """A client for async tests (it runs on the test's own event loop)."""
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.url, **kwargs)

    def reset(self) -> None:
        """Every API back to its seeded state, and the journal cleared (as ``Running.reset``)."""
        self.app.reset()

    def journal(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The last ``limit`` requests, oldest first (as ``Running.journal``)."""
        return self.app.journal.entries(limit)

    def close(self) -> None:
        self.client.close()
        self._loop.close()


class SyncASGITransport(httpx.BaseTransport):
    """httpx's ASGI transport for a sync client: requests run on one event loop kept in a thread."""

    def __init__(self, app: Any, loop: _LoopThread) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._loop = loop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a sync body stream cannot be iterated on the loop
        return self._loop.run(self._send(request))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, extensions=response.extensions
        )


class _LoopThread:
    """One event loop for the whole life of an in-process sandbox (the app may keep loop-bound state)."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="specmock-asgi", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def close(self) -> None:
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
