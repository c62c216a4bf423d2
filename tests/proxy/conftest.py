from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from specmock.proxy import ProxyConfig, RunningProxy, serve_proxy
from tests.proxy.upstream import Shop
from tests.verify.wrong_server import running

SHOP = Path(__file__).resolve().parent / "shop.yaml"


@pytest.fixture
def shop() -> Iterator[tuple[Shop, str]]:
    """The backend on 127.0.0.1 (a free port), stopped by its own handle."""
    app = Shop()
    with running(app) as url:
        yield app, url


@pytest.fixture
def proxy(shop: tuple[Shop, str]) -> Iterator[RunningProxy]:
    """specmock proxy shop.yaml --upstream <shop>, default flags."""
    with serve_proxy(ProxyConfig(SHOP, upstream=shop[1])) as running_proxy:
        yield running_proxy
