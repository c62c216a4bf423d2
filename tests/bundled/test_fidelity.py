"""Every answer the Rebilly and authentik sandboxes give validates against the *upstream* document.

Each operation is driven through the sandbox (happy paths and the main errors); every body is then
checked with openapi-schema-validator against the upstream response schema for the same operation and
status, the upstream document as the root (Rebilly's as `load_spec` repairs it). Where our spec
deliberately documents more than upstream (specs/README.md, "Deliberate deviations"), the answer is
listed in ``DEVIATIONS`` and must still validate against our own spec; nothing else may differ.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from starlette.testclient import TestClient

from specmock.openapi.loader import load_spec
from tests.bundled.conftest import AUTHENTIK, AUTHENTIK_KEY, REBILLY, REBILLY_KEY, Clock, client_for
from tests.corpus import corpus_file

# (method, path template, status) → why upstream cannot say it (see specs/README.md).
DEVIATIONS = {
    ("GET", "/authentication-tokens", 422): "Rebilly deviation 3: limit/offset outside 0..1000",
    ("POST", "/authentication-tokens/{token}/exchange", 422): "Rebilly deviation 4: invalid body",
    ("GET", "/core/tokens/", 404): "authentik deviation 4: Invalid page.",
    ("GET", "/core/tokens/{identifier}/", 404): "authentik deviation 2",
    ("PUT", "/core/tokens/{identifier}/", 404): "authentik deviation 2",
    ("PATCH", "/core/tokens/{identifier}/", 404): "authentik deviation 2",
    ("DELETE", "/core/tokens/{identifier}/", 404): "authentik deviation 2",
    ("GET", "/core/tokens/{identifier}/used_by/", 404): "authentik deviation 2",
    ("GET", "/core/tokens/{identifier}/view_key/", 404): "authentik deviation 3: upstream 404 has no body",
    ("POST", "/core/tokens/{identifier}/set_key/", 404): "authentik deviation 3: upstream 404 has no body",
}


@dataclass(frozen=True)
class Answer:
    method: str
    template: str
    status: int
    body: Any  # None: no body
    request: str


class Recorder:
    def __init__(self, client: TestClient, base: str, headers: dict[str, str]) -> None:
        self.client, self.base, self.headers = client, base, headers
        self.answers: list[Answer] = []

    def __call__(
        self,
        method: str,
        template: str,
        *,
        values: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        path = template.format(**(values or {}))
        sent = self.headers if headers is None else headers
        response = self.client.request(method, self.base + path, headers=sent, **kwargs)
        body = response.json() if response.content else None
        self.answers.append(Answer(method, template, response.status_code, body, f"{method} {path}"))
        return body


def rebilly_answers() -> list[Answer]:
    client = client_for("rebilly")
    client.app.apis[0].sandbox.now = Clock()  # type: ignore[attr-defined]
    call = Recorder(client, REBILLY, REBILLY_KEY)
    none: dict[str, str] = {}
    options = "/authentication-options"
    call("GET", options)
    call(
        "PUT",
        options,
        json={"passwordPattern": None, "credentialTtl": 10, "authTokenTtl": 20, "resetTokenTtl": 3},
    )
    call("PUT", options, json={"authTokenTtl": "soon"})
    call("GET", options, headers=none)
    call("GET", options, headers={**REBILLY_KEY, "Prefer": "code=403"})
    tokens, item = "/authentication-tokens", "/authentication-tokens/{token}"
    login = call("POST", tokens, json={"mode": "password", "username": "ann", "password": "pw"})
    call("POST", tokens, json={"mode": "passwordless", "customerId": "cus_0YV7DDSDD1C8DA64KHH2W33CPF"})
    call("POST", tokens, json={"mode": "password", "username": "ann"})
    call("POST", tokens, json={"mode": "password", "username": "a", "password": "b"}, headers=none)
    call(
        "POST",
        tokens,
        json={"mode": "password", "username": "a", "password": "b"},
        headers={**REBILLY_KEY, "Prefer": "code=429"},
    )
    call("GET", tokens)
    call("GET", tokens, params={"limit": 3, "offset": 2})
    call("GET", tokens, params={"limit": 2000})
    call("GET", tokens, headers=none)
    token = {"token": login["token"]}
    call("GET", item, values=token)
    call("POST", item + "/exchange", values=token, json={"invalidate": False})
    call("POST", item + "/exchange", values=token, json={"oneTimePassword": "12ab"})
    call("GET", item, values=token, headers=none)
    call("DELETE", item, values=token)
    call("GET", item, values=token)
    call("DELETE", item, values=token)
    call("POST", item + "/exchange", values=token, json={"invalidate": True})
    for seeded in client.get(REBILLY + tokens, headers=REBILLY_KEY).json()[:5]:
        call("GET", item, values={"token": seeded["token"]})
    return call.answers


def authentik_answers() -> list[Answer]:
    call = Recorder(client_for("authentik"), AUTHENTIK, AUTHENTIK_KEY)
    none: dict[str, str] = {}
    tokens, item = "/core/tokens/", "/core/tokens/{identifier}/"
    mine = {"identifier": "frontend-ci"}
    call("POST", tokens, json={"identifier": "frontend-ci", "intent": "api", "user": 7, "expiring": False})
    call("POST", tokens, json={"identifier": "frontend-ci"})
    call("POST", tokens, json={"intent": "api"})
    call("POST", tokens, json={"identifier": "x"}, headers=none)
    for query in (
        {},
        {"intent": "api", "ordering": "-identifier"},
        {"page": 2, "page_size": 5},
        {"search": "frontend"},
        {"user__username": "nobody"},
        {"expiring": "true"},
    ):
        call("GET", tokens, params=query)
    call("GET", tokens, params={"intent": "bogus"})
    call("GET", tokens, params={"page": 99})
    call("GET", tokens, headers=none)
    call("GET", item, values=mine)
    call("PUT", item, values=mine, json={"identifier": "frontend-ci", "description": "CI"})
    call("PATCH", item, values=mine, json={"user": 9})
    call("PATCH", item, values=mine, json={"intent": "bogus"})
    call("GET", item + "view_key/", values=mine)
    call("POST", item + "set_key/", values=mine, json={"key": "k" * 10})
    call("POST", item + "set_key/", values=mine, json={})
    call("GET", item + "used_by/", values=mine)
    call("GET", item + "view_key/", values=mine, headers=none)
    call("DELETE", item, values=mine)
    for template in (item, item + "view_key/", item + "used_by/"):
        call("GET", template, values=mine)
    call("PUT", item, values=mine, json={"identifier": "frontend-ci"})
    call("PATCH", item, values=mine, json={})
    call("DELETE", item, values=mine)
    call("POST", item + "set_key/", values=mine, json={"key": "k"})
    return call.answers


@functools.cache
def upstream(name: str) -> dict[str, Any]:
    if name == "rebilly":
        return load_spec(corpus_file("reference/rebilly/openapi.json")).document
    with corpus_file("reference/authentik/schema.yml").open() as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def media_pointer(document: dict[str, Any], answer: Answer) -> str | None:
    """JSON pointer of the upstream schema for this answer; None when upstream documents no body.

    KeyError when upstream does not document the status at all.
    """
    pointer = f"/paths/{escape(answer.template)}/{answer.method.lower()}/responses/{answer.status}"
    response = document["paths"][answer.template][answer.method.lower()]["responses"][str(answer.status)]
    while "$ref" in response:
        pointer = response["$ref"].removeprefix("#")
        node: Any = document
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        response = node
    if "application/json" not in (response.get("content") or {}):
        return None
    return f"{pointer}/content/application~1json/schema"


def validator_for(name: str) -> Callable[[str], Any]:
    document = upstream(name)
    cls, checker = (
        (OAS31Validator, oas31_format_checker)
        if name == "rebilly"
        else (OAS30ReadValidator, oas30_format_checker)
    )

    @functools.cache
    def make(pointer: str) -> Any:
        return cls({**document, "$ref": "#" + pointer}, format_checker=checker)

    return make


def check(name: str, answers: list[Answer]) -> Iterator[str]:
    document = upstream(name)
    make = validator_for(name)
    for answer in answers:
        key = (answer.method, answer.template, answer.status)
        try:
            pointer = media_pointer(document, answer)
        except KeyError:
            if key not in DEVIATIONS:
                yield f"{answer.request} → {answer.status}: upstream does not document this status"
            continue
        if pointer is None:
            if answer.body is not None and key not in DEVIATIONS:
                yield f"{answer.request} → {answer.status}: upstream documents no body, we sent one"
            continue
        if answer.body is None:
            yield f"{answer.request} → {answer.status}: upstream documents a body, we sent none"
            continue
        for error in make(pointer).iter_errors(answer.body):
            yield f"{answer.request} → {answer.status}: {error.json_path}: {error.message[:200]}"


@pytest.mark.parametrize("name", ["rebilly", "authentik"])
def test_every_answer_validates_against_the_upstream_document(name: str) -> None:
    answers = rebilly_answers() if name == "rebilly" else authentik_answers()
    assert not list(check(name, answers))
    statuses = {(a.method, a.template, a.status) for a in answers}
    documented = upstream(name)["paths"]
    driven = {(m, t) for m, t, _ in statuses}
    ours = {(m.upper(), t) for t, item in documented.items() for m in item if (m.upper(), t) in driven}
    assert ours == driven  # every operation we drove exists upstream under the same path
    assert {s for _, _, s in statuses} >= (
        {200, 201, 204, 401, 403, 404, 422, 429} if name == "rebilly" else {200, 201, 204, 400, 403, 404}
    )


def test_deviations_are_all_exercised() -> None:
    seen = {(a.method, a.template, a.status) for a in rebilly_answers() + authentik_answers()}
    assert set(DEVIATIONS) <= seen
