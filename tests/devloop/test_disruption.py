"""Latency and faults against a real server (Granian, RSGI, on 127.0.0.1): what each does on the
wire, that it is seeded, and that the journal marks it."""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from specmock import serve
from specmock.errors import SpecError
from specmock.server import create_app
from tests.devloop.specs import pets_spec, write


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    return write(tmp_path, pets_spec())


def injected(server: Any) -> list[dict[str, Any] | None]:
    return [entry["injected"] for entry in server.journal()]


def test_a_fixed_latency_delays_every_answer_and_is_journaled(spec: Path) -> None:
    with serve(spec, latency="300ms") as server:
        started = time.monotonic()
        response = httpx.get(server.url + "/pets", timeout=10)
        assert time.monotonic() - started >= 0.3
        assert response.status_code == 200
        assert injected(server) == [{"delay_ms": 300, "fault": None, "source": "--latency"}]


def test_a_latency_range_is_drawn_from_the_seed(spec: Path) -> None:
    def delays(seed: int) -> list[int]:
        with serve(spec, latency="1ms..80ms", seed=seed) as server:
            for path in ["/pets", "/pets", "/owners", "/pets/1", "/pets", "/owners"]:
                assert httpx.get(server.url + path, timeout=10).status_code == 200
            return [entry["delay_ms"] for entry in injected(server) if entry]

    first, again, other = delays(1), delays(1), delays(2)
    assert len(first) == 6
    assert all(1 <= delay <= 80 for delay in first)
    assert first == again  # the same requests under the same seed wait the same
    assert first != other
    assert len(set(first)) > 1  # drawn per request, not once


def test_a_delay_never_blocks_other_requests(spec: Path) -> None:
    with serve(spec) as server, concurrent.futures.ThreadPoolExecutor(2) as pool:
        slow = pool.submit(httpx.get, server.url + "/pets", headers={"Prefer": "delay=8000"}, timeout=30)
        time.sleep(0.2)  # the delayed request is waiting in the server
        for _ in range(10):
            assert httpx.get(server.url + "/owners", timeout=10).status_code == 200
        assert not slow.done()  # ten answers came while the delayed one still waits
        assert slow.result().status_code == 200
        assert server.journal()[-1]["injected"] == {"delay_ms": 8000, "fault": None, "source": "Prefer"}


def test_an_operation_declares_its_own_latency(spec: Path) -> None:
    with serve(spec, latency="10ms") as server:
        httpx.get(server.url + "/slow", timeout=10)
        httpx.get(server.url + "/owners", timeout=10)
        httpx.get(server.url + "/slow", headers={"Prefer": "delay=20"}, timeout=10)
        assert injected(server) == [
            {"delay_ms": 250, "fault": None, "source": "x-specmock-latency"},
            {"delay_ms": 10, "fault": None, "source": "--latency"},
            {"delay_ms": 20, "fault": None, "source": "Prefer"},  # the request's own wins
        ]


def test_a_broken_latency_extension_is_refused_with_its_pointer(tmp_path: Path) -> None:
    document = pets_spec()
    document["paths"]["/slow"]["get"]["x-specmock-latency"] = "soon"
    path = write(tmp_path, document)
    with pytest.raises(SpecError) as refused:
        create_app(path)
    message = str(refused.value)
    assert str(path) in message
    assert "/paths/~1slow/get/x-specmock-latency" in message
    assert "'soon' is not a duration" in message


def test_delays_are_bounded_by_max_delay(spec: Path) -> None:
    with serve(spec, max_delay=0.2) as server:
        started = time.monotonic()
        assert (
            httpx.get(server.url + "/pets", headers={"Prefer": "delay=60000"}, timeout=30).status_code == 200
        )
        assert time.monotonic() - started < 30
        assert injected(server) == [{"delay_ms": 200, "fault": None, "source": "Prefer"}]


def test_no_latency_asked_means_no_injection(spec: Path) -> None:
    with serve(spec) as server:
        httpx.get(server.url + "/pets", headers={"Prefer": "code=503"}, timeout=10)
        httpx.get(server.url + "/pets", headers={"Prefer": "fault=nonsense, delay=soon"}, timeout=10)
        assert injected(server) == [None, None]


def test_fault_reset_closes_the_connection_without_an_answer_and_changes_nothing(spec: Path) -> None:
    with serve(spec) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        before = client.get("/pets").json()
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.post("/pets", json={"name": "Rex"}, headers={"Prefer": "fault=reset"})
        assert client.get("/pets").json() == before  # the create never ran
        entry = server.journal()[1]
        assert (entry["method"], entry["status"]) == ("POST", 0)
        assert entry["injected"] == {"delay_ms": 0, "fault": "reset", "source": "Prefer"}


