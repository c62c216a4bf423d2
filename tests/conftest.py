from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from specmock.server import create_app
from tests.redis_server import RedisServer

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> MakeClient:
    """A client for an app serving a spec given inline (dict or YAML text)."""
    counter = iter(range(1000))

    def make(spec: dict[str, Any] | str, **config: Any) -> TestClient:
        path = tmp_path / f"spec{next(counter)}.yaml"
        path.write_text(spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False))
        return TestClient(create_app(path, **config), base_url="http://testserver")

    return make


def spec(
    paths: dict[str, Any], *, version: str = "3.1.0", components: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    document: dict[str, Any] = {"openapi": version, "info": {"title": "test", "version": "1"}, "paths": paths}
    if components:
        document["components"] = components
    document.update(extra)
    return document


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server for the session (one per xdist worker), stopped by its pid at the end."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of an empty Redis database: ``--store`` for sandboxes shared by several apps."""
    redis_server.flush()
    return redis_server.url
