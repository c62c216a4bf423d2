"""A repeated request answered from the kept answer (``repeats.py``) gets exactly what the full pipeline
would give now: compared, request by request, with an app that keeps nothing, over generated sequences
of reads (GET, HEAD; credentials configured, issued, unknown or missing; Accept, Prefer, Origin), creates
that issue tokens (past the bound of tokens held, so old ones stop passing), tokens accepted without a
write, deletes, resets and the clock moving past the records' expiry, through both shells."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from tests.state.specs import bookstore

from specmock.app import SpecmockApp
from specmock.pipeline import flow, security
from specmock.repeats import Repeats
from specmock.server import create_app

BASE = "/organizations/org_0YVDM8RC7GDADADSBSMW124JA8"
TOKENS = f"{BASE}/authentication-tokens"
KEY = "sk_configured"
CREATE = b'{"mode":"password","username":"a@b.co","password":"secret"}'
START = 1_800_000_000.0
CREATE_HEADERS = [("content-type", "application/json"), ("content-length", str(len(CREATE)))]


class Clock:
    def __init__(self) -> None:
        self.value = START

    def __call__(self) -> float:
        return self.value


class Headers:
    """Granian's ``scope.headers``: decoded pairs, lower-case names."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return list(self._pairs)


class Scope:
    proto = "http"
    http_version = "1.1"
    server = "127.0.0.1:8000"
    client = "127.0.0.1:40000"

    def __init__(self, method: str, target: str, pairs: list[tuple[str, str]]) -> None:
        self.method = method
        self.path, _, self.query_string = target.partition("?")
        self.headers = Headers(pairs)


class Protocol:
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sent: tuple[int, list[tuple[str, str]], bytes] | None = None

    async def __call__(self) -> bytes:
        return self.body

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.sent = (status, list(headers), body)


Answer = tuple[int, list[tuple[str, str]], bytes]


def rsgi(
    app: SpecmockApp, method: str, target: str, pairs: list[tuple[str, str]], body: bytes = b""
) -> Answer:
    protocol = Protocol(body)
    asyncio.run(app.__rsgi__(Scope(method, target, pairs), protocol))
    assert protocol.sent is not None
    return protocol.sent


def asgi(
    app: SpecmockApp, method: str, target: str, pairs: list[tuple[str, str]], body: bytes = b""
) -> Answer:
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(name.encode(), value.encode()) for name, value in pairs],
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    headers = [(name.decode(), value.decode()) for name, value in sent[0]["headers"]]
    return sent[0]["status"], headers, sent[1]["body"]


@cache
def apps() -> tuple[SpecmockApp, SpecmockApp, Clock]:
    """The app under test and the same app keeping no answers (every request runs the pipeline),
    on one clock; built once (Rebilly takes a second), reset before each example."""
    clock = Clock()
    pair = []
    for keeps in (True, False):
        app = create_app("rebilly", seed=1, api_keys=(KEY,))
        if not keeps:
            app.repeats = Repeats(0)  # a budget of 0 bytes keeps nothing
        app.apis[0].sandbox.now = clock
        pair.append(app)
    return pair[0], pair[1], clock


credential = st.sampled_from(["configured", "unknown", "missing", "issued", "issued-first", "next"])
read = st.tuples(
    st.just("read"),
    st.sampled_from(["GET", "HEAD"]),
    st.sampled_from(
        [TOKENS, f"{TOKENS}?limit=2", f"{TOKENS}?limit=x", "item", "item-first", f"{TOKENS}/nope"]
    ),
    credential,
    st.sampled_from([None, "application/json", "text/html", "*/*"]),
    st.sampled_from([None, "code=404", "dynamic=false", "code=500", "example=nope"]),
    st.sampled_from([None, "http://localhost:3000", "not an origin"]),
    st.sampled_from([rsgi, asgi]),
)
write = st.one_of(
    st.tuples(st.just("create"), credential),
    st.tuples(st.just("delete"), st.sampled_from(["item", "item-first"]), credential),
    st.tuples(st.just("reset")),
    st.tuples(st.just("issue")),  # a credential accepted from now on, the records unchanged
    st.tuples(st.just("later"), st.sampled_from([1.0, 1800.0, 3601.0, 7300.0])),
)
again = st.tuples(st.just("again"), st.integers(0, 30))  # an earlier read, as it was sent then
steps = st.lists(st.one_of(read, read, again, again, write), min_size=1, max_size=25)


