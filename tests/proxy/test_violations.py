"""Each kind of contract break is found, relayed unchanged, and named (operation, place, rule) in the
``Specmock-Violations`` header, the journal and the log; valid traffic carries no violation."""

from __future__ import annotations

import logging

import httpx
import pytest

from specmock.proxy import RunningProxy
from tests.proxy.upstream import Shop

KEY = {"X-API-Key": "k"}


def violations(response: httpx.Response) -> str:
    return response.headers.get("specmock-violations", "")


@pytest.mark.parametrize(
    ("request_line", "status", "expected"),
    [
        (
            "GET /api/teapot",
            418,
            "getTeapot response.status [status]: 418 is not documented (documented: 200)",
        ),
        (
            "GET /api/stats",
            200,
            "getStats response.header.content-type [content-type]: 'text/plain' is not documented for 200",
        ),
        (
            "GET /api/pets?break=header",
            200,
            "listPets response.header.X-Total-Count [header]: required header is missing",
        ),
        (
            "GET /api/pets?break=body",
            200,
            'listPets response.body/0/id [schema]: "x" is not of type "integer"',
        ),
        ("GET /api/orders", 501, "listOrders response.status [status]: 501 is not documented"),
        (
            "GET /api/undocumented",
            200,
            "- request.path [undocumented]: GET /api/undocumented matches no operation of the spec",
        ),
        (
            "GET /api/pets?limit=1000",
            200,
            "listPets request.query.limit [schema]: 1000 is greater than the maximum of 100",
        ),
        (
            "DELETE /api/stats",
            200,
            "- request.method [undocumented]: DELETE /api/stats matches no operation of the spec",
        ),
    ],
)
def test_each_break_is_named_in_the_header_the_journal_and_the_log(
    proxy: RunningProxy, caplog: pytest.LogCaptureFixture, request_line: str, status: int, expected: str
) -> None:
    method, path = request_line.split(" ", 1)
    with caplog.at_level(logging.WARNING, logger="specmock"):
        response = httpx.request(method, proxy.url + path)
    assert response.status_code == status  # the upstream's status, relayed
    assert expected in violations(response)
    [entry] = proxy.journal()
    assert (entry["method"], entry["path"], entry["status"]) == (method, path, status)
    assert any(expected in v for v in entry["violations"])
    assert any(expected in record.getMessage() for record in caplog.records)


def test_missing_credentials_and_an_invalid_body_are_reported_and_still_forwarded(
    proxy: RunningProxy, shop: tuple[Shop, str]
) -> None:
    response = httpx.post(proxy.url + "/api/pets", json={"name": ""})
    found = violations(response)
    assert "createPet request.security [security]: missing or invalid credentials" in found
    assert "createPet request.body/name [schema]:" in found
    assert response.status_code == 201  # not --errors: the upstream decided
    assert ("POST", "/api/pets") in [(m, p) for m, p, _ in shop[0].seen]


def test_a_documented_404_in_the_documented_shape_is_no_violation(proxy: RunningProxy) -> None:
    response = httpx.get(proxy.url + "/api/pets/99")
    assert response.status_code == 404
    assert response.json() == {"code": 404, "message": "no pet 99"}
    assert "specmock-violations" not in response.headers


def test_valid_traffic_carries_no_violation(proxy: RunningProxy) -> None:
    answers = [
        httpx.get(proxy.url + "/api/pets?limit=5"),
        httpx.get(proxy.url + "/api/pets/2"),
        httpx.post(proxy.url + "/api/pets", json={"name": "Kit"}, headers=KEY),
        httpx.get(proxy.url + "/api/pets/2/visits"),
        httpx.delete(proxy.url + "/api/pets/1"),
        httpx.get(proxy.url + "/api/users/7"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 201, 200, 204, 200]
    assert [violations(a) for a in answers] == [""] * 6
    assert all(entry["violations"] == () for entry in proxy.journal())
    assert [entry["operation"] for entry in proxy.journal()] == [
        "shop:listPets",
        "shop:getPet",
        "shop:createPet",
        "shop:listVisits",
        "shop:deletePet",
        "shop:getUser",
    ]
