"""Operations that describe the same records differently never answer one kind in the other's shape:
a list of ``organization.certificate`` items beside a read answering ``certificate`` (the shape of
a large real spec, where lists answered the read's items: ``"active" is a required property``,
``"certificate" is not one of "organization.certificate"``). Each answer shows the stored record
through its own schema; the record itself (id, name) is the same everywhere."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import MakeClient, spec


def certificate(kind: str, required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["object", "id", "name", *required],
        "properties": {
            "object": {"type": "string", "enum": [kind]},
            "id": {"type": "string", "readOnly": True},
            "name": {"type": "string"},
            "created_at": {"type": "integer"},
            "active": {"type": "boolean"},
        },
    }


def answer(schema: Any) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def certificates(list_requires_active: bool) -> dict[str, Any]:
    listed = certificate("organization.certificate", ["active"] if list_requires_active else [])
    single = certificate("certificate", [])
    page = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": listed}},
    }
    item = [{"name": "certificate_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    return spec(
        {
            "/organization/certificates": {
                "get": {"responses": {"200": answer(page)}},
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": single}}},
                    "responses": {"200": answer(single)},
                },
            },
            "/organization/certificates/{certificate_id}": {
                "parameters": item,
                "get": {"responses": {"200": answer(single), "404": {"description": "gone"}}},
            },
        }
    )


@pytest.mark.parametrize("list_requires_active", [True, False], ids=["entity-is-list-item", "entity-is-read"])
def test_each_answer_shows_the_record_in_its_own_shape(
    make_client: MakeClient, list_requires_active: bool
) -> None:
    client = make_client(certificates(list_requires_active))
    created = client.post("/organization/certificates", json={"object": "certificate", "name": "edge"})
    listed = client.get("/organization/certificates")
    read = client.get(f"/organization/certificates/{created.json()['id']}")
    for response in (created, listed, read):
        assert response.status_code == 200
        assert "specmock-violations" not in response.headers, response.headers["specmock-violations"]
    assert created.json()["object"] == read.json()["object"] == "certificate"
    items = listed.json()["data"]
    assert {i["object"] for i in items} == {"organization.certificate"}
    mine = next(i for i in items if i["id"] == created.json()["id"])
    assert mine["name"] == read.json()["name"] == "edge"
    assert (
        listed.content == client.get("/organization/certificates").content
    )  # the same record reads the same