class Walk:
    """One generated sequence sent to both apps: what it has seen so far (the tokens issued, the records
    created, the reads sent) and each step's answers compared."""

    def __init__(self, fast: SpecmockApp, full: SpecmockApp, clock: Clock) -> None:
        self.apps, self.clock = (fast, full), clock
        self.tokens: list[str] = []
        self.ids: list[str] = []
        self.reads: list[tuple[Any, ...]] = []  # (shell, method, target, header pairs) as sent

    def headers(self, kind: str) -> list[tuple[str, str]]:
        secret = {
            "configured": KEY,
            "unknown": "sk_unknown",
            "missing": None,
            "issued": self.tokens[-1] if self.tokens else None,
            "issued-first": self.tokens[0] if self.tokens else None,
            "next": self.next_token(),  # refused until an "issue" step accepts it
        }[kind]
        pairs = [("host", "127.0.0.1:8000")]
        return [*pairs, ("reb-apikey", secret)] if secret is not None else pairs

    def next_token(self) -> str:
        return f"direct-{len(self.tokens)}"

    def target(self, name: str) -> str:
        if name in ("item", "item-first"):
            return f"{TOKENS}/{self.ids[-1 if name == 'item' else 0]}" if self.ids else f"{TOKENS}/none-yet"
        return str(name)

    def same(self, shell: Callable[..., Answer], *request: Any) -> Answer:
        fast, full = (shell(app, *request) for app in self.apps)
        assert fast == full, request
        return fast

    def take(self, step: tuple[Any, ...]) -> None:
        kind = step[0]
        if kind == "read":
            _, method, name, who, accept, prefer, origin, shell = step
            pairs = self.headers(who)
            pairs += [(n, v) for n, v in (("accept", accept), ("prefer", prefer), ("origin", origin)) if v]
            self.reads.append((shell, method, self.target(name), pairs))
        if kind in ("read", "again") and self.reads:
            shell, *request = self.reads[step[1] % len(self.reads) if kind == "again" else -1]
            for _ in range(2):  # the second is a repeat (kept, unless it may not be)
                self.same(shell, *request)
        elif kind == "create":
            made = self.same(rsgi, "POST", TOKENS, [*self.headers(step[1]), *CREATE_HEADERS], CREATE)
            if made[0] == 201:
                self.tokens.append(json.loads(made[2])["token"])
                self.ids.append(dict(made[1])["location"].rsplit("/", 1)[-1])
        elif kind == "delete":
            self.same(rsgi, "DELETE", self.target(step[1]), self.headers(step[2]))
        elif kind == "issue":
            token = self.next_token()
            for app in self.apps:
                app.apis[0].credentials.issue_from({"token": token})
            self.tokens.append(token)
        elif kind == "reset":
            for app in self.apps:
                app.reset()
            self.tokens.clear()
            self.ids.clear()
            self.reads.clear()
        elif kind == "later":
            self.clock.value += step[1]


def journal(app: SpecmockApp) -> list[dict[str, Any]]:
    return [{k: v for k, v in entry.items() if k != "at"} for entry in app.journal.entries()]


def list_read(who: str) -> tuple[Any, ...]:
    return ("read", "GET", TOKENS, who, None, None, None, rsgi)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
@example([list_read("next"), ("issue",), ("again", 0)])  # a token accepted: no 401 kept for it
@example([list_read("configured"), ("create", "configured"), ("again", 0)])  # a write
@example([list_read("configured"), ("reset",), list_read("configured")])
@example(
    [
        ("create", "configured"),
        ("read", "GET", "item", "issued", None, None, None, asgi),
        ("later", 7300.0),
        ("again", 0),
    ]
)  # the record expired
@example([("create", "configured"), list_read("issued")] + [("create", "configured")] * 3 + [("again", 0)])
def test_repeated_requests_get_what_the_pipeline_gives_now(walk_steps: list[tuple[Any, ...]]) -> None:
    fast, full, clock = apps()
    clock.value = START
    for app in (fast, full):
        app.reset()
    walk = Walk(fast, full, clock)
    with mock.patch.object(security, "MAX_ISSUED_TOKENS", 3):  # issued tokens stop passing soon
        for step in walk_steps:
            walk.take(step)
    assert journal(fast) == journal(full)


