"""An operation that documents no "not found" (no 404, 410, 4XX or default; a 400 is not one) never
answers a record made up under another id: an unknown id materialises as itself, and a deleted or
renamed id stays out of the list (a read of it answers a stand-in for that id, not stored) until a
PUT re-creates it."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.conftest import MakeClient, spec
from tests.fidelity.todos import json_of

USER = {
    "type": "object",
    "required": ["id", "email"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "email": {"type": "string", "format": "email"},
        "displayName": {"type": "string"},
    },
}
NOTE = {
    "type": "object",
    "required": ["id", "text"],
    "properties": {"id": {"type": "integer", "readOnly": True}, "text": {"type": "string"}},
}
BAD_REQUEST = json_of({"type": "object", "properties": {"message": {"type": "string"}}}, "bad request")
USER_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
ERROR_SETS: list[dict[str, Any]] = [{}, {"400": BAD_REQUEST}]
IDS = [1, 2, 3, 700, 701, 702]


def users(item_errors: dict[str, Any], user: dict[str, Any] = USER) -> dict[str, Any]:
    """A users API like overseerr's: the item operations document a success and at most a 400."""
    return spec(
        {
            "/users": {
                "get": {"responses": {"200": json_of({"type": "array", "items": user})}},
                "post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": user}}},
                    "responses": {"201": json_of(user, "created"), "400": BAD_REQUEST},
                },
            },
            "/users/{id}": {
                "parameters": USER_ID,
                "get": {"responses": {"200": json_of(user), **item_errors}},
                "put": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": user}}},
                    "responses": {"200": json_of(user), **item_errors},
                },
                "delete": {"responses": {"204": {"description": "deleted"}, **item_errors}},
            },
            "/users/{id}/disable": {
                "parameters": USER_ID,
                "post": {"responses": {"204": {"description": "disabled"}, **item_errors}},
            },
            "/users/{id}/notes": {
                "parameters": USER_ID,
                "get": {"responses": {"200": json_of({"type": "array", "items": NOTE}), **item_errors}},
            },
        }
    )


def listed(client: TestClient) -> set[int]:
    return {user["id"] for user in client.get("/users").json()}


def test_a_deleted_user_stays_deleted(make_client: MakeClient) -> None:
    for item_errors in ERROR_SETS:
        client = make_client(users(item_errors))
        created = client.post("/users", json={"email": "ada@example.com", "displayName": "Ada"})
        assert created.status_code == 201
        user = created.json()
        assert client.get(f"/users/{user['id']}").json() == user
        assert client.delete(f"/users/{user['id']}").status_code == 204
        stand_in = client.get(f"/users/{user['id']}")
        assert stand_in.status_code == 200
        assert stand_in.json()["id"] == user["id"]
        assert client.get(f"/users/{user['id']}/notes").status_code == 200
        assert client.post(f"/users/{user['id']}/disable").status_code == 204
        assert user["id"] not in listed(client)
        assert client.delete(f"/users/{user['id']}").status_code == 204  # repeating a delete succeeds
        again = client.put(f"/users/{user['id']}", json={"email": "ada@example.com"})
        assert again.status_code == 200
        assert again.json()["id"] == user["id"]
        assert client.get(f"/users/{user['id']}").json() == again.json()
        assert user["id"] in listed(client)


def test_a_renamed_id_reads_as_deleted(make_client: MakeClient) -> None:
    writable_id = {**USER, "properties": {**USER["properties"], "id": {"type": "integer"}}}
    client = make_client(users({"400": BAD_REQUEST}, writable_id))
    first = client.get("/users/5").json()
    moved = client.put("/users/5", json={"id": 9999, "email": first["email"]})
    assert moved.status_code == 200
    assert moved.json()["id"] == 9999
    assert client.get("/users/9999").json() == moved.json()
    assert client.get("/users/5").json()["id"] == 5
    assert 5 not in listed(client)
    assert 9999 in listed(client)


def test_an_unknown_user_materialises_as_itself(make_client: MakeClient) -> None:
    for item_errors in ERROR_SETS:
        client = make_client(users(item_errors))
        first = client.get("/users/71719")
        assert first.status_code == 200
        assert first.json()["id"] == 71719
        assert client.get("/users/71719").json() == first.json()
        assert 71719 in listed(client)


METHODS = ["get", "put", "delete", "notes", "disable"]
STEPS = st.lists(st.tuples(st.sampled_from(METHODS), st.sampled_from(IDS)), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item_errors=st.sampled_from(ERROR_SETS), steps=STEPS)
def test_reads_answer_the_asked_id_and_the_list_follows_deletes(
    make_client: MakeClient, item_errors: dict[str, Any], steps: list[tuple[str, int]]
) -> None:
    client: TestClient = make_client(users(item_errors))
    expected = listed(client)
    deleted: set[int] = set()
    for method, user_id in steps:
        url = f"/users/{user_id}"
        if method == "delete":
            assert client.delete(url).status_code == 204
            expected.discard(user_id)
            deleted.add(user_id)
        elif method == "put":
            answer = client.put(url, json={"email": "grace@example.com"})
            assert answer.status_code == 200
            assert answer.json()["id"] == user_id
            expected.add(user_id)
            deleted.discard(user_id)
        elif method == "get":
            answer = client.get(url)
            assert answer.status_code == 200
            assert answer.json()["id"] == user_id
            if user_id not in deleted:
                expected.add(user_id)  # a user never seen materialises; a deleted one stays deleted
        else:
            assert client.request("GET" if method == "notes" else "POST", f"{url}/{method}").status_code in {
                200,
                204,
            }
        assert listed(client) == expected
