"""Compaction (``replica.LOG_BOUND``): past the bound, a snapshot replaces the log's head in Redis.

Every test sets a small bound. A replica that starts late (or fell behind the log's start) restores
the snapshot and applies the entries after it, and must then be indistinguishable from one that
applied every entry: the same answers byte for byte, and the same next ids, records and tokens.
The late replica is given a copy of the Redis database (``COPY … DB 1``) so that the two can be
asked for their *next* creates separately.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from starlette.testclient import TestClient

from specmock.errors import ConfigError
from specmock.server import create_app
from specmock.sharing import replica, snapshot
from tests.redis_server import RedisServer
from tests.sharing.documents import login_document
from tests.state.specs import bookstore

BOUND = 8
CLOCK = 1_700_000_000.0  # frozen: a record's stamps come from the instant its request was logged
COPY_DB = 1


@pytest.fixture(autouse=True)
def small_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bound of BOUND entries, not growing with the state (but in the test of that growth)."""
    monkeypatch.setattr(replica, "LOG_BOUND", BOUND)
    monkeypatch.setattr(replica, "STATE_FACTOR", 0)


@pytest.fixture
def db(redis_server: RedisServer, redis_url: str) -> Iterator[redis.Redis]:
    """The test's database (0, emptied by ``redis_url``), with database 1 emptied for a copy."""
    with redis.Redis(host="127.0.0.1", port=redis_server.port) as client:
        client.execute_command("SELECT", COPY_DB)
        client.flushdb()
        with redis.Redis(host="127.0.0.1", port=redis_server.port, db=0) as zero:
            yield zero
        client.flushdb()


