"""Limits: nothing a client sends makes the server grow without bound — request bodies are capped
(413 in the spec's shape, read no further than the cap), caches are bounded by bytes as well as
entries, and each collection holds a bounded number of records."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from specmock import create_app, serve
from specmock.memo import Memo
from tests.hostile.conftest import connect, items_spec, read_head, read_response, write_spec

CAP = 64 * 1024


def post_head(length: int | None, content_type: str = "application/json") -> bytes:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (
        f"POST /items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n{framing}\r\n\r\n"
    ).encode()


def test_a_declared_body_over_the_cap_is_refused_in_the_spec_shape_without_waiting_for_it(
    tmp_path: Path,
) -> None:
    spec = write_spec(tmp_path, items_spec("413"))
    with serve(spec, max_body=CAP) as server, connect(server.port) as sock:
        sock.sendall(post_head(50 * 1024 * 1024))  # 50 MB announced, none of it sent
        status, body = read_response(sock)
        assert status == 413
        error = orjson.loads(body)
        assert error["code"] == 413
        assert "65536" in error["message"]


def test_an_undocumented_413_is_problem_json(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, items_spec())
    with serve(spec, max_body=CAP) as server:
        response = httpx.post(
            server.url + "/items", content=b"x" * (CAP + 1), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 413
        assert server.journal()[-1]["status"] == 413


def test_a_chunked_body_is_cut_at_the_cap_not_read_to_its_end(tmp_path: Path) -> None:
    """The body never ends (no last chunk): the 413 can only come from a server that stopped reading."""
    spec = write_spec(tmp_path, items_spec("413"))
    with serve(spec, max_body=CAP) as server, connect(server.port) as sock:
        sock.sendall(post_head(None))
        chunk = b"x" * 16384
        for _ in range(CAP // len(chunk) + 2):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        head = read_head(sock)
        assert head.startswith(b"HTTP/1.1 413"), head[:200]


def test_a_body_within_the_cap_is_taken(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, items_spec("413"))
    with serve(spec, max_body=CAP) as server:
        note = "n" * (CAP - 100)
        response = httpx.post(server.url + "/items", json={"name": "a", "note": note})
        assert response.status_code == 201
        assert response.json()["note"] == note


def test_the_asgi_shell_stops_reading_an_endless_body_at_the_cap(tmp_path: Path) -> None:
    app = create_app(write_spec(tmp_path, items_spec()), max_body=CAP)
    received = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        received += 1
        assert received < 1000, "the shell kept reading past the cap"
        return {"type": "http.request", "body": b"x" * 4096, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/items", "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")],
        "server": ("testserver", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert received <= CAP // 4096 + 2


def test_the_response_cache_is_bounded_by_bytes(tmp_path: Path) -> None:
    """Each distinct query string of a read is a new cache entry: a large record must not be kept
    once per query string."""
    spec = write_spec(tmp_path, items_spec())
    budget = 1024 * 1024
    with serve(spec, max_cache=budget) as server:
        made = httpx.post(server.url + "/items", json={"name": "big", "note": "n" * 200_000}).json()
        with httpx.Client(base_url=server.url) as client:
            for n in range(40):
                assert client.get(f"/items/{made['id']}?n={n}").status_code == 200
        [api] = server.app.apis
        assert api.responses.bytes <= budget


def test_cached_list_pages_are_bounded_by_bytes(tmp_path: Path) -> None:
    """Every distinct page size is a new list page: pages of large records must not be kept once
    per query."""
    from specmock.state.store.collection import CACHE_BYTES

    spec = write_spec(tmp_path, items_spec())
    with serve(spec, records=0, max_cache=1024 * 1024) as server, httpx.Client(base_url=server.url) as client:
        for n in range(10):
            assert client.post("/items", json={"name": f"n{n}", "note": "n" * 100_000}).status_code == 201
        for limit in range(1, 80):
            assert client.get(f"/items?limit={limit + 10}").status_code == 200
        [api] = server.app.apis
        pages = api.sandbox.engine.collections["items"].cache.values()
        held = sum(len(orjson.dumps(page.body)) for page in pages)  # about a third of their memory
        assert 0 < held <= CACHE_BYTES // 3


@pytest.mark.parametrize(
    ("documented", "status", "media"),
    [
        ((), 507, "application/problem+json"),
        (("409",), 409, "application/json"),
        (("507", "409"), 507, "application/json"),
    ],
)
def test_a_full_collection_refuses_creates_and_keeps_its_records(
    tmp_path: Path, documented: tuple[str, ...], status: int, media: str
) -> None:
    spec = write_spec(tmp_path, items_spec(*documented))
    with serve(spec, records=3, max_records=5) as server, httpx.Client(base_url=server.url) as client:
        assert [client.post("/items", json={"name": f"n{i}"}).status_code for i in range(2)] == [201, 201]
        refused = client.post("/items", json={"name": "one too many"})
        assert (refused.status_code, refused.headers["content-type"]) == (status, media)
        assert "5" in refused.text
        listed = client.get("/items").json()
        assert len(listed) == 5
        assert "one too many" not in {item["name"] for item in listed}
        client.delete(f"/items/{listed[0]['id']}")
        assert client.post("/items", json={"name": "room again"}).status_code == 201


def test_reads_that_materialise_records_do_not_grow_a_full_collection(tmp_path: Path) -> None:
    """A read that cannot answer "not found" makes up the record it is asked for: past the bound it
    is answered (the same bytes every time) but not stored."""
    document = items_spec()
    del document["paths"]["/items/{id}"]["get"]["responses"]["404"]
    del document["paths"]["/items/{id}"]["delete"]
    spec = write_spec(tmp_path, document)
    with serve(spec, records=3, max_records=10) as server, httpx.Client(base_url=server.url) as client:
        first = [client.get(f"/items/{n}").content for n in range(1000, 1040)]
        assert [client.get(f"/items/{n}").content for n in range(1000, 1040)] == first
        stored = client.get("/__specmock/apis/items/state/items").json()
        assert len(stored) == 10


def test_paths_hosts_and_headers_sent_once_do_not_accumulate(tmp_path: Path) -> None:
    """Routing decisions, generated header values and journal entries are remembered per path: a
    client sending distinct 20 KB paths must not make them grow past their byte budgets."""
    spec = write_spec(tmp_path, items_spec())
    with serve(spec) as server, httpx.Client(base_url=server.url) as client:
        for n in range(300):
            client.get(
                f"/items/{n}{'z' * 20_000}",
                headers={"Host": f"h{n}{'x' * 5000}", "Origin": f"http://o{n}.test"},
            )
        app = server.app
        [api] = app.apis
        memos = [app.mounted.routes, api.responses, api.header_values]
        assert all(memo.bytes <= memo.max_bytes for memo in memos)
        assert sum(len(entry["path"]) for entry in server.journal()) <= 300 * 4096


def test_a_memo_never_holds_more_bytes_than_its_budget() -> None:
    memo = Memo(size=1000, max_bytes=10_000, weigh=len)
    for n in range(500):
        memo.put((f"key{n}" * n,), b"v" * (n * 7))
        assert memo.bytes <= 10_000
    memo.put(("huge",), b"v" * 20_000)
    assert memo.get(("huge",)) is None  # larger than the whole budget: never kept
