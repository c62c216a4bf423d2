"""Two apps on one Redis (``--store``) behave as one sandbox: whatever one changes, the other shows.

Each app is a separate ``SpecmockApp`` with its own in-memory copy, as two replicas behind a load
balancer are; they meet only through the real redis-server the suite starts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from specmock.server import create_app
from tests.bundled.test_extensions import RESOURCE, document
from tests.sharing.documents import login_document
from tests.state.specs import bookstore, json_body

Replicas = Callable[..., tuple[TestClient, TestClient]]


@pytest.fixture
def replicas(tmp_path: Path, redis_url: str) -> Iterator[Replicas]:
    """Two apps serving the same document from the same store (and the same seed, unless told)."""
    clients: list[TestClient] = []

    def make(spec: dict[str, Any], **config: Any) -> tuple[TestClient, TestClient]:
        path = tmp_path / f"spec{len(clients)}.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False))
        pair = []
        for _ in range(2):
            client = TestClient(create_app(path, store=redis_url, **config), base_url="http://testserver")
            clients.append(client)
            pair.append(client)
        return pair[0], pair[1]

    yield make
    for client in clients:
        client.close()


def test_a_record_created_on_one_replica_is_read_listed_changed_and_deleted_on_the_other(
    replicas: Replicas,
) -> None:
    a, b = replicas(bookstore(), records=3)
    made = a.post("/books", json={"title": "Shared", "isbn": "111"})
    assert made.status_code == 201
    book = made.json()
    assert b.get(f"/books/{book['id']}").json() == book
    assert book["id"] in [item["id"] for item in b.get("/books").json()["data"]]
    changed = b.patch(f"/books/{book['id']}", json={"title": "Changed"})
    assert changed.status_code == 200
    assert a.get(f"/books/{book['id']}").json()["title"] == "Changed"
    assert a.delete(f"/books/{book['id']}").status_code == 204
    assert b.get(f"/books/{book['id']}").status_code == 404
    assert b.delete(f"/books/{book['id']}").status_code == 404


def test_both_replicas_hand_out_distinct_ids_and_refuse_a_unique_value_taken_on_the_other(
    replicas: Replicas,
) -> None:
    a, b = replicas(bookstore(), records=2)
    ids = [
        client.post("/books", json={"title": f"t{i}"}).json()["id"] for i, client in enumerate((a, b, a, b))
    ]
    assert len(set(ids)) == 4
    assert a.post("/books", json={"title": "x", "isbn": "978-1"}).status_code == 201
    taken = b.post("/books", json={"title": "y", "isbn": "978-1"})
    assert taken.status_code == 409


def test_a_unique_value_sent_to_both_replicas_at_once_is_stored_once(replicas: Replicas) -> None:
    a, b = replicas(bookstore(), records=1)
    for round_ in range(10):
        body = {"title": "race", "isbn": f"isbn-{round_}"}
        with ThreadPoolExecutor(2) as pool:
            answers = pool.map(lambda pair: pair[0].post("/books", json=pair[1]), ((a, body), (b, body)))
            statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [201, 409]
    listed = a.get("/books", params={"limit": 50}).json()["data"]
    assert sorted(book.get("isbn") for book in listed if book.get("title") == "race") == sorted(
        f"isbn-{n}" for n in range(10)
    )


def test_singletons_and_nested_records_are_shared(replicas: Replicas) -> None:
    a, b = replicas(bookstore(), records=2)
    assert a.patch("/settings", json={"theme": "dark"}).status_code == 200
    assert b.get("/settings").json()["theme"] == "dark"
    loan = a.post("/books/1/loans", json={"borrower": "ann"})
    assert loan.status_code == 201
    assert b.get(f"/books/1/loans/{loan.json()['id']}").json()["borrower"] == "ann"
    assert b.delete("/books/1").status_code == 204
    assert a.get(f"/books/1/loans/{loan.json()['id']}").status_code == 404


def test_a_cached_read_is_never_answered_after_the_other_replica_changed_the_data(
    replicas: Replicas,
) -> None:
    a, b = replicas(bookstore(), records=2)
    for round_ in range(5):
        first = b.get("/books/1").json()
        assert b.get("/books/1").json() == first  # cached now
        assert a.patch("/books/1", json={"title": f"round {round_}"}).status_code == 200
        assert b.get("/books/1").json()["title"] == f"round {round_}"


def test_reset_and_the_admin_state_endpoints_act_on_every_replica(replicas: Replicas) -> None:
    a, b = replicas(bookstore(), records=3)
    seeded = b.get("/__specmock/apis/spec0/state/books").json()
    assert a.post("/books", json={"title": "gone after reset"}).status_code == 201
    assert len(b.get("/__specmock/apis/spec0/state/books").json()) == len(seeded) + 1
    assert b.post("/__specmock/reset").status_code == 204
    assert a.get("/__specmock/apis/spec0/state/books").json() == seeded
    replaced = [{"id": 7, "title": "only", "created": "2024-01-01T00:00:00Z"}]
    assert a.put("/__specmock/apis/spec0/state/books", json=replaced).status_code == 204
    assert [book["id"] for book in b.get("/books").json()["data"]] == [7]
    duplicate = replaced + replaced
    assert b.put("/__specmock/apis/spec0/state/books", json=duplicate).status_code == 422
    assert [book["id"] for book in a.get("/books").json()["data"]] == [7]


def test_the_journal_is_shared_and_bounded(replicas: Replicas) -> None:
    a, b = replicas(bookstore(), records=1)
    assert a.get("/books/1").status_code == 200
    assert b.get("/books", params={"author": "x"}).status_code == 200
    paths = [entry["path"] for entry in a.get("/__specmock/journal").json()]
    assert paths == ["/books/1", "/books?author=x"]
    assert [entry["path"] for entry in b.get("/__specmock/journal", params={"limit": 1}).json()] == [
        "/books?author=x"
    ]
    assert b.delete("/__specmock/journal").status_code == 204
    assert a.get("/__specmock/journal").json() == []
    for _ in range(1005):
        a.get("/health")
    kept = b.get("/__specmock/journal").json()
    assert len(kept) == 1000
    assert kept[-1]["id"] - kept[0]["id"] == 999


def test_a_credential_issued_by_one_replica_is_accepted_by_the_other(
    replicas: Replicas, tmp_path: Path
) -> None:
    a, b = replicas(login_document(), api_keys=("admin",))
    token = a.post("/sessions", json={"user": "ann"}, headers={"X-Key": "admin"}).json()["token"]
    made = b.post("/sessions", json={"user": "bob"}, headers={"X-Key": token})  # a write, at once
    assert made.status_code == 201
    assert a.get("/sessions", headers={"X-Key": made.json()["token"]}).status_code == 200
    assert b.get("/sessions", headers={"X-Key": token}).status_code == 200
    assert b.get("/sessions", headers={"X-Key": "never-issued"}).status_code == 401


def test_expiry_is_decided_alike_on_every_replica(replicas: Replicas) -> None:
    a, b = replicas(document({**RESOURCE, "expires": {"field": "until", "ttl": 1}}), records=1)
    made = a.post("/sessions", json={"owner": 1})
    assert made.status_code == 201
    assert b.get(f"/sessions/{made.json()['id']}").json() == made.json()
    time.sleep(1.2)
    assert a.get(f"/sessions/{made.json()['id']}").status_code == 404
    assert b.get(f"/sessions/{made.json()['id']}").status_code == 404


def test_sandboxes_of_other_seeds_share_one_redis_without_meeting(replicas: Replicas) -> None:
    one, _ = replicas(bookstore(), records=2, seed=1)
    other, _ = replicas(bookstore(), records=2, seed=2)
    assert one.post("/books", json={"title": "seed one only"}).status_code == 201
    titles = [book["title"] for book in other.get("/books").json()["data"]]
    assert "seed one only" not in titles
    assert len(titles) == 2


def test_an_item_materialised_by_a_read_or_a_nested_list_on_one_replica_is_listed_on_the_other(
    replicas: Replicas,
) -> None:
    a, b = replicas(_devices_document(), records=2)
    seeded = [device["id"] for device in b.get("/devices").json()]
    read = a.get("/devices/sensor-a")  # no create: any id read exists until deleted
    assert read.status_code == 200
    assert [device["id"] for device in b.get("/devices").json()] == [*seeded, "sensor-a"]
    assert b.get("/devices/sensor-a").json() == read.json()
    assert b.get("/devices/sensor-b/logs").status_code == 200  # its device materialises on the way
    assert [device["id"] for device in a.get("/devices").json()] == [*seeded, "sensor-a", "sensor-b"]
    assert a.delete("/devices/sensor-a").status_code == 204
    assert b.get("/devices/sensor-a").status_code == 404


def _devices_document() -> dict[str, Any]:
    device = {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
    entry = {"type": "object", "properties": {"id": {"type": "string"}, "line": {"type": "string"}}}
    item = [{"name": "deviceId", "in": "path", "required": True, "schema": {"type": "string"}}]

    def listing(schema: dict[str, Any]) -> dict[str, Any]:
        return {"200": json_body({"type": "array", "items": schema})}

    return {
        "openapi": "3.1.0",
        "info": {"title": "devices", "version": "1"},
        "paths": {
            "/devices": {"get": {"responses": listing(device)}},
            "/devices/{deviceId}": {
                "parameters": item,
                "get": {"responses": {"200": json_body(device), "404": {"description": "none"}}},
                "delete": {"responses": {"204": {"description": "gone"}, "404": {"description": "none"}}},
            },
            "/devices/{deviceId}/logs": {
                "parameters": item,
                "get": {"responses": {**listing(entry), "404": {"description": "none"}}},
            },
        },
    }


def test_a_reset_returns_every_replica_to_the_fixture_records(replicas: Replicas, tmp_path: Path) -> None:
    """Each process reloads the fixture files itself when it applies the reset: none logs them again
    (a load logged by every process would replace what was written after the reset)."""
    spec = tmp_path / "plain.yaml"
    spec.write_text(yaml.safe_dump(bookstore(), sort_keys=False))
    book = TestClient(create_app(spec, records=1)).get("/books/1").json()
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "books.json").write_text(json.dumps([{**book, "title": "From the fixture"}]))
    a, b = replicas(bookstore(), records=3, fixtures=folder)
    assert a.post("/books", json={"title": "made"}).status_code == 201
    assert b.post("/__specmock/reset").status_code == 204
    assert a.post("/books", json={"title": "after the reset"}).status_code == 201
    for client in (a, b):
        titles = [book["title"] for book in client.get("/books").json()["data"]]
        assert titles == ["From the fixture", "after the reset"]
