"""Accept: RFC 9110 lets a server disregard it, so an operation that documents no 406 answers its
documented media type whatever the client asks for; 406 only where it is documented (or with
``--strict-accept``), and never for a value the operation's own ``Accept`` parameter declares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import MakeClient, spec

from specmock.report import check_report

VENDOR = "application/vnd.acme+json;version=2"
ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": ITEM}}}}
NOT_ACCEPTABLE = {
    "406": {
        "description": "not acceptable",
        "content": {"application/json": {"schema": {"type": "object", "properties": {"message": {}}}}},
    }
}
ACCEPT_PARAM = {"name": "Accept", "in": "header", "schema": {"type": "string", "enum": [VENDOR]}}


def document(responses: dict[str, Any], parameters: list[Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"responses": responses}
    if parameters:
        operation["parameters"] = parameters
    return spec({"/things": {"get": operation}})


def test_an_operation_documenting_no_406_answers_its_media_type_whatever_accept_says(
    make_client: MakeClient,
) -> None:
    client = make_client(document(OK))
    for accept in (VENDOR, "text/csv", "image/png;q=0.5", "garbage"):
        response = client.get("/things", headers={"Accept": accept})
        assert response.status_code == 200, accept
        assert response.headers["content-type"] == "application/json"
        assert isinstance(response.json()["id"], int)


def test_a_documented_406_is_answered_when_nothing_fits(make_client: MakeClient) -> None:
    client = make_client(document({**OK, **NOT_ACCEPTABLE}))
    assert client.get("/things", headers={"Accept": "text/csv"}).status_code == 406
    assert client.get("/things", headers={"Accept": "text/csv, application/*;q=0.1"}).status_code == 200


def test_a_value_the_declared_accept_parameter_admits_is_never_refused(make_client: MakeClient) -> None:
    client = make_client(document({**OK, **NOT_ACCEPTABLE}, [ACCEPT_PARAM]), strict_accept=True)
    declared = client.get("/things", headers={"Accept": VENDOR})
    assert declared.status_code == 200
    assert declared.headers["content-type"] == "application/json"
    assert client.get("/things", headers={"Accept": "text/csv"}).status_code == 406


def test_strict_accept_keeps_refusing_with_a_problem(make_client: MakeClient) -> None:
    response = make_client(document(OK), strict_accept=True).get("/things", headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(accept=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40))
def test_any_accept_gets_a_documented_status_and_media_type(make_client: MakeClient, accept: str) -> None:
    client = make_client(document(OK, [ACCEPT_PARAM]))
    response = client.get("/things", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"


def test_check_reports_an_accept_parameter_no_response_documents(tmp_path: Path) -> None:
    path = tmp_path / "vendor.json"
    other = {**ACCEPT_PARAM, "schema": {"type": "string", "enum": ["application/json"]}}
    path.write_text(
        json.dumps(
            spec(
                {
                    "/things": {"get": {"responses": OK, "parameters": [ACCEPT_PARAM]}},
                    "/others": {"get": {"responses": OK, "parameters": [other]}},
                }
            )
        )
    )
    report = check_report(str(path))
    assert "Contradictions worked around (1):" in report
    assert (
        f"GET /things: the Accept parameter admits {VENDOR}, which the success response does not "
        "document; such a request is answered with application/json, never refused"
    ) in report
