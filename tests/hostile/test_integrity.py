"""Data is never silently changed: a number either comes back exactly as sent or is refused in the
spec's error shape, and records put through the admin API must fit the schema (nothing replaced
otherwise). Over the wire: real servers on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock import serve
from specmock.server import Running

TOKENS = "/api/v3/core/tokens/"
AUTHENTIK_KEY = {"Authorization": "Bearer ak-token"}
ADMIN_TOKENS = "/__specmock/apis/authentik/state/tokens"

LEDGER = """\
openapi: 3.1.0
info: {title: ledger, version: '1'}
paths:
  /entries:
    get:
      operationId: listEntries
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Entry'}}
    post:
      operationId: createEntry
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Entry'}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Entry'}
        '422':
          description: invalid
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
  /entries/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      operationId: getEntry
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Entry'}
        '404':
          description: missing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
    put:
      operationId: replaceEntry
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Entry'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Entry'}
        '422':
          description: invalid
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
components:
  schemas:
    Entry:
      type: object
      required: [amount]
      properties:
        id: {type: integer, readOnly: true}
        amount: {type: integer}
        ratio: {type: number}
        counts: {type: array, items: {type: integer}}
        nested: {type: object, properties: {big: {type: integer}}}
    Error:
      type: object
      required: [message]
      properties:
        message: {type: string}
        errors: {type: array, items: {type: object}}