@pytest.fixture
def served(tmp_path: Path, redis_url: str) -> Iterator[Any]:
    """``served(document, db=0, **config)``: an app on the test's Redis; closed at the end."""
    clients: list[TestClient] = []

    def make(spec: dict[str, Any], database: int = 0, **config: Any) -> TestClient:
        path = tmp_path / "spec.yaml"
        if not path.exists():
            path.write_text(yaml.safe_dump(spec, sort_keys=False))
        url = redis_url.rsplit("/", 1)[0] + f"/{database}"
        client = TestClient(create_app(path, store=url, clock=CLOCK, **config), base_url="http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def log_keys(db: redis.Redis) -> dict[str, str]:
    """The Redis keys of the (one) served API's log, by role."""
    (epoch,) = db.keys("specmock:*:epoch")
    prefix = epoch.decode().removesuffix(":epoch")
    return {role: f"{prefix}:{role}" for role in ("epoch", "base", "log", "snapshot")}


def settled(db: redis.Redis) -> dict[str, str]:
    """The log's keys once the last compaction reached Redis (it is sent by a thread)."""
    keys = log_keys(db)
    deadline = time.monotonic() + 10
    while db.llen(keys["log"]) > BOUND and time.monotonic() < deadline:
        time.sleep(0.01)
    return keys


def copy_database(db: redis.Redis) -> None:
    for key in db.keys("*"):
        assert db.copy(key, key, destination_db=COPY_DB)


def book_workload(client: TestClient) -> list[int]:
    """Creates, changes and deletes (nested records, tombstones, a singleton): the ids deleted."""
    ids = [
        client.post("/books", json={"title": f"book {n}", "isbn": f"isbn-{n}"}).json()["id"]
        for n in range(12)
    ]
    for book in ids[:4]:
        assert client.post(f"/books/{book}/loans", json={"borrower": f"reader {book}"}).status_code == 201
    assert client.patch(f"/books/{ids[5]}", json={"title": "changed"}).status_code == 200
    assert client.patch("/settings", json={"theme": "dark"}).status_code == 200
    deleted = [ids[1], ids[6], 1]
    for book in deleted:
        assert client.delete(f"/books/{book}").status_code == 204
    return deleted


def answers(client: TestClient, paths: list[str]) -> list[tuple[int, bytes]]:
    return [(answer.status_code, answer.content) for answer in map(client.get, paths)]


def test_a_replica_started_after_compactions_answers_as_the_one_that_followed_every_entry(
    served: Any, db: redis.Redis
) -> None:
    writer = served(bookstore(), records=3)
    deleted = book_workload(writer)
    keys = settled(db)
    assert int(db.get(keys["base"]) or 0) > BOUND  # compacted more than once
    assert db.hexists(keys["snapshot"], "blob")
    copy_database(db)
    late = served(bookstore(), database=COPY_DB, records=3)

    listed = writer.get("/books", params={"limit": 50}).json()["data"]
    paths = ["/books?limit=50", "/settings", "/__specmock/apis/spec/state/loans"]
    paths += [f"/books/{book['id']}" for book in listed] + [f"/books/{book}" for book in deleted]
    paths += [f"/books/{book['id']}/loans" for book in listed]
    assert answers(late, paths) == answers(writer, paths)
    assert all(status == 404 for status, _ in answers(late, [f"/books/{book}" for book in deleted]))

    for body in ({"title": "next"}, {"title": "after", "isbn": "isbn-3"}, {"title": "another"}):
        made = writer.post("/books", json=body), late.post("/books", json=body)
        assert made[0].status_code == made[1].status_code
        assert made[0].content == made[1].content
    loan = [
        client.post(f"/books/{listed[0]['id']}/loans", json={"borrower": "x"}) for client in (writer, late)
    ]
    assert loan[0].status_code == 201
    assert loan[0].content == loan[1].content


def test_tokens_issued_before_the_snapshot_verify_on_a_late_replica_and_the_next_ones_match(
    served: Any, db: redis.Redis
) -> None:
    writer = served(login_document(), api_keys=("admin",))
    admin = {"X-Key": "admin"}
    made = [writer.post("/sessions", json={"user": f"u{n}"}, headers=admin).json() for n in range(3 * BOUND)]
    tokens = [session["token"] for session in made if "token" in session]  # an optional field
    assert len(tokens) > BOUND
    settled(db)
    copy_database(db)
    late = served(login_document(), database=COPY_DB, api_keys=("admin",))
    for token in (tokens[0], tokens[BOUND // 2], tokens[-1]):
        assert late.get("/sessions", headers={"X-Key": token}).status_code == 200
    assert late.get("/sessions", headers={"X-Key": "never-issued"}).status_code == 401
    fresh = []
    for n in range(4):
        pair = [
            client.post("/sessions", json={"user": f"next {n}"}, headers=admin) for client in (writer, late)
        ]
        assert pair[0].status_code == 201
        assert pair[0].content == pair[1].content
        fresh += [pair[0].json()["token"]] if "token" in pair[0].json() else []
    assert fresh
    for client in (writer, late):
        assert all(client.get("/sessions", headers={"X-Key": token}).status_code == 200 for token in fresh)


def test_the_log_in_redis_stays_within_the_bound_under_a_write_loop(served: Any, db: redis.Redis) -> None:
    a = served(bookstore(), records=2)
    b = served(bookstore(), records=2)
    keys = log_keys(db)
    longest = 0
    deadline = time.monotonic() + 60
    for n in range(30 * BOUND):
        client = (a, b)[n % 2]
        made = client.post("/books", json={"title": f"loop {n}"})
        assert made.status_code == 201
        if n % 3 == 0:
            assert client.delete(f"/books/{made.json()['id']}").status_code == 204
        longest = max(longest, db.llen(keys["log"]))
        if time.monotonic() > deadline:
            break
    # Entries appended while a compaction is on its way to Redis (a thread, milliseconds; longer on a
    # loaded machine) may pass the bound; the log never grows with the loop's 240 writes.
    assert longest <= 4 * BOUND
    assert db.llen(settled(db)["log"]) <= BOUND
    assert a.get("/books", params={"limit": 50}).content == b.get("/books", params={"limit": 50}).content


def test_compaction_work_stays_proportional_to_the_writes_as_the_store_grows(
    served: Any, db: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each snapshot encodes every stored record: with a fixed bound, a store that keeps growing would
    be encoded again every few writes (here ~1 snapshot per 6 writes, 30+ in the loop); with the bound
    following the state, the entries between two snapshots outnumber the records the last one held,
    so the snapshots come at geometrically spaced moments and the log stays within the state's size."""
    monkeypatch.setattr(replica, "STATE_FACTOR", 1)
    captured: list[int] = []
    capture = snapshot.capture

    def counted(api: Any) -> Any:
        captured.append(1)
        return capture(api)

    monkeypatch.setattr(snapshot, "capture", counted)
    writer = served(bookstore(), records=2)
    keys = log_keys(db) if db.keys("specmock:*:epoch") else None
    writes = 30 * BOUND
    deadline = time.monotonic() + 60
    longest = 0
    for n in range(writes):
        assert writer.post("/books", json={"title": f"grows {n}"}).status_code == 201
        keys = keys or log_keys(db)
        longest = max(longest, db.llen(keys["log"]))
        if time.monotonic() > deadline:
            break
    stored = len(writer.get("/__specmock/apis/spec/state/books").json())
    assert 1 <= len(captured) <= 12
    assert longest <= 2 * stored + 4 * BOUND
    late = served(bookstore(), records=2)
    page = {"limit": 50}
    assert late.get("/books", params=page).content == writer.get("/books", params=page).content


def test_a_reset_after_compactions_drops_the_snapshot_and_late_replicas_start_from_the_seed(
    served: Any, db: redis.Redis
) -> None:
    writer = served(bookstore(), records=3)
    seeded = writer.get("/books", params={"limit": 50}).content
    book_workload(writer)
    keys = settled(db)
    assert db.exists(keys["snapshot"])
    assert writer.post("/__specmock/reset").status_code == 204
    assert not db.exists(keys["snapshot"])
    late = served(bookstore(), records=3)
    assert late.get("/books", params={"limit": 50}).content == seeded
    book_workload(writer)  # compacts again, from the reset
    settled(db)
    assert db.exists(keys["snapshot"])
    later = served(bookstore(), records=3)
    paths = ["/books?limit=50", "/settings", "/__specmock/apis/spec/state/loans"]
    assert answers(later, paths) == answers(writer, paths) == answers(late, paths)


def garble(db: redis.Redis, key: str) -> None:
    blob = db.hget(key, "blob")
    assert blob is not None
    middle = len(blob) // 2
    db.hset(key, "blob", blob[:middle] + b"#" + blob[middle + 1 :])


def test_an_unreadable_snapshot_stops_a_late_replica_with_an_error_naming_the_key(
    served: Any, db: redis.Redis
) -> None:
    writer = served(bookstore(), records=3)
    book_workload(writer)
    keys = settled(db)
    garble(db, keys["snapshot"])
    with pytest.raises(ConfigError) as refused:
        served(bookstore(), records=3)
    message = str(refused.value)
    assert keys["snapshot"] in message
    assert "checksum" in message
    assert "Traceback" not in message


def test_a_replica_behind_an_unreadable_snapshot_answers_503_until_a_readable_one_replaces_it(
    served: Any, db: redis.Redis
) -> None:
    idle = served(bookstore(), records=3)  # starts first, then falls behind the log's start
    writer = served(bookstore(), records=3)
    book_workload(writer)
    keys = settled(db)
    garble(db, keys["snapshot"])
    lost = idle.get("/books")
    assert lost.status_code == 503
    assert keys["snapshot"] in lost.text
    assert idle.post("/books", json={"title": "refused"}).status_code == 503
    for n in range(BOUND + 1):  # the writer compacts again: a readable snapshot replaces it
        assert writer.post("/books", json={"title": f"more {n}"}).status_code == 201
    settled(db)
    deadline = time.monotonic() + 10
    while idle.get("/books").status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.05)
    paths = ["/books?limit=50", "/settings", "/__specmock/apis/spec/state/loans"]
    assert answers(idle, paths) == answers(writer, paths)
