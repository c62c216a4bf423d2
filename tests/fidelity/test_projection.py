"""writeOnly never leaves and readOnly never comes in, at any depth: objects, arrays, allOf, oneOf,
anyOf, additional properties, recursive schemas."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.state.inferred.projection import strip_for
from tests.conftest import MakeClient
from tests.fidelity.todos import todos

SECRET = "SECRET"


@st.composite
def schema_and_value(draw: st.DrawFn, depth: int = 0) -> tuple[dict[str, Any], Any]:
    """A schema whose flagged (writeOnly) leaves hold SECRET strings in the paired value, each
    flagged name used once, so a correct strip removes exactly the secrets."""
    names = itertools.count()
    kinds = ["object", "array", "allOf", "oneOf", "anyOf", "map"] if depth < 3 else ["leaf"]
    kind = draw(st.sampled_from(kinds))
    if kind == "leaf":
        return {"type": "string"}, "plain"
    if kind == "array":
        items, value = draw(schema_and_value(depth + 1))
        return {"type": "array", "items": items}, [value, value]
    if kind == "map":
        inner, value = draw(schema_and_value(depth + 1))
        return {"type": "object", "additionalProperties": inner}, {"k1": value, "k2": value}
    if kind in ("allOf", "oneOf", "anyOf"):
        parts = [draw(object_part(depth + 1, f"{kind}{depth}v{i}")) for i in range(2)]
        merged: dict[str, Any] = {}
        for _, value in parts:
            merged.update(value)
        return {kind: [schema for schema, _ in parts]}, merged
    return draw(object_part(depth + 1, f"o{depth}n{next(names)}"))


@st.composite
def object_part(draw: st.DrawFn, depth: int, prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    properties: dict[str, Any] = {}
    value: dict[str, Any] = {}
    for index in range(draw(st.integers(1, 3))):
        name = f"{prefix}p{index}"
        if draw(st.booleans()):
            properties[name] = {"type": "string", "writeOnly": True}
            value[name] = SECRET
        else:
            properties[name], value[name] = draw(schema_and_value(depth))
    return {"type": "object", "properties": properties}, value


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in leaves(v)]
    return [value]


@settings(max_examples=300, deadline=None)
@given(pair=schema_and_value())
def test_writeonly_values_are_stripped_at_every_depth_and_nothing_else(pair: tuple[Any, Any]) -> None:
    schema, value = pair
    before = json.dumps(value)
    strip = strip_for({}, schema, "writeOnly")
    shown = strip.apply(value) if strip is not None else value
    assert SECRET not in leaves(shown)
    assert leaves(shown).count("plain") == leaves(value).count("plain")
    assert json.dumps(value) == before  # the stored value is never changed in place
    assert (strip is None) == (SECRET not in leaves(value) and SECRET not in json.dumps(schema))


def test_recursive_schemas_are_stripped_all_the_way_down() -> None:
    document = {
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "secret": {"type": "string", "writeOnly": True},
                        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    },
                }
            }
        }
    }
    value: dict[str, Any] = {"secret": "s", "children": []}
    deepest = value
    for _ in range(50):
        child: dict[str, Any] = {"secret": "s", "children": []}
        deepest["children"].append(child)
        deepest = child
    strip = strip_for(document, {"$ref": "#/components/schemas/Node"}, "writeOnly")
    assert strip is not None
    assert "secret" not in json.dumps(strip.apply(value))


def test_nested_secrets_never_come_back_from_the_server(make_client: MakeClient) -> None:
    client = make_client(todos())
    sent = {
        "title": "Sign",
        "signers": [{"name": "Ann", "password": "pw-1", "signedAt": "1999-01-01T00:00:00Z"}],
        "credentials": {"user": "ann", "password": "pw-2"},
    }
    created = client.post("/todos", json=sent)
    assert created.status_code == 201
    item = f"/todos/{created.json()['id']}"
    answers = [
        created,
        client.get(item),
        client.get("/todos"),
        client.put(item, json={**sent, "credentials": {"user": "bob", "password": "pw-3"}}),
        client.patch(item, json={"title": "Sign", "signers": [{"name": "Cy", "password": "pw-4"}]}),
        client.get(item),
    ]
    for answer in answers:
        assert answer.status_code in (200, 201)
        assert "pw-" not in answer.text
        assert "1999" not in answer.text  # a signer's readOnly signedAt is never taken from a request
    assert answers[-1].json()["signers"] == [{"name": "Cy"}]
    stored = client.get("/__specmock/apis/spec0/state/todos").json()
    assert any(s.get("password") == "pw-4" for r in stored for s in r.get("signers", []))
