"""Acceptance: random create / read / list / patch / replace / delete / reset over HTTP, against a model.

The bookstore (`specs.BOOKSTORE`) is served through the ASGI app and driven with a `TestClient`, so every
request goes through routing, validation, the store, the response cache and serialisation. Every answer
is checked against a plain ordered dict of the records the client should see:

- the list, paged through with its own `limit`/`offset`, is exactly the model, in order; `total`,
  `limit`, `offset` and `X-Total-Count` agree with it;
- a created book is the request body over generated fields, with a fresh id, a `Location`, and it reads back;
- replace keeps `id` and `created` and drops what the body leaves out; update merges the body;
- read-only fields sent by the client are ignored; the write-only `secret` never comes back;
- a missing or deleted id gives the documented 404 in the NotFound shape (not the 422 shape);
- a request that breaks the document gives 422 in the ValidationError shape and changes nothing;
- `POST /__specmock/reset` brings back exactly the seeded books.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from starlette.testclient import TestClient

from specmock.server import create_app
from tests.stateful.specs import BOOKSTORE, write_spec

Book = dict[str, Any]

RECORDS = 4
MAX_LIMIT = 20
READ_ONLY = ("id", "created")
WRITABLE = ("title", "author", "year", "tags")
UNKNOWN_ID = 999_999

TITLES = st.text(alphabet="abcXYZ é中-", min_size=1, max_size=40)
AUTHORS = st.text(alphabet="abc ñ", max_size=40)
YEARS = st.integers(1450, 2100)
TAGS = st.lists(st.text(alphabet="xyz", max_size=10), max_size=3)
SECRETS = st.text(alphabet="s3cr!t", min_size=1, max_size=12)

# Bodies or queries that break the document, each with the operation it is sent to. None of them may
# change anything, whatever the id.
INVALID_BODIES: list[Any] = [
    {"title": ""},  # minLength
    {"title": "x" * 41},  # maxLength
    {"title": "ok", "year": 1200},  # minimum
    {"title": "ok", "year": "1999"},  # type
    {"title": "ok", "tags": ["a", "b", "c", "d"]},  # maxItems
    {"title": "ok", "colour": "red"},  # additionalProperties: false
    {"title": 7},  # type
    ["not", "an", "object"],
]
INVALID_CREATE_BODIES: list[Any] = [*INVALID_BODIES, {"author": "no title"}]  # required
INVALID_PATCH_BODIES: list[Any] = [*INVALID_BODIES[:-3], {}, {"colour": "red"}]  # minProperties
INVALID_LIST_QUERIES: list[dict[str, Any]] = [
    {"limit": 0},
    {"limit": MAX_LIMIT + 1},
    {"offset": -1},
    {"limit": "ten"},
]


@st.composite
def book_fields(draw: st.DrawFn, *, title: bool = True) -> Book:
    """A request body: a title (when asked) and any of the optional writable fields and `secret`."""
    fields: Book = {"title": draw(TITLES)} if title else {}
    for name, strategy in (("author", AUTHORS), ("year", YEARS), ("tags", TAGS), ("secret", SECRETS)):
        if draw(st.booleans()):
            fields[name] = draw(strategy)
    return fields


def public(body: Book) -> Book:
    """What the client may see of a body it sent: no write-only `secret`, no read-only fields."""
    return {k: v for k, v in body.items() if k in WRITABLE}


class BookStoreOverHttp(RuleBasedStateMachine):
    """One instance per hypothesis example; all share one app and start from `POST /__specmock/reset`."""

    client: TestClient
    seeded: list[Book]

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[int, Book] = {}
        self.gone: set[int] = set()
        self.issued: set[int] = set()  # every id handed out since the last reset (seeded or created)

    # -- helpers ---------------------------------------------------------------------------------

    def _ids(self) -> st.SearchStrategy[int]:
        return st.sampled_from([*sorted(self.model), *sorted(self.gone), UNKNOWN_ID])

    def _check_clean(self, response: httpx.Response) -> None:
        """A success must fit the document: the engine's self-check found nothing to report."""
        assert response.is_success
        assert "specmock-violations" not in response.headers, response.headers["specmock-violations"]

    def _expect_not_found(self, response: httpx.Response) -> None:
        assert response.status_code == 404, (response.request.method, response.request.url, response.text)
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert set(body) == {"status", "error"}, body  # NotFound, not ValidationError nor problem+json
        assert body["status"] == 404
        assert isinstance(body["error"], str)
        assert body["error"]

    def _expect_invalid(self, response: httpx.Response) -> None:
        assert response.status_code == 422, (response.request.method, response.request.url, response.text)
        body = response.json()
        assert set(body) == {"code", "message", "violations"}, body
        assert body["code"] == 422
        assert body["violations"]
        for violation in body["violations"]:
            assert isinstance(violation["field"], str)
            assert isinstance(violation["message"], str)

    def _expect_book(self, response: httpx.Response, status: int, expected: Book) -> None:
        assert response.status_code == status, (response.request.method, response.request.url, response.text)
        body = response.json()
        assert "secret" not in body
        assert body == expected
        self._check_clean(response)

    def _page(self, limit: int | None, offset: int | None) -> tuple[list[Book], int]:
        params = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
        response = self.client.get("/books", params=params)
        assert response.status_code == 200, (params, response.text)
        self._check_clean(response)
        body = response.json()
        assert set(body) == {"items", "total", "limit", "offset"}, body
        assert body["limit"] == (10 if limit is None else limit)  # the declared default
        assert body["offset"] == (offset or 0)
        assert int(response.headers["x-total-count"]) == body["total"]
        for book in body["items"]:
            assert "secret" not in book
        return body["items"], body["total"]

    def _listed(self, limit: int = MAX_LIMIT) -> list[Book]:
        """Every book, paged through with the list's own limit/offset (bounded by the model's size)."""
        books: list[Book] = []
        offset = 0
        for _ in range(len(self.model) // limit + 2):
            items, total = self._page(limit, offset)
            assert total == len(self.model), (total, len(self.model))
            assert len(items) == max(0, min(limit, total - offset)), (limit, offset, total, len(items))
            books.extend(items)
            offset += limit
            if offset >= total:
                break
        return books

    # -- rules -----------------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        self.reset()

    @rule()
    def reset(self) -> None:
        response = self.client.post("/__specmock/reset")
        assert response.status_code in (200, 204), response.text
        self.model = {book["id"]: book for book in self.seeded}
        self.gone = set()
        self.issued = set(self.model)

    @rule(fields=book_fields(), send_read_only=st.booleans())
    def create(self, fields: Book, send_read_only: bool) -> None:
        body = {**fields, "id": UNKNOWN_ID, "created": "1999-01-01T00:00:00Z"} if send_read_only else fields
        response = self.client.post("/books", json=body)
        assert response.status_code == 201, (body, response.text)
        self._check_clean(response)
        book = response.json()
        assert "secret" not in book
        assert isinstance(book["id"], int)
        assert book["id"] >= 1
        assert book["id"] not in self.issued, f"id {book['id']} handed out twice since the reset"
        assert book["created"] != "1999-01-01T00:00:00Z"
        assert {k: book.get(k) for k in public(fields)} == public(fields)
        assert response.headers["location"].endswith(f"/books/{book['id']}")
        self.model[book["id"]] = book
        self.issued.add(book["id"])
        # available at once (ensure_resource_availability), with the same body
        self._expect_book(self.client.get(f"/books/{book['id']}"), 200, book)

    @rule(data=st.data())
    def read(self, data: st.DataObject) -> None:
        book_id = data.draw(self._ids())
        response = self.client.get(f"/books/{book_id}")
        if book_id in self.model:
            self._expect_book(response, 200, self.model[book_id])
        else:
            self._expect_not_found(response)  # deleted ids too (use_after_free)

    @rule(limit=st.integers(1, MAX_LIMIT))
    def list_all(self, limit: int) -> None:
        assert self._listed(limit) == list(self.model.values())

    @rule(data=st.data(), limit=st.none() | st.integers(1, MAX_LIMIT))
    def list_page(self, data: st.DataObject, limit: int | None) -> None:
        offset = data.draw(st.none() | st.integers(0, len(self.model) + 5))  # past the end too
        items, total = self._page(limit, offset)
        start = offset or 0
        assert total == len(self.model)
        assert items == list(self.model.values())[start : start + (10 if limit is None else limit)]

    @rule(data=st.data(), fields=book_fields(title=False))
    def update(self, data: st.DataObject, fields: Book) -> None:
        book_id = data.draw(self._ids())
        body = dict(fields) or {"author": "someone"}  # minProperties: 1
        response = self.client.patch(f"/books/{book_id}", json=body)
        if book_id not in self.model:
            self._expect_not_found(response)
            return
        self.model[book_id] = {**self.model[book_id], **public(body)}
        self._expect_book(response, 200, self.model[book_id])

    @rule(data=st.data(), fields=book_fields(), send_read_only=st.booleans())
    def replace(self, data: st.DataObject, fields: Book, send_read_only: bool) -> None:
        book_id = data.draw(self._ids())
        body = {**fields, "id": UNKNOWN_ID, "created": "1999-01-01T00:00:00Z"} if send_read_only else fields
        response = self.client.put(f"/books/{book_id}", json=body)
        if book_id not in self.model:
            self._expect_not_found(response)
            return
        kept = {k: self.model[book_id][k] for k in READ_ONLY}
        self.model[book_id] = {**kept, **public(fields)}
        self._expect_book(response, 200, self.model[book_id])

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        book_id = data.draw(self._ids())
        response = self.client.delete(f"/books/{book_id}")
        if book_id not in self.model:
            self._expect_not_found(response)
            return
        assert response.status_code == 204, response.text
        assert response.content == b""
        del self.model[book_id]
        self.gone.add(book_id)

    @rule(body=st.sampled_from(INVALID_CREATE_BODIES))
    def invalid_create(self, body: Any) -> None:
        self._expect_invalid(self.client.post("/books", json=body))

    @rule(data=st.data(), body=st.sampled_from(INVALID_BODIES))
    def invalid_replace(self, data: st.DataObject, body: Any) -> None:
        # invalid input is found before the id is looked up: 422 even for a missing or deleted id
        self._expect_invalid(self.client.put(f"/books/{data.draw(self._ids())}", json=body))

    @rule(data=st.data(), body=st.sampled_from(INVALID_PATCH_BODIES))
    def invalid_update(self, data: st.DataObject, body: Any) -> None:
        self._expect_invalid(self.client.patch(f"/books/{data.draw(self._ids())}", json=body))

    @rule(params=st.sampled_from(INVALID_LIST_QUERIES))
    def invalid_list(self, params: dict[str, Any]) -> None:
        self._expect_invalid(self.client.get("/books", params=params))

    @rule(method=st.sampled_from(["GET", "DELETE"]), bad_id=st.sampled_from(["0", "abc", "1.5"]))
    def invalid_id(self, method: str, bad_id: str) -> None:
        self._expect_invalid(self.client.request(method, f"/books/{bad_id}"))

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def the_list_is_the_model(self) -> None:
        assert self._listed() == list(self.model.values())


@pytest.fixture(scope="module")
def bookstore_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = write_spec(tmp_path_factory.mktemp("bookstore"), "bookstore", BOOKSTORE)
    with TestClient(create_app(path, seed=7, records=RECORDS), base_url="http://testserver") as client:
        yield client


def _seeded(client: TestClient) -> list[Book]:
    assert client.post("/__specmock/reset").status_code in (200, 204)
    body = client.get("/books", params={"limit": MAX_LIMIT}).json()
    assert body["total"] == RECORDS
    assert [book["id"] for book in body["items"]] == list(range(1, RECORDS + 1))
    for book in body["items"]:
        assert "secret" not in book
        assert set(READ_ONLY) <= set(book)
    return list(body["items"])


def test_the_bookstore_over_http_behaves_like_its_model(bookstore_client: TestClient) -> None:
    seeded = _seeded(bookstore_client)

    # hypothesis builds one machine per example from a class: bind the shared client and seeded books
    machine = type("BoundBookStore", (BookStoreOverHttp,), {"client": bookstore_client, "seeded": seeded})

    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_reset_after_writes_gives_back_the_same_bytes(bookstore_client: TestClient) -> None:
    """The response cache must not outlive a reset: the seeded list is byte-identical after one."""
    _seeded(bookstore_client)
    before = bookstore_client.get("/books", params={"limit": MAX_LIMIT}).content
    created = bookstore_client.post("/books", json={"title": "New", "secret": "hidden"}).json()
    assert bookstore_client.delete("/books/1").status_code == 204
    assert bookstore_client.patch("/books/2", json={"title": "Changed"}).status_code == 200
    assert bookstore_client.get("/books", params={"limit": MAX_LIMIT}).content != before
    assert bookstore_client.post("/__specmock/reset").status_code in (200, 204)
    assert bookstore_client.get("/books", params={"limit": MAX_LIMIT}).content == before
    assert bookstore_client.get(f"/books/{created['id']}").status_code == 404
    assert bookstore_client.get("/books/1").status_code == 200


def test_an_offset_past_the_end_is_echoed_with_an_empty_page(bookstore_client: TestClient) -> None:
    """`offset` is the request's own offset, also past the end (a client pages on from it)."""
    _seeded(bookstore_client)
    response = bookstore_client.get("/books", params={"limit": 2, "offset": RECORDS + 3})
    assert response.status_code == 200, response.text
    assert response.json() == {"items": [], "total": RECORDS, "limit": 2, "offset": RECORDS + 3}
    assert response.headers["x-total-count"] == str(RECORDS)


class Alternating:
    """Two replicas of one sandbox (two apps on one Redis) used as one client: every request goes
    to the other replica than the one before."""

    def __init__(self, clients: list[TestClient]) -> None:
        self.clients = clients
        self.turn = 0

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        self.turn += 1
        return self.clients[self.turn % len(self.clients)].request(method, url, **options)

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)

    def put(self, url: str, **options: Any) -> httpx.Response:
        return self.request("PUT", url, **options)

    def patch(self, url: str, **options: Any) -> httpx.Response:
        return self.request("PATCH", url, **options)

    def delete(self, url: str, **options: Any) -> httpx.Response:
        return self.request("DELETE", url, **options)


def test_two_replicas_on_one_redis_behave_like_the_model_when_requests_alternate(
    tmp_path: Path, redis_url: str
) -> None:
    path = write_spec(tmp_path, "bookstore", BOOKSTORE)
    apps = [create_app(path, seed=7, records=RECORDS, store=redis_url) for _ in range(2)]
    with (
        TestClient(apps[0], base_url="http://testserver") as a,
        TestClient(apps[1], base_url="http://testserver") as b,
    ):
        client = Alternating([a, b])
        seeded = _seeded(client)  # type: ignore[arg-type]
        machine = type("AlternatingBookStore", (BookStoreOverHttp,), {"client": client, "seeded": seeded})
        run_state_machine_as_test(
            machine,
            settings=settings(
                max_examples=15,
                stateful_step_count=25,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
