"""The answer is the upstream's: status, headers (hop-by-hop ones removed) and bytes unchanged, whatever
the body; a violation is reported exactly when the body breaks its schema (checked against an
independent JSON Schema validator)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock.proxy import ProxyConfig, RunningProxy, serve_proxy
from tests.proxy.conftest import SHOP
from tests.proxy.upstream import Shop
from tests.verify.wrong_server import running

# Framing and per-exchange headers: the proxy re-frames the body, and each call has its own Date.
PER_EXCHANGE = {"date", "transfer-encoding", "content-length", "connection", "specmock-violations"}
PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "minLength": 1},
        "tag": {"type": "string"},
    },
}


@pytest.fixture(scope="module")
def shop_and_proxy() -> Iterator[tuple[str, RunningProxy]]:
    with running(Shop()) as url, serve_proxy(ProxyConfig(SHOP, upstream=url)) as running_proxy:
        yield url, running_proxy


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k.lower(), v) for k, v in response.headers.multi_items() if k.lower() not in PER_EXCHANGE]
    return response.status_code, headers, response.content


def on_the_wire(client: httpx.Client, method: str, url: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and the body's bytes as they came (not decoded)."""
    with client.stream(method, url) as response:
        raw = b"".join(response.iter_raw())
    headers = [(k.lower(), v) for k, v in response.headers.multi_items() if k.lower() not in PER_EXCHANGE]
    return response.status_code, headers, raw


@pytest.mark.parametrize(
    "path",
    [
        "/api/pets",  # two Set-Cookie headers, a custom one
        "/api/pets?break=body",
        "/api/pets?gzip=1",  # relayed compressed, as sent
        "/api/pets/99",
        "/api/orders",
        "/api/orders/4",
        "/api/stats",
        "/api/teapot",
        "/api/users/7",
        "/api/undocumented",
        "/api/export?size=5000000",
    ],
)
def test_status_headers_and_bytes_are_the_upstreams(
    shop_and_proxy: tuple[str, RunningProxy], path: str
) -> None:
    upstream, running_proxy = shop_and_proxy
    with httpx.Client() as client:
        direct = on_the_wire(client, "GET", upstream + path)
        proxied = on_the_wire(client, "GET", running_proxy.url + path)
    assert proxied == direct


def test_a_compressed_body_is_checked_and_relayed_compressed(
    shop_and_proxy: tuple[str, RunningProxy],
) -> None:
    upstream, running_proxy = shop_and_proxy
    path = "/api/pets?gzip=1&break=body"
    with httpx.Client() as client:
        direct = on_the_wire(client, "GET", upstream + path)
        proxied = on_the_wire(client, "GET", running_proxy.url + path)
        found = client.get(running_proxy.url + path).headers["specmock-violations"]
    assert proxied == direct
    assert ("content-encoding", "gzip") in proxied[1]
    assert 'listPets response.body/0/id [schema]: "x"' in found


def test_a_head_request_keeps_the_upstreams_length(shop_and_proxy: tuple[str, RunningProxy]) -> None:
    upstream, running_proxy = shop_and_proxy
    direct = httpx.head(upstream + "/api/pets/2")
    proxied = httpx.head(running_proxy.url + "/api/pets/2")
    assert comparable(proxied) == comparable(direct)
    assert proxied.headers["content-length"] == direct.headers["content-length"] == "38"
    assert proxied.content == b""


def test_hop_by_hop_headers_stay_on_their_connection(proxy: RunningProxy, shop: tuple[Shop, str]) -> None:
    headers = {"Connection": "keep-alive, X-Hop", "X-Hop": "1", "Keep-Alive": "timeout=5", "X-End": "2"}
    httpx.get(proxy.url + "/api/pets/2", headers=headers)
    [(_, _, seen)] = shop[0].seen
    assert seen["x-end"] == "2"
    assert not {"x-hop", "keep-alive", "connection"} & set(seen)
    assert seen["host"] == shop[1].removeprefix("http://")  # the upstream's own name
    assert seen["x-forwarded-host"] == proxy.url.removeprefix("http://")
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-forwarded-for"] == "127.0.0.1"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
pets = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers() | json_values,
        "name": st.text(max_size=4) | json_values,
        "tag": st.text(max_size=4) | json_values,
        "extra": json_values,
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=pets | json_values)
def test_any_body_is_relayed_unchanged_and_flagged_exactly_when_it_breaks_its_schema(
    shop_and_proxy: tuple[str, RunningProxy], body: Any
) -> None:
    _, running_proxy = shop_and_proxy
    raw = json.dumps(body).encode()
    response = httpx.post(
        running_proxy.url + "/api/echo", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.content == raw
    valid = jsonschema.Draft202012Validator(PET).is_valid(body)
    found = response.headers.get("specmock-violations", "")
    assert (found == "") == valid, found
    if not valid:
        assert found.startswith("echo response.body")
