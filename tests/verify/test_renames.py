"""A resource the scenario renamed is not a lost resource: `ensure_resource_availability` stays quiet.

authentik addresses a token by its writable `identifier`; PUT with a new identifier moves the token, so
the old URI's 404 afterwards is the real API's answer, not a resource that vanished.
"""

from __future__ import annotations

import datetime
from typing import Any

import requests
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.core.transport import Response
from schemathesis.engine.recorder import ScenarioRecorder

from specmock.verify.renames import Sent, renamed_before, scenario_history

TOKEN = "/core/tokens/{identifier}/"
SET_KEY = "/core/tokens/{identifier}/set_key/"

identifiers = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)


def renaming(method: str, old: str, new: str, status: int = 200, path: str = TOKEN) -> Sent:
    return Sent(method, path, {"identifier": old}, {"identifier": new, "intent": "api"}, status)


@given(old=identifiers, new=identifiers, method=st.sampled_from(["PUT", "PATCH", "put", "patch"]))
def test_a_successful_put_or_patch_that_changes_the_identifier_renames(
    old: str, new: str, method: str
) -> None:
    failing = Sent("POST", SET_KEY, {"identifier": old})
    assert renamed_before([renaming(method, old, new)], failing) is (old != new)


@given(old=identifiers, new=identifiers, status=st.sampled_from([None, 400, 404, 409, 500]))
def test_a_failed_or_unanswered_rename_renames_nothing(old: str, new: str, status: int | None) -> None:
    assert not renamed_before([renaming("PUT", old, new, status)], Sent("POST", SET_KEY, {"identifier": old}))


@given(old=identifiers, other=identifiers, new=identifiers)
def test_renaming_another_resource_does_not_excuse_this_one(old: str, other: str, new: str) -> None:
    failing = Sent("GET", TOKEN, {"identifier": old})
    assert renamed_before([renaming("PATCH", other, new)], failing) is (other == old and new != old)


@given(method=st.sampled_from(["POST", "GET", "DELETE", "HEAD"]))
def test_only_put_and_patch_rename(method: str) -> None:
    assert not renamed_before([renaming(method, "a", "b")], Sent("GET", TOKEN, {"identifier": "a"}))


def test_a_rename_below_the_failing_uri_or_beside_it_does_not_count() -> None:
    below = renaming("PUT", "a", "b", path=SET_KEY)
    beside = renaming("PUT", "a", "b", path="/core/tokensets/{identifier}/")
    assert not renamed_before([below, beside], Sent("GET", TOKEN, {"identifier": "a"}))


def test_a_body_field_that_is_no_path_parameter_renames_nothing() -> None:
    update = Sent("PUT", TOKEN, {"identifier": "a"}, {"description": "new", "intent": "app"}, 200)
    assert not renamed_before([update], Sent("GET", TOKEN, {"identifier": "a"}))
    assert not renamed_before(
        [Sent("PUT", TOKEN, {"identifier": "a"}, ["b"], 200)], Sent("GET", TOKEN, {"identifier": "a"})
    )


SCHEMA: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "tokens", "version": "1"},
    "paths": {
        path: {
            method: {
                "parameters": [
                    {"name": "identifier", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "ok"}, "404": {"description": "gone"}},
            }
            for method in methods
        }
        for path, methods in ((TOKEN, ("put", "get")), (SET_KEY, ("post",)))
    },
}


def answered(recorder: ScenarioRecorder, case: Any, status: int, url: str) -> None:
    raw = requests.Response()
    raw.status_code = status
    raw._content = b"{}"
    raw.url = url
    raw.elapsed = datetime.timedelta(0)
    raw.request = requests.Request(case.method, url).prepare()
    recorder.record_case(case=case)
    recorder.record_response(case_id=case.id, response=Response.from_requests(raw, verify=True))


def test_a_schemathesis_scenario_with_a_rename_reads_as_renamed() -> None:
    schema = schemathesis.openapi.from_dict(SCHEMA)
    put = schema[TOKEN]["PUT"].Case(path_parameters={"identifier": "old"}, body={"identifier": "new"})
    read = schema[TOKEN]["GET"].Case(path_parameters={"identifier": "new"})
    set_key = schema[SET_KEY]["POST"].Case(path_parameters={"identifier": "old"}, body={})
    recorder = ScenarioRecorder(label="tokens")
    answered(recorder, put, 200, "http://127.0.0.1/core/tokens/old/")
    answered(recorder, read, 200, "http://127.0.0.1/core/tokens/new/")
    answered(recorder, set_key, 404, "http://127.0.0.1/core/tokens/old/set_key/")

    history, failing = scenario_history(recorder, set_key.id)
    assert [sent.method.upper() for sent in history] == ["PUT", "GET"]
    assert failing is not None
    assert renamed_before(history, failing)
    before_put, at_put = scenario_history(recorder, put.id)
    assert before_put == []
    assert at_put is not None
    assert not renamed_before(before_put, at_put)
    assert scenario_history(recorder, "no such case") == ([*history, failing], None)
