"""Redis away: refused at start with the one-paragraph error; lost while serving, every request that
needs it is answered 503 (in the operation's documented shape, else problem+json) and the sandbox
answers again, from the seeded state, once Redis is back (its journal with the requests answered
meanwhile)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from specmock.errors import ConfigError
from specmock.server import create_app, free_port
from tests.redis_server import RedisServer
from tests.state.specs import bookstore, json_body


def test_a_store_that_does_not_answer_at_start_is_the_one_paragraph_error() -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "specmock",
            "serve",
            "hellgate",
            "--store",
            closed,
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"specmock: --store {closed}: Redis does not answer")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("text", ["postgres://db/1", "redis://", "redis://host:port/0", "redis://h:1/zero"])
def test_a_store_that_is_not_an_address_is_refused(text: str) -> None:
    with pytest.raises(ConfigError, match="memory or redis://HOST:PORT/DB"):
        create_app("hellgate", store=text)


def test_the_environment_names_the_store(tmp_path: Path) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    done = subprocess.run(
        [sys.executable, "-m", "specmock", "serve", "hellgate", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env={**_environment(), "SPECMOCK_STORE": closed},
    )
    assert done.returncode == 2
    assert f"--store {closed}: Redis does not answer" in done.stderr


def test_lost_while_serving_answers_503_and_recovers_when_redis_is_back(tmp_path: Path) -> None:
    server = RedisServer(tmp_path).start()
    document = bookstore()
    unavailable = json_body({"type": "object", "properties": {"reason": {"type": "string"}}})
    document["paths"]["/books/{bookId}"]["get"]["responses"]["503"] = unavailable
    path = tmp_path / "books.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    try:
        client = TestClient(create_app(path, store=server.url, records=2), base_url="http://testserver")
        assert client.post("/books", json={"title": "before"}).status_code == 201
        server.stop()
        documented = client.get("/books/1")
        assert documented.status_code == 503
        assert documented.headers["content-type"].startswith("application/json")
        assert set(documented.json()) <= {"reason"}
        problem = client.post("/books", json={"title": "while away"})
        assert problem.status_code == 503
        assert problem.headers["content-type"] == "application/problem+json"
        assert "does not answer" in problem.json()["detail"]
        assert client.post("/__specmock/reset").status_code == 503
        server.start()  # the same port, and no data: a new epoch, the seeded state
        listed = client.get("/books", params={"limit": 50})
        assert listed.status_code == 200
        assert [book["id"] for book in listed.json()["data"]] == [1, 2]
        assert client.post("/books", json={"title": "after"}).status_code == 201
        # The journal kept what was answered while Redis was away and sent it once it was back.
        journal = client.get("/__specmock/journal").json()
        assert [(entry["method"], entry["path"], entry["status"]) for entry in journal][-4:] == [
            ("GET", "/books/1", 503),
            ("POST", "/books", 503),
            ("GET", "/books?limit=50", 200),
            ("POST", "/books", 201),
        ]
    finally:
        server.stop()


def _environment() -> dict[str, Any]:
    return {k: v for k, v in os.environ.items() if k != "SPECMOCK_STORE"}
