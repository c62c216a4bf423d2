"""``--record DIR`` → ``serve --fixtures DIR``: a session against the backend becomes an offline sandbox
that answers what the backend answered, with no secret and no header written down."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from specmock.export import read_records
from specmock.proxy import ProxyConfig, serve_proxy
from specmock.server import serve
from tests.proxy.conftest import SHOP
from tests.proxy.upstream import USER, Shop

API_KEY = "sk-live-do-not-write-me"


def record_session(url: str, folder: Path) -> None:
    key = {"X-API-Key": API_KEY}
    with (
        serve_proxy(ProxyConfig(SHOP, upstream=url, record=folder)) as running_proxy,
        httpx.Client(
            base_url=running_proxy.url + "/api", headers={"Cookie": "session=abc-cookie-value"}
        ) as client,
    ):
        assert client.get("/pets").status_code == 200  # 1, 2, 3 (summaries merge with reads)
        assert client.get("/pets/2").status_code == 200
        assert client.post("/pets", json={"name": "Kit", "tag": "new"}, headers=key).status_code == 201  # 4
        assert client.delete("/pets/1").status_code == 204
        assert client.get("/pets/2/visits").status_code == 200
        assert client.post("/pets/3/visits", json={"id": 1, "reason": "checkup"}).status_code == 201
        assert client.get("/users/7").status_code == 200
        assert client.get("/pets?break=body").status_code == 200  # a record that breaks the schema
        assert client.get("/orders").status_code == 501  # nothing to record


def test_a_recorded_session_is_served_offline(shop: tuple[Shop, str], tmp_path: Path) -> None:
    folder = tmp_path / "recorded"
    record_session(shop[1], folder)
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        "pets.json",
        "users.json",
        "visits.json",
    ]
    assert [p["id"] for p in read_records(folder / "pets.json")] == [2, 3, 4]  # 1 deleted, "x" refused

    with serve(SHOP, fixtures=folder) as sandbox, httpx.Client(base_url=sandbox.url + "/api") as client:
        assert client.get("/pets").json() == [
            {"id": 2, "name": "Tom", "tag": "cat"},
            {"id": 3, "name": "Nemo"},
            {"id": 4, "name": "Kit", "tag": "new"},
        ]
        assert client.get("/pets/1").status_code == 404
        assert client.get("/pets/2/visits").json() == [{"id": 1, "petId": 2, "reason": "vaccine"}]
        assert client.get("/pets/3/visits").json() == [{"id": 1, "petId": 3, "reason": "checkup"}]
        user = client.get("/users/7").json()
    assert user["name"] == "Ann"
    assert set(user) == {"id", "name", "apiToken"}  # no password, no recovery code
    assert len(user["apiToken"]) >= 8  # required: a seeded stand-in of the right shape …
    assert user["apiToken"] != USER["apiToken"]  # … not the real one


def test_no_secret_and_no_header_is_written(shop: tuple[Shop, str], tmp_path: Path) -> None:
    folder = tmp_path / "recorded"
    record_session(shop[1], folder)
    written = "\n".join(p.read_text() for p in folder.iterdir())
    for secret in (USER["password"], USER["apiToken"], USER["recoveryCode"], API_KEY, "abc-cookie-value"):
        assert secret not in written
    assert "a=1" not in written  # the upstream's Set-Cookie either
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["recorded_from"] == shop[1]
    assert {f["file"]: f["records"] for f in manifest["files"]} == {
        "pets.json": 3,
        "users.json": 1,
        "visits.json": 2,
    }


def test_a_second_session_adds_to_the_first(shop: tuple[Shop, str], tmp_path: Path) -> None:
    folder = tmp_path / "recorded"
    with serve_proxy(ProxyConfig(SHOP, upstream=shop[1], record=folder)) as running_proxy:
        httpx.get(running_proxy.url + "/api/pets/2")
    with serve_proxy(ProxyConfig(SHOP, upstream=shop[1], record=folder)) as running_proxy:
        httpx.get(running_proxy.url + "/api/pets/3")
    assert [p["id"] for p in read_records(folder / "pets.json")] == [2, 3]


def test_a_nested_record_waits_for_its_parent(shop: tuple[Shop, str], tmp_path: Path) -> None:
    folder = tmp_path / "recorded"
    with serve_proxy(ProxyConfig(SHOP, upstream=shop[1], record=folder)) as running_proxy:
        httpx.get(running_proxy.url + "/api/pets/2/visits")
        assert read_records(folder / "visits.json") == []  # pet 2 not recorded yet
        httpx.get(running_proxy.url + "/api/pets/2")
        assert read_records(folder / "visits.json") == [
            {"parent": ["2"], "record": {"id": 1, "petId": 2, "reason": "vaccine"}}
        ]
