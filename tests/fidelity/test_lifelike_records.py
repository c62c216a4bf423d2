"""Created and changed records look like the real API's: server-owned timestamps come from the sandbox
clock (updated ones move on every change), and optional fields the client left out stay absent or
take their declared default — nothing is invented. The same seed, clock and requests give the same
bytes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock.cli import main
from tests.conftest import MakeClient, spec
from tests.fidelity.todos import todos

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
CODE = {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}
OPTIONAL = {
    "done": True,
    "dueAt": "2026-02-01T09:00:00Z",
    "signers": [{"name": "Ann"}],
    "credentials": {"user": "ann"},
    "priority": 1,
}


def test_a_create_is_stamped_now_and_invents_nothing(make_client: MakeClient) -> None:
    client = make_client(todos(), clock=T0)
    created = client.post("/todos", json={"title": "Second"})
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "title", "createdAt", "updatedAt", "priority"}
    assert body["createdAt"] == body["updatedAt"] == "2026-01-01T00:00:00Z"
    assert body["priority"] == 3  # the declared default


def test_updated_moves_on_put_and_patch_created_stays(make_client: MakeClient) -> None:
    client = make_client(todos(), clock=T0)
    sandbox = client.app.apis[0].sandbox  # type: ignore[attr-defined]
    item = f"/todos/{client.post('/todos', json={'title': 'a'}).json()['id']}"
    sandbox.now = lambda: T0 + 60
    patched = client.patch(item, json={"title": "b"}).json()
    assert (patched["createdAt"], patched["updatedAt"]) == ("2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z")
    sandbox.now = lambda: T0 + 3600
    replaced = client.put(item, json={"title": "c"}).json()
    assert (replaced["createdAt"], replaced["updatedAt"]) == ("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z")
    assert client.get(item).json() == replaced
    seeded = client.get("/todos/2").json()
    sandbox.now = lambda: T0 + 7200
    assert client.patch("/todos/2", json={"title": "d"}).json()["updatedAt"] == "2026-01-01T02:00:00Z"
    assert client.get("/todos/2").json()["createdAt"] == seeded["createdAt"]


def test_the_answer_holds_exactly_what_was_sent_plus_what_the_server_owns(make_client: MakeClient) -> None:
    client = make_client(todos(), clock=T0)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(sent=st.lists(st.sampled_from(sorted(OPTIONAL)), unique=True))
    def check(sent: list[str]) -> None:
        body: dict[str, Any] = {"title": "t", **{name: OPTIONAL[name] for name in sent}}
        answer = client.post("/todos", json=body).json()
        assert set(answer) == {"id", "title", "createdAt", "updatedAt", "priority", *sent}
        assert {name: answer[name] for name in sent} == {name: OPTIONAL[name] for name in sent}

    check()


def test_same_seed_clock_and_requests_give_the_same_bytes(make_client: MakeClient) -> None:
    def session(client: Any) -> list[bytes]:
        item = f"/todos/{client.post('/todos', json={'title': 'x'}).json()['id']}"
        return [
            client.get(item).content,
            client.patch(item, json={"title": "y"}).content,
            client.get("/todos").content,
        ]

    assert session(make_client(todos(), seed=3, clock=T0)) == session(make_client(todos(), seed=3, clock=T0))


def test_clock_option_refuses_what_is_not_an_instant() -> None:
    result = CliRunner().invoke(main, ["serve", "--clock", "yesterday"])
    assert result.exit_code == 2
    assert "neither POSIX seconds nor an RFC 3339 date-time" in result.output


URI = re.compile(r"https?://[A-Za-z0-9.:-]+(/([A-Za-z0-9:@!$&'()*+,;=._~-]|%[0-9A-Fa-f]{2})*)*")


def test_location_of_any_created_id_is_a_uri_naming_it(make_client: MakeClient) -> None:
    """A client-chosen id with any characters (``50%off``, ``¼Þ``, spaces) gives a Location that is
    a valid URI and decodes back to the id."""
    document = spec(
        {
            "/codes": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": CODE}}},
                    "responses": {
                        "201": {
                            "description": "made",
                            "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}},
                            "content": {"application/json": {"schema": CODE}},
                        }
                    },
                }
            },
            "/codes/{code}": {
                "get": {
                    "parameters": [
                        {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": CODE}}}
                    },
                }
            },
        }
    )
    client = make_client(document)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        code=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
    )
    def check(code: str) -> None:
        created = client.post("/codes", json={"code": code})
        if created.status_code == 409:
            return
        location = created.headers["location"]
        assert URI.fullmatch(location), location
        assert unquote(location.rsplit("/codes/", 1)[1]) == code

    check()
