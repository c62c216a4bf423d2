"""Clients for the three bundled sandboxes, each served alone (its own base path), seed 1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from specmock.server import create_app

REBILLY = "/organizations/org_0YVDM8RC7GDADADSBSMW124JA8"
AUTHENTIK = "/api/v3"
REBILLY_KEY = {"REB-APIKEY": "sk_sandbox_1"}
AUTHENTIK_KEY = {"Authorization": "Bearer ak-token"}
HELLGATE_KEY = {"X-API-Key": "hg-key"}


class Clock:
    """A hand-moved clock for expiry: ``sandbox.now = clock``."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:  # 2027-01-15T08:00:00Z
        self.value = now

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


def client_for(name: str, **options: Any) -> TestClient:
    return TestClient(create_app(name, seed=1, **options), base_url="http://testserver")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rebilly(clock: Clock) -> TestClient:
    client = client_for("rebilly")
    client.app.apis[0].sandbox.now = clock  # type: ignore[attr-defined]
    return client


@pytest.fixture
def authentik() -> TestClient:
    return client_for("authentik")


@pytest.fixture
def hellgate() -> TestClient:
    return client_for("hellgate")


MakeClient = Callable[..., TestClient]