def test_a_repeated_read_skips_the_pipeline_until_something_it_depends_on_changes() -> None:
    app = create_app("rebilly", seed=1, api_keys=(KEY,))
    runs: list[str] = []
    real_run = flow.run

    def counted(api: Any, key: str, request: Any) -> Any:
        runs.append(request.method)
        return real_run(api, key, request)

    read = [("host", "x"), ("reb-apikey", KEY)]
    with mock.patch.object(flow, "run", counted):
        first = rsgi(app, "GET", TOKENS, read)  # seeds the collection: its version moves meanwhile
        assert rsgi(app, "GET", TOKENS, read) == first  # kept this time
        runs.clear()
        assert rsgi(app, "GET", TOKENS, read) == first
        assert rsgi(app, "GET", TOKENS, [*read, ("accept", "*/*")])[0] == 200
        assert runs == ["GET"]  # the repeat ran nothing; another Accept did
        made = rsgi(app, "POST", TOKENS, [*read, *CREATE_HEADERS], CREATE)
        assert made[0] == 201
        after = rsgi(app, "GET", TOKENS, read)
        assert after != first  # the new record is listed
        token = json.loads(made[2])["token"]
        assert rsgi(app, "GET", TOKENS, [("host", "x"), ("reb-apikey", token)])[0] == 200
        app.reset()
        assert rsgi(app, "GET", TOKENS, [("host", "x"), ("reb-apikey", token)])[0] == 401
    assert runs == ["GET", "POST", "GET", "GET", "GET"]
    assert len(app.journal.entries()) == 1  # the reset cleared it; the last read was journalled


def test_without_expiring_records_a_repeat_is_given_until_a_write_or_a_new_credential(tmp_path: Path) -> None:
    """The store's and the credentials' counters, compared in place of ``Api.version()`` when no
    record expires (the Rebilly walk above has expiring tokens: it asks ``Api.version()``)."""
    books = tmp_path / "books.yaml"
    books.write_text(yaml.safe_dump(bookstore(), sort_keys=False))
    store = create_app(books, seed=1, records=2)
    hellgate = create_app("hellgate", seed=1, api_keys=(KEY,))
    for app in (store, hellgate):
        assert app.apis[0].version_counters() is not None
    runs: list[str] = []
    real_run = flow.run

    def counted(api: Any, key: str, request: Any) -> Any:
        runs.append(request.method)
        return real_run(api, key, request)

    asked = [("host", "x"), ("x-api-key", "direct-0")]
    with mock.patch.object(flow, "run", counted):
        for shell in (rsgi, asgi):
            listed = shell(store, "GET", "/books", [("host", "x")])  # seeds: not kept
            assert shell(store, "GET", "/books", [("host", "x")]) == listed
            runs.clear()
            assert shell(store, "GET", "/books", [("host", "x")]) == listed
            assert shell(hellgate, "GET", "/authentications", asked)[0] == 401
            assert shell(hellgate, "GET", "/authentications", asked)[0] == 401
            assert runs == ["GET"]  # the repeats ran nothing
            body = json.dumps({"title": f"Via {shell.__name__}"}).encode()
            sent = [("host", "x"), ("content-type", "application/json"), ("content-length", str(len(body)))]
            made = rsgi(store, "POST", "/books", sent, body)
            assert made[0] == 201
            after = shell(store, "GET", "/books", [("host", "x")])
            assert json.loads(made[2]) in json.loads(after[2])["data"]
        hellgate.apis[0].credentials.issue_from({"token": "direct-0"})
        for shell in (rsgi, asgi):
            assert shell(hellgate, "GET", "/authentications", asked)[0] == 200


@pytest.fixture
def replicas(tmp_path: Path, redis_url: str) -> Iterator[Callable[[], tuple[TestClient, TestClient]]]:
    clients: list[TestClient] = []

    def make() -> tuple[TestClient, TestClient]:
        path = tmp_path / "books.yaml"
        path.write_text(yaml.safe_dump(bookstore(), sort_keys=False))
        for _ in range(2):
            clients.append(
                TestClient(create_app(path, store=redis_url, records=2), base_url="http://testserver")
            )
        return clients[-2], clients[-1]

    yield make
    for client in clients:
        client.close()


def test_on_a_shared_store_a_repeat_waits_for_the_store_and_shows_the_other_replicas_writes(
    replicas: Callable[[], tuple[TestClient, TestClient]],
) -> None:
    a, b = replicas()
    before = a.get("/books").json()
    assert a.get("/books").json() == before
    made = b.post("/books", json={"title": "Elsewhere"}).json()
    assert made in a.get("/books").json()["data"]
    item = a.get("/books/1").json()
    for _ in range(3):
        assert a.get("/books/1").json() == item  # kept (a list may seed, so it is not)
    # Each of them is in the shared journal (read here through the other replica).
    reads = [entry for entry in b.get("/__specmock/journal").json() if entry["path"] == "/books/1"]
    assert len(reads) == 4
    assert len({(entry["status"], entry["operation"], entry["curl"]) for entry in reads}) == 1
