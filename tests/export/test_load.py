from __future__ import annotations

import json
from pathlib import Path

import pytest

from specmock.errors import ConfigError
from tests.export.helpers import HEADERS, client, records, write

LIST = "/authentications?limit=500"


def _listed(folder: Path, spec: str = "hellgate", path: str = LIST, key: str = "data") -> list[object]:
    answer = client(spec, fixtures=folder).get(path, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    found: list[object] = answer.json()[key]
    return found


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_round_trip_lists_exactly_the_fixture_records(tmp_path: Path, fmt: str) -> None:
    write(tmp_path / "hellgate", seed=11, count=30, format=fmt)
    # a seed and a record count of their own: the files decide what is listed
    assert _listed(tmp_path / "hellgate") == records(tmp_path / "hellgate" / f"authentications.{fmt}")


def test_round_trip_of_a_nested_resource(tmp_path: Path) -> None:
    write(tmp_path, "authentik", seed=2, count=4)
    stored = records(tmp_path / "tokens.json")
    api = client("authentik", fixtures=tmp_path)
    # Fields the server keeps but never lists (the token's secret key) are in the file, not the answer.
    resource = api.app.apis[0].sandbox.plan.resources["tokens"]  # type: ignore[attr-defined]
    unseen = set(resource.hidden) | resource.write_only
    tokens = [{k: v for k, v in r.items() if k not in unseen} for r in stored]
    listed = api.get("/api/v3/core/tokens/?page_size=100", headers=HEADERS).json()["results"]
    # exactly those records; their order is the spec's x-specmock ordering (authentik's identifier order)
    assert len(listed) == len(tokens)
    assert {t["pk"]: t for t in listed} == {t["pk"]: t for t in tokens}
    assert all(set(r) - set(t) == unseen for r, t in zip(stored, tokens, strict=True))
    used_by = records(tmp_path / "used_by.json")
    for token in tokens:
        key = token["identifier"]
        answer = api.get(f"/api/v3/core/tokens/{key}/used_by/", headers=HEADERS).json()
        assert answer == [u["record"] for u in used_by if u["parent"] == [key]]


def test_a_parent_folder_serves_each_api_from_its_own_folder(tmp_path: Path) -> None:
    write(tmp_path / "hellgate", count=3)
    write(tmp_path / "rebilly", "rebilly", count=2)
    assert _listed(tmp_path) == records(tmp_path / "hellgate" / "authentications.json")
    app = client("hellgate", "rebilly", fixtures=tmp_path)
    answer = app.get("/hellgate" + LIST, headers=HEADERS).json()["data"]
    assert answer == records(tmp_path / "hellgate" / "authentications.json")


def test_hand_written_records_load(tmp_path: Path) -> None:
    write(tmp_path, count=2)
    path = tmp_path / "authentications.json"
    edited = records(path)
    edited[0]["amount"] = 4242
    edited.append({**edited[1], "id": "5d5c2a1e-0000-4000-8000-000000000001", "currency_code": "EUR"})
    path.write_text(json.dumps(edited))  # formatted as a person would: any JSON layout loads
    assert _listed(tmp_path) == edited


def test_an_empty_file_means_no_records(tmp_path: Path) -> None:
    (tmp_path / "authentications.ndjson").write_text("\n")
    assert _listed(tmp_path) == []


def test_a_record_that_breaks_the_schema_is_refused_with_file_index_and_reason(tmp_path: Path) -> None:
    write(tmp_path, count=4)
    path = tmp_path / "authentications.json"
    broken = records(path)
    broken[2]["amount"] = "a lot"
    path.write_text(json.dumps(broken, indent=2))
    with pytest.raises(ConfigError) as caught:
        client("hellgate", fixtures=tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "record 2 " in message
    assert "/amount" in message
    assert "a lot" in message
    assert "\n" not in message


def test_a_broken_ndjson_line_is_refused_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, count=3, format="ndjson")
    path = tmp_path / "authentications.ndjson"
    lines = path.read_text().splitlines()
    lines[1] = lines[1][:-5]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=r"authentications\.ndjson: line 2 is not valid JSON"):
        client("hellgate", fixtures=tmp_path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("authentications.json", "{}", r"expected a JSON array of records"),
        ("authentications.json", "[1]", r"record 0 does not fit the authentications schema"),
        (
            "payments.json",
            "[]",
            r"payments\.json: not a fixture file of this API \(expected one of: authentications",
        ),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, name: str, content: str, expected: str) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(ConfigError, match=expected):
        client("hellgate", fixtures=tmp_path)


def test_json_and_ndjson_for_one_resource_is_ambiguous(tmp_path: Path) -> None:
    (tmp_path / "authentications.json").write_text("[]")
    (tmp_path / "authentications.ndjson").write_text("")
    with pytest.raises(ConfigError, match="holds the same resource"):
        client("hellgate", fixtures=tmp_path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    write(tmp_path, count=2)
    path = tmp_path / "authentications.json"
    found = records(path)
    path.write_text(json.dumps([found[0], found[0]]))
    with pytest.raises(ConfigError, match=r"authentications\.json: record 1: duplicate id"):
        client("hellgate", fixtures=tmp_path)


def test_a_nested_record_without_its_parent_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "authentik", count=2)
    path = tmp_path / "used_by.json"
    found = records(path)
    found[3]["parent"] = ["no-such-token"]
    path.write_text(json.dumps(found))
    with pytest.raises(
        ConfigError,
        match=r"used_by\.json: record 3: its parent \['no-such-token'\] is not a record of tokens",
    ):
        client("authentik", fixtures=tmp_path)


def test_a_singleton_file_holds_one_record(tmp_path: Path) -> None:
    write(tmp_path, "rebilly", count=1)
    path = tmp_path / "authentication-options.json"
    path.write_text(json.dumps(records(path) * 2))
    with pytest.raises(ConfigError, match="singleton; its file holds exactly one record, not 2"):
        client("rebilly", fixtures=tmp_path)


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such folder"):
        client("hellgate", fixtures=tmp_path / "nope")


def test_several_apis_need_at_least_one_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="one folder per API"):
        client("hellgate", "rebilly", fixtures=tmp_path)


def test_reset_returns_to_the_fixture_records_not_the_seed(tmp_path: Path) -> None:
    write(tmp_path / "hellgate", seed=11, count=3)
    served = client("hellgate", fixtures=tmp_path / "hellgate")
    served.app.apis[0].sandbox.load("authentications", [])  # the records change while serving …
    assert served.get(LIST, headers=HEADERS).json()["data"] == []
    assert served.post("/__specmock/reset").status_code == 204  # … and reset brings the files back
    expected = records(tmp_path / "hellgate" / "authentications.json")
    assert served.get(LIST, headers=HEADERS).json()["data"] == expected
