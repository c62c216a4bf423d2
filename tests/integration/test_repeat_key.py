"""A repeat is found by the headers its answer was produced from (``repeats.py``, ``ConsultedHeaders``),
not by every header: a request carrying other unrelated headers (a new ``traceparent``, other cookies)
gets the kept answer, and that answer is byte for byte what the full pipeline gives it. Compared with an
app that keeps nothing, over the read operations of the bundled documents and of a document whose
answers depend on declared header and cookie parameters and a cookie credential, for random values of
the headers that matter and random others."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.integration.test_repeated_answers import Answer, asgi, journal, rsgi

from specmock.app import SpecmockApp
from specmock.memo import Memo
from specmock.pipeline import flow
from specmock.repeats import Repeats
from specmock.server import create_app

JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
ITEM = {"$ref": "#/components/schemas/Item"}
PARAMS = {
    "openapi": "3.1.0",
    "info": {"title": "params", "version": "1"},
    "components": {
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sid"}},
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            }
        },
    },
    "paths": {
        "/items": {
            "get": {
                "security": [{"session": []}, {}],
                "parameters": [
                    {"name": "X-Level", "in": "header", "schema": {"type": "integer", "maximum": 3}},
                    {"name": "theme", "in": "cookie", "schema": {"enum": ["dark", "light"]}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "items",
                        "headers": {"X-Count": {"schema": {"type": "integer"}}},
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
                            },
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "400": {
                        "description": "bad",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "401": {
                        "description": "who",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "406": {"description": "no such type"},
                },
            }
        },
        "/items/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "item",
                        "content": {"application/json": {"schema": ITEM}},
                    },
                    "404": {
                        "description": "none",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "422": {
                        "description": "bad",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                },
            }
        },
    },
}
SPECS = ["hellgate", "rebilly", "authentik", "params"]
TEXT = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=16)
# Headers some answer reads, each with values that lead somewhere different (or nowhere).
RELEVANT: dict[str, st.SearchStrategy[str]] = {
    "accept": st.sampled_from(["application/json", "text/html", "*/*", "text/csv", "application/*;q=0.1"]),
    "prefer": st.sampled_from(
        ["code=404", "code=200", "code=500", "dynamic=false", "example=nope", "code=x"]
    ),
    "origin": st.sampled_from(["http://localhost:3000", "null", "not an origin"]),
    "host": st.sampled_from(["127.0.0.1:8000", "example.com", "bad host!"]),
    "x-api-key": st.sampled_from(["k", ""]) | TEXT,
    "reb-apikey": st.sampled_from(["k", ""]),
    "authorization": st.sampled_from(["Bearer t", "Basic eDp5", "Bearer ", "Token t"]),
    "cookie": st.sampled_from(["sid=s", "theme=dark", "sid=s; theme=light", "theme=blue", "other=1"]) | TEXT,
    "x-level": st.sampled_from(["1", "7", "x"]),
    "x-tenant": st.sampled_from(["acme", ""]),
    "content-length": st.just("0"),
}
# Headers no answer reads: a new value each time must not make a request new.
UNRELATED = st.sampled_from(["traceparent", "x-request-id", "user-agent", "accept-language", "x-b3-traceid"])
QUERIES = st.sampled_from(["", "limit=1", "limit=x", "__code=404"])
IDS = st.sampled_from(["1", "2", "abc", "0QWERTY"])


@cache
def apps(name: str) -> tuple[SpecmockApp, SpecmockApp]:
    """The app under test and the same app keeping no answers (every request runs all of the pipeline)."""
    spec = name
    if name == "params":
        folder = Path(tempfile.mkdtemp(prefix="specmock-repeat-key-"))
        (folder / "params.yaml").write_text(yaml.safe_dump(PARAMS, sort_keys=False))
        spec = str(folder / "params.yaml")
    fast, full = create_app(spec, seed=1), create_app(spec, seed=1)
    # Budgets of 0 bytes keep nothing: every request runs the pipeline, response cache included.
    full.repeats = Repeats(0)
    full.apis[0].responses = Memo(max_bytes=0)
    return fast, full


def read_targets(app: SpecmockApp) -> list[str]:
    """Every GET operation's path template as requested (with the API's base path)."""
    api = app.apis[0]
    return sorted(api.base_path + op.route for op in api.operations.values() if op.method == "GET")


def filled(template: str, ids: list[str]) -> str:
    parts = template.split("/")
    return "/".join(ids.pop() if part.startswith("{") else part for part in parts)


@st.composite
def requests(draw: st.DrawFn, template: str) -> tuple[Any, ...]:
    """A read of ``template``: its path, query, the headers that matter and two sets of others."""
    path = filled(template, [draw(IDS) for _ in range(template.count("{"))])
    query = draw(QUERIES)
    target = f"{path}?{query}" if query else path
    chosen = draw(st.dictionaries(st.sampled_from(sorted(RELEVANT)), st.just(None), max_size=6))
    relevant = [(header, draw(RELEVANT[header])) for header in chosen]
    extras = st.lists(st.tuples(UNRELATED, TEXT), max_size=3)
    method = draw(st.sampled_from(["GET", "HEAD"]))
    shell = draw(st.sampled_from([rsgi, asgi]))
    return shell, method, target, relevant, draw(extras), draw(extras)


def same(shell: Callable[..., Answer], fast: SpecmockApp, full: SpecmockApp, *request: Any) -> Answer:
    answer = shell(fast, *request)
    assert answer == shell(full, *request), request
    return answer


@pytest.mark.parametrize("name", SPECS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_an_answer_given_again_is_what_the_pipeline_gives_that_request(
    name: str, data: st.DataObject
) -> None:
    fast, full = apps(name)
    for app in (fast, full):
        app.reset()
    template = data.draw(st.sampled_from(read_targets(fast)))
    reads = data.draw(st.lists(requests(template), min_size=1, max_size=4))
    # Each read is sent with its first unrelated headers twice (the first may seed records: the
    # version moves meanwhile, nothing is kept), then with the others; then all again, each with
    # both: by then the other reads' answers are kept too.
    for shell, method, target, relevant, first, second in reads:
        for extras in (first, first, second):
            same(shell, fast, full, method, target, [*relevant, *extras])
    for shell, method, target, relevant, first, second in reads:
        same(shell, fast, full, method, target, [*relevant, *second, *first])
    assert journal(fast) == journal(full)  # each entry with the request's own headers


def counting() -> tuple[list[str], Any]:
    runs: list[str] = []
    real_run = flow.run

    def counted(api: Any, key: str, request: Any) -> Any:
        # dict.get: looked up through the request's ConsultedHeaders, the name would count as read
        runs.append(dict.get(request.headers, "traceparent", ""))
        return real_run(api, key, request)

    return runs, mock.patch.object(flow, "run", counted)


@pytest.mark.parametrize("shell", [rsgi, asgi])
def test_a_new_trace_header_each_time_is_still_a_repeat(shell: Callable[..., Answer]) -> None:
    app = create_app("hellgate", seed=1)
    runs, patched = counting()
    asked = [("host", "x"), ("x-api-key", "k")]
    with patched:
        answers = [
            shell(app, "GET", "/authentications", [*asked, ("traceparent", f"00-{n}")]) for n in range(4)
        ]
    assert len(set(map(str, answers))) == 1
    assert runs == ["00-0", "00-1"]  # the first seeds the records: its answer is not kept
    curls = [entry["curl"] for entry in journal(app)]
    assert all(f"00-{n}" in curl for n, curl in enumerate(curls))  # each journalled as it was sent


def test_cookies_count_where_an_answer_reads_them_and_nowhere_else() -> None:
    hellgate = create_app("hellgate", seed=1)
    fast, _ = apps("params")
    fast.reset()
    runs, patched = counting()
    with patched:
        for n in range(3):
            shell_answer = rsgi(
                hellgate, "GET", "/authentications", [("x-api-key", "k"), ("cookie", f"ga={n}")]
            )
            assert shell_answer[0] == 200
        read = len(runs)
        for n in range(3):  # /items reads its cookie parameter and the session cookie
            assert rsgi(fast, "GET", "/items", [("cookie", f"sid=s{n}; theme=dark")])[0] == 200
    assert read == 2  # Hellgate documents no cookie: a browser's cookies change nothing
    assert len(runs) - read == 3
