"""Hellgate authentications, as a frontend pages through them."""

from __future__ import annotations

import math
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.bundled.conftest import HELLGATE_KEY, client_for


def page(client: TestClient, **query: Any) -> dict[str, Any]:
    response = client.get("/authentications", headers=HELLGATE_KEY, params=query)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_default_page_is_50() -> None:
    client = client_for("hellgate", records=120)
    body = page(client)
    assert len(body["data"]) == 50
    assert body["pagination"] == {"current_page": 1, "page_size": 50, "total_items": 120, "total_pages": 3}


@pytest.mark.parametrize("limit", [1, 3, 7, 20, 500])
def test_pages_hold_at_most_limit_and_add_up(hellgate: TestClient, limit: int) -> None:
    total = page(hellgate)["pagination"]["total_items"]
    pages = math.ceil(total / limit)
    ids: list[str] = []
    for number in range(1, pages + 1):
        body = page(hellgate, limit=limit, page=number)
        assert len(body["data"]) <= limit
        assert body["pagination"] == {
            "current_page": number,
            "page_size": limit,
            "total_items": total,
            "total_pages": pages,
        }
        ids += [a["id"] for a in body["data"]]
    assert len(ids) == len(set(ids)) == total
    assert page(hellgate, limit=limit, page=pages + 1)["data"] == []


def test_type_filters_by_use_case(hellgate: TestClient) -> None:
    everything = page(hellgate, limit=500)["data"]
    for use_case in {a["use_case"] for a in everything}:
        body = page(hellgate, type=use_case, limit=2)
        expected = [a["id"] for a in everything if a["use_case"] == use_case]
        assert body["pagination"]["total_items"] == len(expected)
        assert body["pagination"]["total_pages"] == math.ceil(len(expected) / 2)
        assert [a["id"] for a in body["data"]] == expected[:2]
    none = page(hellgate, type="NO_SUCH_TYPE")
    assert none["data"] == []
    assert none["pagination"]["total_items"] == 0


@pytest.mark.parametrize(
    ("query", "name"), [("limit=501", "limit"), ("limit=0", "limit"), ("page=0", "page")]
)
def test_out_of_range_paging_gives_422_naming_the_parameter(
    hellgate: TestClient, query: str, name: str
) -> None:
    response = hellgate.get(f"/authentications?{query}", headers=HELLGATE_KEY)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == 422
    assert body["classifier"] == "VALIDATION_ERROR"
    assert [e["path"] for e in body["validation_errors"]] == [f"query.{name}"]


def test_missing_or_wrong_credentials_give_hellgates_401() -> None:
    client = client_for("hellgate", api_keys=("hg-right",))
    for headers in ({}, {"X-API-Key": "hg-wrong"}):
        response = client.get("/authentications", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == 401
        assert set(body) == {"code", "classifier", "message"}
    assert client.get("/authentications", headers={"X-API-Key": "hg-right"}).status_code == 200
