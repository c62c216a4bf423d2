"""`specmock check` names every discriminator value the document admits but cannot select by name, the
value is accepted and kept as sent, and the conformance driver excuses schemathesis refusing exactly
those values back (it generates them itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from starlette.testclient import TestClient

from specmock.openapi.discriminator_gaps import discriminator_gaps
from specmock.report import check_report
from specmock.server import create_app
from specmock.spec_files import api_name
from tests.contract.conformance import run_positive

REF = "#/components/schemas/"
ACTIONS = ["send-email", "add-tag", "show-notice"]  # the mapping names the first two only


def document() -> dict[str, Any]:
    action = {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "enum": ACTIONS}},
        "discriminator": {
            "propertyName": "name",
            "mapping": {"send-email": REF + "SendEmail", "add-tag": REF + "AddTag"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "rules", "version": "1"},
        "paths": {
            "/rules": {
                "post": {
                    "operationId": "create_rule",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": REF + "Rule"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {"application/json": {"schema": {"$ref": REF + "Rule"}}},
                        }
                    },
                }
            },
            "/rules/{id}": {
                "get": {
                    "operationId": "get_rule",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "the rule",
                            "content": {"application/json": {"schema": {"$ref": REF + "Rule"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Rule": {
                    "type": "object",
                    "required": ["actions", "source"],
                    "properties": {
                        "id": {"type": "string", "readOnly": True},
                        "actions": {"type": "array", "items": {"$ref": REF + "Action"}, "maxItems": 3},
                        "source": {"$ref": REF + "Source"},
                    },
                },
                "Action": action,
                "SendEmail": {"allOf": [{"$ref": REF + "Action"}]},
                "AddTag": {"allOf": [{"$ref": REF + "Action"}]},
                # the issue's POST /conversations: no mapping, branch values that are not schema names
                "Source": {
                    "oneOf": [{"$ref": REF + "UserSource"}, {"$ref": REF + "LeadSource"}],
                    "discriminator": {"propertyName": "type"},
                },
                "UserSource": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"const": "user"}},
                },
                "LeadSource": {
                    "type": "object",
                    "required": ["type"],
                    "properties": {"type": {"type": "string", "enum": ["lead", "LeadSource"]}},
                },
            }
        },
    }


def test_check_reports_each_value_a_discriminator_cannot_select(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document(), sort_keys=False))
    report = check_report(str(path))
    assert "Contradictions worked around (2):" in report
    assert "/components/schemas/Action: discriminator 'name' admits 'show-notice'," in report
    assert "/components/schemas/Source: discriminator 'type' admits 'user', 'lead'," in report


def test_a_discriminator_that_names_every_value_it_admits_is_no_contradiction() -> None:
    named = document()
    schemas = named["components"]["schemas"]
    schemas["Action"]["properties"]["name"]["enum"] = ACTIONS[:2]
    schemas["Source"]["discriminator"]["mapping"] = {"user": REF + "UserSource", "lead": REF + "LeadSource"}
    assert discriminator_gaps(named) == []


def test_an_unnamed_value_is_accepted_and_kept_as_sent(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document(), sort_keys=False))
    body = {"actions": [{"name": "show-notice"}, {"name": "add-tag"}], "source": {"type": "lead"}}
    with TestClient(create_app(path, seed=1)) as client:
        created = client.post("/rules", json=body)
        read = client.get(f"/rules/{created.json()['id']}")
    assert created.status_code == 201, created.text
    for answer in (created.json(), read.json()):
        assert (answer["actions"], answer["source"]) == (body["actions"], body["source"])


def test_the_sweep_excuses_exactly_the_values_check_reports(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document(), sort_keys=False))
    app = create_app(path, seed=1)
    assert run_positive(app, api_name(path), max_examples=25) == []
    # without the excuse schemathesis refuses the values it generated itself: the test can fail
    found = run_positive(app, api_name(path), max_examples=25, unnamed=frozenset())
    assert {f.kind for f in found} == {"DiscriminatorMismatch"}
