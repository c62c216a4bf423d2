"""Shared pieces of the fixture tests: writing into tmp folders, reading files, and a client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from specmock.export import FixtureOptions, write_fixtures
from specmock.server import create_app

REPO_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BUNDLED = ("authentik", "hellgate", "rebilly")
HEADERS = {"X-API-Key": "key", "Authorization": "Bearer token"}


def write(out: Path, spec: str = "hellgate", **options: Any) -> dict[str, Any]:
    return write_fixtures(FixtureOptions(spec=spec, out=out, progress=False, **options))


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def records(path: Path) -> list[Any]:
    if path.suffix == ".ndjson":
        return [json.loads(line) for line in path.read_text().splitlines()]
    data: list[Any] = json.loads(path.read_text())
    return data


def client(*specs: str, **config: Any) -> TestClient:
    return TestClient(create_app(*specs, **config), base_url="http://testserver")