"""


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    spec = tmp_path_factory.mktemp("ledger") / "ledger.yaml"
    spec.write_text(LEDGER)
    with serve(spec, seed=1, records=3) as server:
        yield server


@pytest.fixture(scope="module")
def authentik() -> Iterator[Running]:
    with serve("authentik", seed=1, records=3) as server:
        yield server


def exact(response: httpx.Response) -> Any:
    """The body as written: integers of any size and decimals (as ``Decimal``) exactly."""
    return json.loads(response.content, parse_float=Decimal)


def integer(value: Any) -> int:
    """``value`` if it is an integer; a float fails the test, even an equal one (2**64 == 2.0**64)."""
    assert type(value) is int, f"{value!r} is a {type(value).__name__}, not the integer sent"
    return value


def post_raw(
    client: httpx.Client, url: str, body: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return client.post(url, content=body, headers={"Content-Type": "application/json", **(headers or {})})


# Written as the client writes them; the value each stands for, exactly.
NUMBERS = [
    ("18446744073709551615", 2**64 - 1),
    ("18446744073709551616", 2**64),
    ("-9223372036854775809", -(2**63) - 1),
    (str(2**200), 2**200),
    ("1e20", 10**20),
    ("1e23", 10**23),  # the nearest double is 99999999999999991611392: the value must not go through it
    ("123456789012345678901234567890.0", 123456789012345678901234567890),
    ("-4.2E+25", -42 * 10**24),
]


@pytest.mark.parametrize(("written", "value"), NUMBERS)
def test_an_integer_of_any_size_comes_back_exactly(ledger: Running, written: str, value: int) -> None:
    with httpx.Client(base_url=ledger.url) as client:
        body = f'{{"amount": {written}, "counts": [1, {written}], "nested": {{"big": {written}}}}}'
        created = post_raw(client, "/entries", body)
        assert created.status_code == 201, created.text
        record = exact(created)
        amount, counts, nested = record["amount"], record["counts"], record["nested"]
        assert (integer(amount), integer(counts[1]), integer(nested["big"])) == (value, value, value)
        assert "specmock-violations" not in created.headers
        read = exact(client.get(f"/entries/{record['id']}"))
        assert read == record
        assert record in exact(client.get("/entries"))
        replaced = client.put(
            f"/entries/{record['id']}",
            content=body.replace('"amount"', '"ratio": 0.5, "amount"'),
            headers={"Content-Type": "application/json"},
        )
        assert integer(exact(replaced)["amount"]) == value
        assert exact(replaced)["ratio"] == 0.5


def test_authentik_keeps_a_user_id_beyond_64_bits(authentik: Running) -> None:
    """The case of the issue: ``{"user": 1e20}`` was stored as 32821, 2**200 as 1.6e60."""
    with httpx.Client(base_url=authentik.url, headers=AUTHENTIK_KEY) as client:
        for name, written, value in (("e20", "1e20", 10**20), ("p200", str(2**200), 2**200)):
            created = post_raw(client, TOKENS, f'{{"identifier": "{name}", "user": {written}}}')
            assert created.status_code == 201, created.text
            assert integer(exact(created)["user"]) == value
            assert integer(exact(client.get(f"{TOKENS}{name}/"))["user"]) == value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.integers(min_value=-(10**80), max_value=10**80),
    ratio=st.floats(allow_nan=False, allow_infinity=False),
)
def test_numbers_round_trip_through_the_store(ledger: Running, amount: int, ratio: float) -> None:
    body = json.dumps({"amount": amount, "ratio": ratio, "counts": [amount]})
    with httpx.Client(base_url=ledger.url) as client:
        created = post_raw(client, "/entries", body)
        assert created.status_code == 201, created.text
        record = exact(created)
        assert (integer(record["amount"]), integer(record["counts"][0])) == (amount, amount)
        assert record["ratio"] == Decimal(json.dumps(ratio))  # the number the text sent denotes
        assert exact(client.get(f"/entries/{record['id']}")) == record


@pytest.mark.parametrize(
    "written",
    ["1" * 5000, "1e400", "-1e400", "1e-400", "1e99999999"],
    ids=["5000-digits", "overflows-a-double", "negative-overflow", "underflows-to-zero", "huge-exponent"],
)
def test_a_number_that_cannot_be_kept_exactly_is_refused_in_the_spec_shape(
    ledger: Running, written: str
) -> None:
    with httpx.Client(base_url=ledger.url) as client:
        before = exact(client.get("/entries"))
        refused = post_raw(client, "/entries", f'{{"amount": 1, "ratio": {written}}}')
        assert refused.status_code == 422, refused.text
        assert isinstance(exact(refused)["message"], str)  # the documented Error shape
        assert exact(client.get("/entries")) == before


def test_admin_put_refuses_records_that_break_the_schema_and_replaces_nothing(authentik: Running) -> None:
    with httpx.Client(base_url=authentik.url) as client:
        before = client.get(ADMIN_TOKENS).content
        bad = [
            {"identifier": 5, "user": "x"},  # the record
            {"identifier": "fine", "pk": "4d3c0b7e-9f4c-4a6c-9d53-1f0a5a2b9e11", "user_obj": {}},
            {"pk": "not-checked", "user_obj": {"pk": 1}},
        ]
        refused = client.put(ADMIN_TOKENS, json=bad)
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        places = {(v["record"], v["path"]) for v in problem["violations"]}
        assert {(0, "/identifier"), (0, "/user")} <= places
        assert any(record == 2 for record, _ in places)  # every record is checked, not only the first
        assert all(v["message"] for v in problem["violations"])
        assert client.get(ADMIN_TOKENS).content == before


def test_admin_put_accepts_records_that_fit_and_keeps_big_integers(authentik: Running) -> None:
    with httpx.Client(base_url=authentik.url) as client:
        records = exact(client.get(ADMIN_TOKENS))
        records[0]["user"] = 2**70
        records[0]["user_obj"]["pk"] = 2**70
        loaded = client.put(
            ADMIN_TOKENS, content=json.dumps(records), headers={"Content-Type": "application/json"}
        )
        assert loaded.status_code == 204, loaded.text
        assert exact(client.get(ADMIN_TOKENS)) == records
        identifier = records[0]["identifier"]
        shown = client.get(f"{TOKENS}{identifier}/", headers=AUTHENTIK_KEY)
        assert integer(exact(shown)["user"]) == 2**70


def test_fixture_files_keep_big_integers(tmp_path: Path) -> None:
    from specmock.server import create_app

    spec = tmp_path / "ledger.yaml"
    spec.write_text(LEDGER)
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "entries.json").write_text(f'[{{"id": 1, "amount": {10**30 + 7}}}]')
    with serve(spec, fixtures=tmp_path / "fixtures") as server:
        assert integer(exact(httpx.get(server.url + "/entries/1"))["amount"]) == 10**30 + 7
    dumped = create_app(spec, fixtures=tmp_path / "fixtures").apis[0].sandbox.dump("entries")
    assert integer(dumped[0]["amount"]) == 10**30 + 7


def test_json_nested_beyond_the_bound_is_refused_in_the_spec_shape(ledger: Running) -> None:
    with httpx.Client(base_url=ledger.url) as client:
        deep = '{"amount": 1, "nested": ' + "[" * 150 + "]" * 150 + "}"
        refused = post_raw(client, "/entries", deep)
        assert refused.status_code == 422, refused.text
        assert "nested more than 100 levels" in exact(refused)["message"] + json.dumps(exact(refused))
