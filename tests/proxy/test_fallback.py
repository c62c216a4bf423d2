"""``--fallback mock``: what the upstream does not implement yet is answered by the mock.

The rule: a 501, or a 404 / 405 that fits no documented response of the operation (its status,
Content-Type or body shape), means "not implemented"; a 404 the operation documents, in the
documented shape, is a real answer ("no such record") and is relayed.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from specmock.proxy import ProxyConfig, RunningProxy, serve_proxy
from tests.proxy.conftest import SHOP
from tests.proxy.upstream import Shop


@pytest.fixture
def mixed(shop: tuple[Shop, str]) -> Iterator[RunningProxy]:
    with serve_proxy(ProxyConfig(SHOP, upstream=shop[1], fallback="mock", seed=3)) as running_proxy:
        yield running_proxy


def test_a_501_is_answered_by_the_mock_in_the_documented_shape(mixed: RunningProxy) -> None:
    response = httpx.get(mixed.url + "/api/orders")
    assert response.status_code == 200
    orders = response.json()
    assert len(orders) == 20  # the mock's seeded records
    assert all(set(order) == {"id", "total"} and order["total"] >= 0 for order in orders)
    assert (
        "listOrders response.status [not-implemented]: the upstream answered 501"
        in (response.headers["specmock-violations"])
    )
    assert mixed.journal()[-1]["status"] == 200


def test_a_404_that_fits_no_documented_response_is_answered_by_the_mock(
    mixed: RunningProxy, shop: tuple[Shop, str]
) -> None:
    response = httpx.get(mixed.url + "/api/orders/3")  # the upstream: 404 text/html "Cannot GET"
    assert response.status_code == 200
    assert response.json()["id"] == 3
    assert (
        "getOrder response.status [not-implemented]: the upstream answered 404"
        in (response.headers["specmock-violations"])
    )
    assert ("GET", "/api/orders/3") in [(m, p) for m, p, _ in shop[0].seen]  # asked first


def test_the_mock_keeps_state_for_what_it_answers(mixed: RunningProxy) -> None:
    listed = httpx.get(mixed.url + "/api/orders").json()
    one = httpx.get(mixed.url + f"/api/orders/{listed[1]['id']}").json()
    assert one == listed[1]  # the same seeded store answers both


def test_a_documented_404_in_the_documented_shape_is_relayed(mixed: RunningProxy) -> None:
    response = httpx.get(mixed.url + "/api/pets/99")
    assert response.status_code == 404
    assert response.json() == {"code": 404, "message": "no pet 99"}
    assert "specmock-violations" not in response.headers


def test_implemented_operations_are_still_the_upstreams(mixed: RunningProxy) -> None:
    assert httpx.get(mixed.url + "/api/pets/2").json() == {"id": 2, "name": "Tom", "tag": "cat"}


def test_without_the_fallback_the_501_is_relayed(proxy: RunningProxy) -> None:
    response = httpx.get(proxy.url + "/api/orders")
    assert response.status_code == 501
    assert response.json() == {"error": "not implemented"}
