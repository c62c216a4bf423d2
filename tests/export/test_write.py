from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import pytest

from specmock import __version__
from specmock.errors import ConfigError
from specmock.export.write_only import schema_write_only
from specmock.runtime import Api
from tests.export.helpers import BUNDLED, client, folder_bytes, records, write

ENTITY_CHECKS: Literal["response"] = "response"


def _api(spec: str) -> Api:
    from specmock.config import MockConfig
    from specmock.openapi.loader import load_spec
    from specmock.spec_files import api_name, resolve_spec

    path = resolve_spec(spec)
    return Api(load_spec(path), MockConfig(), name=api_name(path), base_path="")


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_two_runs_write_byte_identical_files(tmp_path: Path, fmt: str) -> None:
    for spec in BUNDLED:
        write(tmp_path / "a" / spec, spec, seed=7, count=15, format=fmt, schemas=(), write_only=True)
        write(tmp_path / "b" / spec, spec, seed=7, count=15, format=fmt, schemas=(), write_only=True)
    first, second = folder_bytes(tmp_path / "a"), folder_bytes(tmp_path / "b")
    assert first == second
    assert len(first) == 8  # 4 collection files and 3 manifests, 1 nested file


def test_another_seed_gives_other_records(tmp_path: Path) -> None:
    write(tmp_path / "a", seed=1, count=3)
    write(tmp_path / "b", seed=2, count=3)
    name = "authentications.json"
    assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize("spec", BUNDLED)
def test_every_record_fits_its_schema(tmp_path: Path, spec: str) -> None:
    manifest = write(tmp_path, spec, count=25, write_only=True)
    api = _api(spec)
    for entry in manifest["files"]:
        resource = api.sandbox.plan.resources[entry["collection"]]
        check = api.check(resource.entity, ENTITY_CHECKS)
        found = records(tmp_path / entry["file"])
        assert len(found) == entry["records"] > 0
        for item in found:
            record = item["record"] if resource.parent else item
            assert check(record) == [], (entry["file"], record)


def test_records_are_those_serve_starts_with(tmp_path: Path) -> None:
    write(tmp_path, seed=5, count=12)
    answer = client("hellgate", seed=5, records=12).get(
        "/authentications?limit=500", headers={"X-API-Key": "k"}
    )
    assert answer.json()["data"] == records(tmp_path / "authentications.json")


def test_ndjson_is_one_compact_record_a_line(tmp_path: Path) -> None:
    write(tmp_path / "json", count=6)
    manifest = write(tmp_path / "nd", count=6, format="ndjson")
    lines = (tmp_path / "nd" / "authentications.ndjson").read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert len(lines) == 7
    assert all(b"\n" not in line and b": " not in line[:40] for line in lines)
    assert [json.loads(line) for line in lines[:-1]] == records(tmp_path / "json" / "authentications.json")
    assert manifest["files"] == [
        {"file": "authentications.ndjson", "collection": "authentications", "records": 6}
    ]


def test_json_files_are_indented_arrays_with_a_trailing_newline(tmp_path: Path) -> None:
    write(tmp_path, count=2)
    text = (tmp_path / "authentications.json").read_text(encoding="utf-8")
    assert text.startswith('[\n  {\n    "id": ')
    assert text.endswith("\n  }\n]\n")
    assert json.loads(text) == records(tmp_path / "authentications.json")


def test_manifest_names_spec_seed_counts_version_and_command(tmp_path: Path) -> None:
    manifest = write(tmp_path / "out", "authentik", seed=3, count=4)
    assert json.loads((tmp_path / "out" / "manifest.json").read_text()) == manifest
    assert manifest["specmock"] == __version__
    assert (manifest["api"], manifest["spec"], manifest["seed"], manifest["count"]) == (
        "authentik",
        "authentik",
        3,
        4,
    )
    assert {f["file"]: f["records"] for f in manifest["files"]} == {"tokens.json": 4, "used_by.json": 12}
    assert manifest["records"] == 16
    assert manifest["command"] == [
        "specmock",
        "fixtures",
        "authentik",
        "--seed",
        "3",
        "--count",
        "4",
        "--format",
        "json",
    ]
    assert str(tmp_path) not in (tmp_path / "out" / "manifest.json").read_text()


def test_manifest_names_a_spec_file_without_its_folder(tmp_path: Path) -> None:
    from specmock.spec_files import resolve_spec

    manifest = write(tmp_path, str(resolve_spec("hellgate")), count=1)
    assert manifest["spec"] == "openapi.yaml"
    assert manifest["command"][2] == "openapi.yaml"


def test_named_schema_gets_its_own_file(tmp_path: Path) -> None:
    manifest = write(tmp_path, "rebilly", count=5, schemas=("AuthenticationToken",))
    assert manifest["files"][-1] == {
        "file": "schemas/AuthenticationToken.json",
        "schema": "AuthenticationToken",
        "records": 5,
    }
    api = _api("rebilly")
    check = api.check(api.document["components"]["schemas"]["AuthenticationToken"], ENTITY_CHECKS)
    found = records(tmp_path / "schemas" / "AuthenticationToken.json")
    assert len(found) == 5
    assert all(check(r) == [] for r in found)
    assert not any("password" in r for r in found)  # writeOnly: only with the flag


def test_unknown_schema_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--schema Nope: no such schema .*AuthenticationToken"):
        write(tmp_path / "out", "rebilly", schemas=("Nope",))
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_write_only_fields_only_with_the_flag(tmp_path: Path) -> None:
    plain = records(write_and_path(tmp_path / "plain", write_only=False))
    full = records(write_and_path(tmp_path / "full", write_only=True))
    assert not any("password" in r or "mode" in r for r in plain)
    assert all("password" in r for r in full)
    # Otherwise the same records: the writeOnly fields are added, nothing else changes.
    assert [{k: v for k, v in r.items() if k not in ("password", "mode")} for r in full] == plain


def write_and_path(out: Path, **options: Any) -> Path:
    write(out, "rebilly", count=8, **options)
    return out / "authentication-tokens.json"


def test_write_only_schema_records_fit_the_schema(tmp_path: Path) -> None:
    write(tmp_path, "rebilly", count=10, schemas=("AuthenticationToken",), write_only=True)
    api = _api("rebilly")
    schema = api.document["components"]["schemas"]["AuthenticationToken"]
    found = records(tmp_path / "schemas" / "AuthenticationToken.json")
    assert any("password" in r for r in found)
    assert all(api.check(schema, ENTITY_CHECKS)(r) == [] for r in found)
    assert set(schema_write_only(api.document, schema)) == {"mode", "password"}


def test_a_format_switch_leaves_no_stale_file(tmp_path: Path) -> None:
    write(tmp_path, count=2)
    write(tmp_path, count=2, format="ndjson")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["authentications.ndjson", "manifest.json"]
