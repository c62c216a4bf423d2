"""The admin API and the browser: a web page the developer visits cannot reach ``/__specmock/``
(no CORS for it, foreign origins and cross-site requests refused, DNS rebinding refused by Host),
while the mocked API keeps the CORS a frontend needs, narrowed by ``cors_origins``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from specmock import serve
from specmock.server import Running
from tests.hostile.conftest import connect, items_spec, read_response, write_spec

EVIL = "http://evil.test"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Running]:
    with serve(write_spec(tmp_path, items_spec()), records=3) as running:
        yield running


def stored(server: Running) -> int:
    return len(httpx.get(server.url + "/__specmock/apis/items/state/items").json())


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/__specmock/reset", {"Origin": EVIL}),
        ("POST", "/__specmock/reset", {"Origin": "null"}),  # sandboxed iframes, file:// pages
        ("POST", "/__specmock/reset", {"Sec-Fetch-Site": "cross-site"}),  # no Origin sent
        ("POST", "/__specmock/reset", {"Sec-Fetch-Site": "same-site"}),  # another port of localhost
        ("DELETE", "/__specmock/journal", {"Origin": EVIL}),
        ("PUT", "/__specmock/apis/items/state/items", {"Origin": EVIL, "Content-Type": "application/json"}),
        ("GET", "/__specmock/journal", {"Origin": EVIL}),
        ("GET", "/__specmock/apis/items/state/items", {"Sec-Fetch-Site": "cross-site"}),
    ],
)
def test_cross_origin_admin_requests_are_refused_and_change_nothing(
    server: Running, method: str, path: str, headers: dict[str, str]
) -> None:
    httpx.post(server.url + "/items", json={"name": "kept"})
    before = stored(server)
    response = httpx.request(method, server.url + path, headers=headers, content=b"[]")
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert not any(name.startswith("access-control-") for name in response.headers)
    assert stored(server) == before == 4


def test_a_text_plain_state_replacement_is_refused(server: Running) -> None:
    """``fetch(url, {method: "PUT", mode: "no-cors"})`` cannot send JSON without a preflight; a
    body of another type is refused whatever the origin."""
    response = httpx.put(
        server.url + "/__specmock/apis/items/state/items",
        content=b"[]",
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert stored(server) == 3


def test_same_origin_and_non_browser_admin_requests_are_served(server: Running) -> None:
    httpx.post(server.url + "/items", json={"name": "gone after reset"})
    assert httpx.post(server.url + "/__specmock/reset", headers={"Origin": server.url}).status_code == 204
    assert stored(server) == 3
    assert httpx.post(server.url + "/__specmock/reset").status_code == 204  # curl, scripts
    same_origin = {"Sec-Fetch-Site": "same-origin", "Origin": server.url}
    assert httpx.get(server.url + "/__specmock/journal", headers=same_origin).status_code == 200


def test_admin_answers_carry_no_cors_headers(server: Running) -> None:
    for method, headers in [
        ("GET", {"Origin": server.url}),
        ("OPTIONS", {"Origin": EVIL, "Access-Control-Request-Method": "POST"}),
    ]:
        response = httpx.request(method, server.url + "/__specmock/journal", headers=headers)
        assert not any(name.startswith("access-control-") for name in response.headers), method


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.test:{port}", 403),  # DNS rebinding: evil.test now resolves to 127.0.0.1
        ("evil.test", 403),
        ("localhost.evil.test:{port}", 403),
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("[::1]:{port}", 200),
        ("localhost", 200),
    ],
)
def test_the_admin_api_answers_only_to_the_hosts_it_serves(server: Running, host: str, status: int) -> None:
    with connect(server.port) as sock:
        sock.sendall(
            f"GET /__specmock/journal HTTP/1.1\r\nHost: {host.format(port=server.port)}\r\n\r\n".encode()
        )
        assert read_response(sock)[0] == status


def test_extra_admin_hosts_can_be_allowed(tmp_path: Path) -> None:
    with serve(write_spec(tmp_path, items_spec()), allowed_hosts=("sandbox.internal",)) as running:
        url = running.url + "/__specmock/journal"
        assert httpx.get(url, headers={"Host": f"sandbox.internal:{running.port}"}).status_code == 200
        assert httpx.get(url, headers={"Host": "other.internal"}).status_code == 403


def test_the_api_reflects_any_origin_with_credentials_by_default(server: Running) -> None:
    response = httpx.get(server.url + "/items", headers={"Origin": "http://localhost:3000"})
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "origin" in response.headers["vary"].lower()


def test_cors_origins_narrow_who_may_read_the_api(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, items_spec())
    with serve(spec, cors_origins=("http://app.test", "http://localhost:3000")) as running:
        allowed = httpx.get(running.url + "/items", headers={"Origin": "http://app.test"})
        assert allowed.headers["access-control-allow-origin"] == "http://app.test"
        assert allowed.headers["access-control-allow-credentials"] == "true"
        refused = httpx.get(running.url + "/items", headers={"Origin": EVIL})
        assert refused.status_code == 200  # the answer is not the browser's to read
        assert "access-control-allow-origin" not in refused.headers
        preflight = httpx.options(
            running.url + "/items", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in preflight.headers


def test_a_preflight_allows_the_documented_methods_and_sensible_headers(server: Running) -> None:
    asked = {
        "Origin": "http://localhost:3000",
        "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "content-type, authorization, x-trace, prefer",
    }
    item = httpx.options(server.url + "/items/1", headers=asked)
    assert item.status_code == 204
    assert sorted(m.strip() for m in item.headers["access-control-allow-methods"].split(",")) == [
        "DELETE",
        "GET",
    ]
    allowed = {h.strip() for h in item.headers["access-control-allow-headers"].lower().split(",")}
    assert {"content-type", "authorization", "prefer"} <= allowed
    assert "x-trace" not in allowed
    collection = httpx.options(server.url + "/items", headers=asked)
    assert "DELETE" not in collection.headers.get("access-control-allow-methods", "")
    nowhere = httpx.options(server.url + "/nowhere", headers=asked)
    assert "access-control-allow-methods" not in nowhere.headers