def test_fault_timeout_holds_the_request_until_the_client_gives_up(spec: Path) -> None:
    with serve(spec, max_delay=1.5) as server:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(server.url + "/pets", headers={"Prefer": "fault=timeout"}, timeout=0.5)
        assert httpx.get(server.url + "/pets", timeout=10).status_code == 200  # the server goes on
        # A client that waits longer than --max-delay sees the connection closed, never an answer.
        started = time.monotonic()
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(server.url + "/pets", headers={"Prefer": "fault=timeout"}, timeout=20)
        assert 1.4 <= time.monotonic() - started < 20
        assert [e["injected"] and e["injected"]["fault"] for e in server.journal()] == [
            "timeout",
            None,
            "timeout",
        ]


def test_fault_empty_answers_200_without_a_body(spec: Path) -> None:
    with serve(spec) as server:
        response = httpx.get(server.url + "/pets/1", headers={"Prefer": "fault=empty"}, timeout=10)
        assert response.status_code == 200
        assert response.content == b""
        assert response.headers["content-length"] == "0"
        assert server.journal()[-1]["injected"]["fault"] == "empty"


def test_fault_malformed_cuts_the_json_answer(spec: Path) -> None:
    with serve(spec) as server:
        whole = httpx.get(server.url + "/pets", timeout=10)
        cut = httpx.get(server.url + "/pets", headers={"Prefer": "fault=malformed"}, timeout=10)
        assert cut.status_code == 200
        assert cut.headers["content-type"] == "application/json"
        assert whole.content.startswith(cut.content)
        assert 0 < len(cut.content) < len(whole.content)
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(cut.content)


def test_chaos_answers_a_seeded_share_with_documented_5xx(spec: Path) -> None:
    def statuses(seed: int) -> tuple[list[int], list[Any], int]:
        with (
            serve(spec, chaos=0.4, seed=seed) as server,
            httpx.Client(base_url=server.url, timeout=10) as client,
        ):
            seen = [client.get("/pets").status_code for _ in range(25)]
            bodies = [client.get("/owners") for _ in range(10)]
            creates = [client.post("/pets", json={"name": f"p{i}"}).status_code for i in range(10)]
            server_error = [b for b in bodies if b.status_code >= 500]
            listed = client.get("/pets", params={"limit": 50})
            while listed.status_code >= 500:
                listed = client.get("/pets", params={"limit": 50})
            assert len(listed.json()) == 20 + creates.count(201)  # a chaos answer stored nothing
            assert all(e["injected"]["source"] == "--chaos" for e in server.journal() if e["status"] >= 500)
            return (
                seen,
                [(b.status_code, b.headers["content-type"]) for b in server_error],
                creates.count(201),
            )

    seen, owners_errors, created = statuses(3)
    assert statuses(3)[0] == seen  # the same seed fails the same requests
    assert set(seen) == {200, 503}
    assert 3 <= seen.count(503) <= 18
    # /owners documents no 5xx: a 503 problem; /pets documents 503 and gets its shape
    assert owners_errors
    assert set(owners_errors) == {(503, "application/problem+json")}
    assert 0 < created < 10


def test_chaos_error_has_the_documented_shape(spec: Path) -> None:
    with serve(spec, chaos=1.0) as server:
        response = httpx.get(server.url + "/pets", timeout=10)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/json"
        assert set(response.json()) == {"code", "message"}


def test_fault_reset_under_an_asgi_server_and_in_process(spec: Path) -> None:
    """ASGI has no call to drop a connection either: under uvicorn the socket is closed the same
    way; an in-process client (no socket) gets ConnectionResetError."""
    import asyncio
    import threading

    import uvicorn

    from specmock.server import free_port

    app = create_app(spec)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        url = f"http://127.0.0.1:{port}"
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(url + "/pets", headers={"Prefer": "fault=reset"}, timeout=10)
        assert httpx.get(url + "/pets", timeout=10).status_code == 200
    finally:
        server.should_exit = True
        thread.join(10)

    async def in_process() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://specmock.test") as client:
            with pytest.raises(ConnectionResetError):
                await client.get("/pets", headers={"Prefer": "fault=reset"})
            assert (await client.get("/pets")).status_code == 200

    asyncio.run(in_process())
