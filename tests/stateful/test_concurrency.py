"""Acceptance: many clients at once against a real server, then the store holds exactly the survivors.

`specmock.serve` runs the bookstore on 127.0.0.1 (Granian in a thread). Eight workers, each with its own
keep-alive connection, create, update, read, list and delete books for a bounded time and count. Then the
list, paged through, must hold exactly the books no worker deleted, each with its last written title:
no phantom record, no lost one, no id handed out twice, the total and `X-Total-Count` right.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from specmock import serve
from tests.stateful.specs import BOOKSTORE, write_spec

WORKERS = 8
SECONDS = 3.0
MAX_OPERATIONS = 150  # per worker
RECORDS = 16  # seeded books: two per worker, each deleted by its owner only
MAX_LIMIT = 20


@dataclass
class WorkerLog:
    """What one worker did and saw; only that worker writes its log."""

    created: dict[int, str] = field(default_factory=dict)  # id → title it last wrote
    deleted: set[int] = field(default_factory=set)
    updated_seeded: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    operations: int = 0


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = write_spec(tmp_path_factory.mktemp("concurrency"), "bookstore", BOOKSTORE)
    with serve(path, seed=3, records=RECORDS) as running:
        assert running.host == "127.0.0.1"
        yield running.url


def _reset(url: str) -> None:
    response = httpx.post(f"{url}/__specmock/reset", timeout=10)
    assert response.status_code in (200, 204), response.text


def _all_books(client: httpx.Client) -> tuple[list[dict[str, Any]], int]:
    """Every book, paged through with limit/offset; checks each page's total and header on the way."""
    books: list[dict[str, Any]] = []
    first = client.get("/books", params={"limit": MAX_LIMIT})
    assert first.status_code == 200, first.text
    total = first.json()["total"]
    for offset in range(0, total + 1, MAX_LIMIT):
        response = (
            first if offset == 0 else client.get("/books", params={"limit": MAX_LIMIT, "offset": offset})
        )
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == total, "the total changed while nobody was writing"
        assert int(response.headers["x-total-count"]) == total
        assert page["offset"] == offset
        books.extend(page["items"])
        if offset + MAX_LIMIT >= total:
            break
    return books, total


def _expect(log: WorkerLog, response: httpx.Response, *statuses: int) -> bool:
    if response.status_code in statuses:
        return True
    request = response.request
    log.errors.append(f"{request.method} {request.url} → {response.status_code} {response.text[:200]}")
    return False


@dataclass
class Worker:
    """One client: its connection, its log, its random choices and the seeded books it alone may change."""

    number: int
    client: httpx.Client
    own_seeded: list[int]
    log: WorkerLog = field(default_factory=WorkerLog)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.number)

    def step(self) -> None:
        """One random operation: only the worker's own books are changed or deleted."""
        choice = self.rng.random()
        if choice < 0.45 or not self.log.created:
            self.create()
        elif choice < 0.6:
            self.delete_own()
        elif choice < 0.7:
            self.patch_own()
        elif choice < 0.8 and self.own_seeded:
            self.change_seeded()
        elif choice < 0.9:
            self.read_own()
        else:
            self.list_some()
        self.log.operations += 1

    def create(self) -> None:
        title = f"w{self.number}-{self.log.operations}"
        response = self.client.post("/books", json={"title": title, "secret": f"s{self.number}"})
        if _expect(self.log, response, 201):
            book = response.json()
            if "secret" in book:
                self.log.errors.append(f"secret shown: {book}")
            self.log.created[book["id"]] = title

    def delete_own(self) -> None:
        book_id = self.rng.choice(sorted(self.log.created))
        if _expect(self.log, self.client.delete(f"/books/{book_id}"), 204):
            del self.log.created[book_id]
            self.log.deleted.add(book_id)

    def patch_own(self) -> None:
        book_id = self.rng.choice(sorted(self.log.created))
        title = f"w{self.number}-{self.log.operations}-patched"
        if _expect(self.log, self.client.patch(f"/books/{book_id}", json={"title": title}), 200):
            self.log.created[book_id] = title

    def change_seeded(self) -> None:
        book_id = self.own_seeded.pop()
        if self.rng.random() < 0.5:
            if _expect(self.log, self.client.delete(f"/books/{book_id}"), 204):
                self.log.deleted.add(book_id)
            return
        title = f"seeded-{book_id}-by-w{self.number}"
        if _expect(self.log, self.client.put(f"/books/{book_id}", json={"title": title}), 200):
            self.log.updated_seeded[book_id] = title

    def read_own(self) -> None:
        book_id = self.rng.choice(sorted(self.log.created))
        response = self.client.get(f"/books/{book_id}")
        if _expect(self.log, response, 200) and response.json()["title"] != self.log.created[book_id]:
            self.log.errors.append(f"GET /books/{book_id}: {response.json()} is not what was written")

    def list_some(self) -> None:
        offset = self.rng.randrange(0, 40)
        response = self.client.get("/books", params={"limit": MAX_LIMIT, "offset": offset})
        if _expect(self.log, response, 200):
            page = response.json()
            if int(response.headers["x-total-count"]) != page["total"]:
                self.log.errors.append(
                    f"X-Total-Count {response.headers['x-total-count']} != {page['total']}"
                )
            if len(page["items"]) > MAX_LIMIT:
                self.log.errors.append(f"a page of {len(page['items'])} books")


