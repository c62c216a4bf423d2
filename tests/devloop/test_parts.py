"""The pure parts of the devloop: durations, injection decisions, curl lines, the journal's ids,
the vendored Swagger UI."""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from specmock.devloop.connections import parse_address
from specmock.devloop.curl import curl_line
from specmock.devloop.disruption import (
    Disruptor,
    Injection,
    chaos_status,
    parse_duration,
    parse_latency,
    truncated,
)
from specmock.journal import BODY_KEPT as JOURNAL_BODY_KEPT
from specmock.journal import Journal
from specmock.messages.requests import MockRequest
from specmock.messages.responses import MockResponse
from specmock.server import create_app

VENDORED = Path(__file__).resolve().parents[2] / "src/specmock/devloop/static/swagger-ui"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_a_latency_range_reads_as_written(a: int, b: int) -> None:
    low, high = sorted((a, b))
    latency = parse_latency(f"{low}ms..{high}ms")
    assert (latency.low, latency.high) == (low / 1000, high / 1000)
    assert latency.low <= latency.draw(0.0) <= latency.draw(0.999) <= latency.high


@pytest.mark.parametrize(
    ("text", "seconds"), [("200ms", 0.2), ("1.5s", 1.5), ("300", 0.3), (" 2S ", 2.0), ("0", 0.0)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "-5ms", "5 parsecs", "400ms..50ms", "1..2..3", "1" * 30])
def test_a_bad_latency_says_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|shorter"):
        parse_latency(text)


@given(st.lists(st.tuples(st.sampled_from(["GET", "POST"]), st.sampled_from(["/a", "/b?x=1"])), max_size=30))
def test_decisions_repeat_under_the_same_seed(requests: list[tuple[str, str]]) -> None:
    def decisions(seed: int) -> list[Injection | None]:
        disruptor = Disruptor(seed, parse_latency("1ms..500ms"), chaos=0.3)
        return [disruptor.decide(method, path, "api:op", None) for method, path in requests]

    first = decisions(7)
    assert decisions(7) == first
    assert all(d is not None and (d.fault == "chaos" or 0.001 <= d.delay <= 0.5) for d in first)


def test_prefer_asks_for_faults_and_delays_within_the_bound() -> None:
    disruptor = Disruptor(0, max_delay=2.0)
    assert disruptor.decide("GET", "/a", "x", "fault=reset") == Injection(0.0, "reset", "Prefer")
    assert disruptor.decide("GET", "/a", "x", "delay=9000, fault=empty") == Injection(2.0, "empty", "Prefer")
    assert disruptor.decide("GET", "/a", "x", "code=404") is None
    assert disruptor.decide("GET", "/a", "x", "delay=٣٠٠") is None  # ASCII digits only
    assert disruptor.decide("GET", "/a", "x", "delay=" + "9" * 5000) is None


@pytest.mark.parametrize(
    ("documented", "status"),
    [
        (["200", "500", "503"], 503),
        (["200", "502", "500"], 500),
        (["200", "5XX"], 503),
        (["200", "default"], None),
        (["200", "404"], None),
    ],
)
def test_chaos_picks_a_documented_5xx(documented: list[str], status: int | None) -> None:
    assert chaos_status(documented) == status


@given(JSON)
def test_a_malformed_answer_never_parses(value: object) -> None:
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(truncated(orjson.dumps(value)))


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40))
def test_a_curl_line_carries_the_request(body: str) -> None:
    headers = {"host": "127.0.0.1:4010", "content-type": "text/plain", "x-note": "it's"}
    line = curl_line("POST", "/notes?a=1&b=2", headers, body.encode(), truncated=False)
    if line.startswith("printf "):  # not printable text: piped in by printf, checked by the shell itself
        printf = line.split(" | ", 1)[0]
        assert subprocess.run(["sh", "-c", printf], capture_output=True, check=True).stdout == body.encode()
        assert line.endswith("--data-binary @-")
        return
    words = shlex.split(line)
    assert words[:4] == ["curl", "-X", "POST", "http://127.0.0.1:4010/notes?a=1&b=2"]
    assert words[words.index("--data-binary") + 1] == body
    assert "x-note: it's" in words
    assert "host: 127.0.0.1:4010" not in words


def test_the_journal_numbers_entries_and_pages_by_id() -> None:
    journal = Journal(size=3)
    for n in range(5):
        journal.record(MockRequest("GET", f"/{n}", "", {}, b"", f"/{n}"), MockResponse(200), "op")
    assert [e["id"] for e in journal.entries()] == [3, 4, 5]  # the oldest two fell out
    assert [e["path"] for e in journal.entries(after=4)] == ["/4"]
    assert journal.entries(after=5) == []
    assert [e["id"] for e in journal.entries(limit=1)] == [5]
    journal.clear()
    journal.record(MockRequest("GET", "/x", "", {}, b"", "/x"), MockResponse(200), "op")
    assert [e["id"] for e in journal.entries(after=5)] == [6]  # ids never repeat


def test_addresses() -> None:
    assert parse_address("127.0.0.1:4010") == ("127.0.0.1", 4010)
    assert parse_address("[::1]:80") == ("::1", 80)
    assert parse_address("nowhere") is None


def test_the_vendored_swagger_ui_is_the_recorded_release() -> None:
    manifest = json.loads((VENDORED / "VENDORED.json").read_text())
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == digest, name
    assert manifest["version"].startswith("5.")
    assert f'"{manifest["version"]}"'.encode() in (VENDORED / "swagger-ui-bundle.js").read_bytes()
    assert b"Apache License" in (VENDORED / "LICENSE").read_bytes()


def test_assets_are_served_by_name_only(tmp_path: Path) -> None:
    client = TestClient(create_app("hellgate"))
    bundle = client.get("/__specmock/assets/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert bundle.headers["content-type"] == "text/javascript; charset=utf-8"
    assert bundle.content == (VENDORED / "swagger-ui-bundle.js").read_bytes()
    for name in ("../../admin.py", "swagger-ui/../../assets.py", "dashboard", "swagger-ui/index.html"):
        assert client.get(f"/__specmock/assets/{name}").status_code == 404
    page = client.get("/__specmock/ui/hellgate").text
    assert "unpkg" not in page
    assert '"/__specmock/apis/hellgate/openapi.json?servers=local"' in page
    assert "validatorUrl: null" in page


def test_the_index_negotiates_json_or_the_dashboard() -> None:
    client = TestClient(create_app("hellgate"))
    listed = client.get("/__specmock/")
    assert listed.headers["content-type"] == "application/json"
    assert listed.json()["apis"][0]["name"] == "hellgate"
    page = client.get("/__specmock/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "dashboard.js" in page.text
    described = client.get("/__specmock/apis/hellgate").json()
    assert [r["name"] for r in described["resources"]] == ["authentications"]
    assert described["operations"][0]["role"] == "list"
    assert client.get("/__specmock/settings").json()["latency"] is None


def test_the_journal_keeps_only_the_start_of_a_large_body() -> None:
    journal = Journal()
    body = b"x" * (JOURNAL_BODY_KEPT + 10)
    journal.record(MockRequest("POST", "/big", "", {}, body, "/big"), MockResponse(201), "op")
    [entry] = journal.entries()
    assert entry["curl"].endswith("# body cut: only its start was recorded")
    assert " " + "x" * JOURNAL_BODY_KEPT + "  #" in entry["curl"]
