"""API styles beyond the bookstore: Twilio suffixes and POST updates, singletons with link arrays,
request bodies the response schema refuses, and calls from threads."""

from __future__ import annotations

import threading
from typing import Any

from tests.state.specs import Client, json_body, path_param, ref


def twilio_like() -> dict[str, Any]:
    account = {
        "type": "object",
        "properties": {
            "sid": {"type": "string", "pattern": "^AC[0-9a-f]{32}$"},
            "friendly_name": {"type": "string"},
            "status": {"type": "string", "enum": ["active", "closed"]},
        },
    }
    listing = {
        "type": "object",
        "properties": {
            "accounts": {"type": "array", "items": ref("Account")},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "next_page_uri": {"type": ["string", "null"]},
        },
    }
    form = {"content": {"application/x-www-form-urlencoded": {"schema": ref("Account")}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "twilio", "version": "1"},
        "paths": {
            "/Accounts.json": {
                "get": {"operationId": "ListAccount", "responses": {"200": json_body(listing)}},
                "post": {
                    "operationId": "CreateAccount",
                    "requestBody": form,
                    "responses": {"201": json_body(ref("Account"))},
                },
            },
            "/Accounts/{Sid}.json": {
                "parameters": [path_param("Sid")],
                "get": {
                    "operationId": "FetchAccount",
                    "responses": {"200": json_body(ref("Account")), "404": {"description": "no"}},
                },
                "post": {
                    "operationId": "UpdateAccount",
                    "requestBody": form,
                    "responses": {"200": json_body(ref("Account")), "404": {"description": "no"}},
                },
            },
        },
        "components": {"schemas": {"Account": account}},
    }


def test_suffixes_and_post_updates() -> None:
    client = Client(twilio_like(), records=3)
    plan = client.sandbox.plan
    assert plan.resources["Accounts"].item_path == "/Accounts/{Sid}.json"
    assert plan.resources["Accounts"].id_field == "sid"
    assert plan.routes["UpdateAccount"].role == "update"
    first = client.ok("ListAccount").body["accounts"][0]
    updated = client.ok("UpdateAccount", {"friendly_name": "renamed"}, Sid=first["sid"]).body
    assert updated["friendly_name"] == "renamed"
    assert client.ok("FetchAccount", Sid=first["sid"]).body == updated


def test_an_object_with_only_a_links_array_is_a_singleton() -> None:
    options = {
        "type": "object",
        "properties": {
            "credentialTtl": {"type": "integer"},
            "_links": {
                "type": "array",
                "items": {"type": "object", "properties": {"href": {"type": "string"}}},
            },
        },
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "options", "version": "1"},
        "paths": {
            "/authentication-options": {
                "get": {"operationId": "get", "responses": {"200": json_body(options)}},
                "put": {
                    "operationId": "put",
                    "requestBody": {"content": {"application/json": {"schema": options}}},
                    "responses": {"200": json_body(options)},
                },
            }
        },
    }
    client = Client(doc)
    assert client.sandbox.plan.resources["authentication-options"].kind == "singleton"
    assert client.ok("put", {"credentialTtl": 5}).body["credentialTtl"] == 5


def test_bodies_the_response_schema_refuses_are_repaired() -> None:
    doc = twilio_like()
    account = doc["components"]["schemas"]["Account"]
    request = {**account, "properties": {**account["properties"], "status": {"type": ["string", "null"]}}}
    doc["components"]["schemas"]["AccountRequest"] = request
    for op in ("post",):
        doc["paths"]["/Accounts/{Sid}.json"][op]["requestBody"] = {
            "content": {"application/json": {"schema": ref("AccountRequest")}}
        }
    client = Client(doc, records=2)
    first = client.ok("ListAccount").body["accounts"][0]
    updated = client.ok("UpdateAccount", {"status": None, "friendly_name": "x"}, Sid=first["sid"]).body
    assert updated["friendly_name"] == "x"
    assert updated["status"] == first["status"]  # null is not a status an account can answer with


def test_threads_see_consistent_lists() -> None:
    client = Client(twilio_like(), records=0)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                client.ok("CreateAccount", {"friendly_name": f"{n}-{i}"})
                page = client.ok("ListAccount").body["accounts"]
                assert len({a["sid"] for a in page}) == len(page)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(client.sandbox.dump("Accounts")) == 200


def test_integers_beyond_64_bits_are_stored_exactly() -> None:
    client = Client(twilio_like(), records=1)
    created = client.ok("CreateAccount", {"friendly_name": "big", "status": "active", "extra": 2**70}).body
    assert created["extra"] == 2**70
    assert type(created["extra"]) is int
    assert created["friendly_name"] == "big"
