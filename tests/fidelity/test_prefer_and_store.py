"""``Prefer`` never bypasses the store: a documented success code goes through it, an error code
changes nothing, examples apply to stateless answers only, and a code or example the operation does
not document is a 404 naming what it does document (Prism's convention) — all in the journal too."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.conftest import MakeClient
from tests.fidelity.todos import todos

DOCUMENTED_GET = {200, 404, 500}


def state(client: TestClient) -> Any:
    return client.get("/__specmock/apis/spec0/state/todos").json()


def journal_violations(client: TestClient) -> list[str]:
    return [v for entry in client.get("/__specmock/journal?limit=1").json() for v in entry["violations"]]


def test_a_documented_success_code_reads_the_stored_record(make_client: MakeClient) -> None:
    client = make_client(todos())
    plain = client.get("/todos/3")
    for prefer in ("code=200", "dynamic=false", "example=sample"):
        answer = client.get("/todos/3", headers={"Prefer": prefer})
        assert answer.status_code == 200
        assert answer.content == plain.content
    assert client.get("/todos/3?__dynamic=false").content == plain.content


def test_examples_asked_of_a_stored_answer_are_reported_not_silently_dropped(make_client: MakeClient) -> None:
    client = make_client(todos())
    answer = client.get("/todos/3", headers={"Prefer": "example=sample"})
    note = "example=sample not applied: the answer is the stored record"
    assert note in answer.headers["specmock-violations"]
    assert any("example=sample not applied" in v for v in journal_violations(client))
    listed = client.get("/todos?__dynamic=false")
    assert "dynamic=false not applied" in listed.headers["specmock-violations"]


def test_create_and_delete_with_a_success_code_go_through_the_store(make_client: MakeClient) -> None:
    client = make_client(todos())
    created = client.post("/todos", json={"title": "Second"}, headers={"Prefer": "code=201"})
    assert created.status_code == 201
    assert created.json()["title"] == "Second"
    assert client.get(f"/todos/{created.json()['id']}").json() == created.json()
    assert client.delete("/todos/4", headers={"Prefer": "code=204"}).status_code == 204
    assert client.get("/todos/4").status_code == 404


def test_an_error_code_answers_the_documented_shape_and_changes_nothing(make_client: MakeClient) -> None:
    client = make_client(todos())
    before = state(client)
    refused = client.post("/todos", json={"title": "Third"}, headers={"Prefer": "code=409"})
    assert refused.status_code == 409  # matched by the documented 4XX
    assert set(refused.json()) >= {"error", "message"}
    assert client.delete("/todos/4", headers={"Prefer": "code=404"}).status_code == 404
    assert client.patch("/todos/5", json={"title": "x"}, headers={"Prefer": "code=503"}).status_code == 503
    assert state(client) == before


def test_an_undocumented_code_is_a_404_naming_the_documented_ones(make_client: MakeClient) -> None:
    client = make_client(todos())
    before = state(client)
    answer = client.post("/todos", json={"title": "x"}, headers={"Prefer": "code=500"})
    assert answer.status_code == 404
    assert "code=500 is not documented" in answer.json()["message"]
    assert "documented: 201, 4XX" in answer.json()["message"]
    assert any("code=500 is not documented" in v for v in journal_violations(client))
    assert state(client) == before


def test_an_unknown_example_is_a_404_listing_the_examples(make_client: MakeClient) -> None:
    client = make_client(todos())
    answer = client.get("/todos/3", headers={"Prefer": "example=nope"})
    assert answer.status_code == 404
    assert "its examples: sample" in answer.json()["message"]
    assert any("example=nope" in v for v in journal_violations(client))


def test_any_preferred_code_is_documented_status_or_a_404_and_only_successes_write(
    make_client: MakeClient,
) -> None:
    client = make_client(todos())
    plain = client.get("/todos/3").content

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(code=st.integers(100, 599))
    def check(code: int) -> None:
        before = state(client)
        answer = client.get("/todos/3", headers={"Prefer": f"code={code}"})
        if code in DOCUMENTED_GET:
            assert answer.status_code == code
        else:
            assert answer.status_code == 404
            assert "documented: 200, 404, 500" in answer.json()["message"]
        if code == 200:
            assert answer.content == plain
        deleted = client.delete("/todos/7", headers={"Prefer": f"code={code}"})
        assert deleted.status_code == (code if code in (204, 404) else 404)
        if code == 204:
            client.post("/__specmock/reset")
        assert state(client) == before

    check()
