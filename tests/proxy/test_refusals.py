"""``--errors``: an invalid request gets the spec-shaped 4xx and never reaches the upstream; an answer
that breaks the spec becomes a 502 problem naming each violation. ``--strict``: undocumented paths and
methods are refused. An upstream that does not answer gives 502 / 504."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from specmock.proxy import ProxyConfig, RunningProxy, serve_proxy
from specmock.server import free_port
from tests.proxy.conftest import SHOP
from tests.proxy.upstream import Shop


@pytest.fixture
def strict_proxy(shop: tuple[Shop, str]) -> Iterator[RunningProxy]:
    with serve_proxy(ProxyConfig(SHOP, upstream=shop[1], errors=True, strict=True)) as running_proxy:
        yield running_proxy


def forwarded(shop: Shop) -> list[str]:
    return [f"{method} {path}" for method, path, _ in shop.seen]


def test_an_invalid_request_gets_the_documented_error_shape_and_is_not_forwarded(
    strict_proxy: RunningProxy, shop: tuple[Shop, str]
) -> None:
    response = httpx.get(strict_proxy.url + "/api/pets?limit=1000")
    assert response.status_code == 400  # listPets documents 400 (not 422) with the Error schema
    body = response.json()
    assert body["code"] == 400
    assert "query.limit" in body["message"]
    assert "listPets request.query.limit [schema]" in response.headers["specmock-violations"]
    assert forwarded(shop[0]) == []


def test_missing_credentials_get_the_documented_401_and_are_not_forwarded(
    strict_proxy: RunningProxy, shop: tuple[Shop, str]
) -> None:
    response = httpx.post(strict_proxy.url + "/api/pets", json={"name": "Kit"})
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}
    assert forwarded(shop[0]) == []
    accepted = httpx.post(strict_proxy.url + "/api/pets", json={"name": "Kit"}, headers={"X-API-Key": "k"})
    assert accepted.status_code == 201
    assert forwarded(shop[0]) == ["POST /api/pets"]


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/api/teapot", "getTeapot response.status [status]"),
        ("/api/stats", "getStats response.header.content-type [content-type]"),
        ("/api/pets?break=header", "listPets response.header.X-Total-Count [header]"),
        ("/api/pets?break=body", "listPets response.body/0/id [schema]"),
    ],
)
def test_an_answer_that_breaks_the_spec_becomes_a_502_naming_it(
    strict_proxy: RunningProxy, path: str, named: str
) -> None:
    response = httpx.get(strict_proxy.url + path)
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 502
    assert any(v.startswith(named) for v in problem["violations"])
    assert named in problem["detail"]
    assert strict_proxy.journal()[-1]["status"] == 502


@pytest.mark.parametrize(("method", "status"), [("GET", 404), ("DELETE", 405)])
def test_strict_refuses_what_the_spec_does_not_document(
    strict_proxy: RunningProxy, shop: tuple[Shop, str], method: str, status: int
) -> None:
    path = "/api/undocumented" if status == 404 else "/api/stats"
    response = httpx.request(method, strict_proxy.url + path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert "[undocumented]" in response.headers["specmock-violations"]
    if status == 405:
        assert response.headers["allow"] == "GET"
    assert forwarded(shop[0]) == []


def test_errors_mode_relays_valid_traffic_unchanged(strict_proxy: RunningProxy) -> None:
    response = httpx.get(strict_proxy.url + "/api/pets/2")
    assert (response.status_code, response.json()) == (200, {"id": 2, "name": "Tom", "tag": "cat"})
    assert "specmock-violations" not in response.headers


def test_an_upstream_that_does_not_answer_gives_a_502_naming_it() -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with serve_proxy(ProxyConfig(SHOP, upstream=closed)) as running_proxy:
        response = httpx.get(running_proxy.url + "/api/pets")
    assert response.status_code == 502
    assert "listPets upstream [unreachable]" in response.headers["specmock-violations"]
    assert closed in response.json()["detail"]


def test_a_slow_upstream_gives_a_504(shop: tuple[Shop, str]) -> None:
    config = replace(ProxyConfig(SHOP, upstream=shop[1]), timeout=0.3)
    shop[0].release.clear()
    with serve_proxy(config) as running_proxy:
        # The export waits for `release` after its first 10 bytes: the read times out.
        response = httpx.get(running_proxy.url + "/api/export?size=100&chunk=10&gate=10", timeout=20)
    shop[0].release.set()
    assert response.status_code == 504
    assert "export upstream [timeout]" in response.headers["specmock-violations"]