def _work(url: str, number: int, start: threading.Barrier, own_seeded: list[int]) -> WorkerLog:
    """Run one worker until its time or its count of operations is spent."""
    with httpx.Client(base_url=url, timeout=10) as client:
        worker = Worker(number, client, own_seeded)
        start.wait(timeout=10)
        deadline = time.monotonic() + SECONDS
        while worker.log.operations < MAX_OPERATIONS and time.monotonic() < deadline:
            worker.step()
    return worker.log


def test_concurrent_clients_leave_exactly_the_survivors(server_url: str) -> None:
    _reset(server_url)
    with httpx.Client(base_url=server_url, timeout=10) as client:
        seeded, total = _all_books(client)
    assert total == RECORDS
    seeded_ids = [book["id"] for book in seeded]
    seeded_titles = {book["id"]: book["title"] for book in seeded}
    shares = [seeded_ids[i::WORKERS] for i in range(WORKERS)]

    start = threading.Barrier(WORKERS)
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(_work, server_url, w, start, list(shares[w])) for w in range(WORKERS)]
        logs = [future.result(timeout=SECONDS + 30) for future in futures]

    errors = [error for log in logs for error in log.errors]
    assert not errors, "\n".join(errors[:20])
    assert sum(log.operations for log in logs) >= WORKERS * 10, "the server answered too few requests"

    created_ids = [book_id for log in logs for book_id in (*log.created, *(log.deleted - set(seeded_ids)))]
    assert len(created_ids) == len(set(created_ids)), "an id was handed out to two creates"
    assert not set(created_ids) & set(seeded_ids)

    expected_titles = {**seeded_titles}
    for log in logs:
        expected_titles.update(log.updated_seeded)
    for log in logs:
        for book_id in log.deleted & set(seeded_ids):
            del expected_titles[book_id]
        expected_titles.update(log.created)

    with httpx.Client(base_url=server_url, timeout=10) as client:
        books, total = _all_books(client)
        listed = [book["id"] for book in books]
        assert len(listed) == len(set(listed)), "a book is listed twice"
        assert total == len(expected_titles)
        phantom = set(listed) - set(expected_titles)
        lost = set(expected_titles) - set(listed)
        assert not phantom, f"listed but deleted or never created: {sorted(phantom)}"
        assert not lost, f"created and not deleted, but not listed: {sorted(lost)}"
        assert {book["id"]: book["title"] for book in books} == expected_titles
        assert all("secret" not in book for book in books)
        # the seeded books first, in their order, then the created ones in the order they were created
        assert listed[: len([i for i in seeded_ids if i in expected_titles])] == [
            i for i in seeded_ids if i in expected_titles
        ]
        for log in logs:
            for book_id in sorted(log.deleted)[:5]:
                response = client.get(f"/books/{book_id}")
                assert response.status_code == 404, (book_id, response.text)
    _reset(server_url)


def test_racing_deletes_of_one_book_succeed_exactly_once(server_url: str) -> None:
    """Every worker deletes the same books at once: for each, one 204 and all the others 404."""
    _reset(server_url)
    targets = list(range(1, RECORDS + 1))
    start = threading.Barrier(WORKERS)

    def delete_all(worker: int) -> dict[int, int]:
        order = targets[worker:] + targets[:worker]
        with httpx.Client(base_url=server_url, timeout=10) as client:
            start.wait(timeout=10)
            return {book_id: client.delete(f"/books/{book_id}").status_code for book_id in order}

    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(delete_all, range(WORKERS), timeout=30))
    for book_id in targets:
        statuses = sorted(result[book_id] for result in results)
        assert statuses == [204] + [404] * (WORKERS - 1), (book_id, statuses)
    with httpx.Client(base_url=server_url, timeout=10) as client:
        books, total = _all_books(client)
    assert (books, total) == ([], 0)
    _reset(server_url)


def test_concurrent_creates_get_distinct_ids(server_url: str) -> None:
    _reset(server_url)
    start = threading.Barrier(WORKERS)
    per_worker = 25

    def create_many(worker: int) -> list[int]:
        with httpx.Client(base_url=server_url, timeout=10) as client:
            start.wait(timeout=10)
            ids = []
            for n in range(per_worker):
                response = client.post("/books", json={"title": f"w{worker}-{n}"})
                assert response.status_code == 201, response.text
                ids.append(response.json()["id"])
            return ids

    with ThreadPoolExecutor(WORKERS) as pool:
        ids = [book_id for chunk in pool.map(create_many, range(WORKERS), timeout=30) for book_id in chunk]
    assert len(set(ids)) == WORKERS * per_worker
    assert sorted(ids) == list(range(RECORDS + 1, RECORDS + 1 + WORKERS * per_worker))
    with httpx.Client(base_url=server_url, timeout=10) as client:
        books, total = _all_books(client)
    assert total == RECORDS + WORKERS * per_worker
    assert [book["id"] for book in books][RECORDS:] == sorted(ids)
    _reset(server_url)
