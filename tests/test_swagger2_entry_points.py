"""Every place that takes a SPEC takes a Swagger 2.0 document: serve (file or folder), check, fixtures,
the pytest plugin and the Python API (`create_app`; `verify` is in tests/verify)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from specmock.cli import main
from specmock.server import create_app, free_port
from specmock.spec_files import api_name, resolve_spec
from tests.integration.test_serve_command import SPECMOCK, stop, wait_ready

CORPUS = Path(__file__).resolve().parent / "corpus"
SEPARATE = CORPUS / "swagger2-petstore-separate" / "spec" / "swagger.json"
SEPARATE_ROOT = SEPARATE.parents[1]  # spec/swagger.json refers to ../common/Error.json: --ref-root
PETSTORE = CORPUS / "swagger2-petstore" / "swagger.yaml"

pytest_plugins = ["pytester"]


def test_a_folder_holding_swagger_yaml_is_a_spec_named_after_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "petstore"
    folder.mkdir()
    shutil.copy(PETSTORE, folder / "swagger.yaml")
    assert resolve_spec(folder) == folder / "swagger.yaml"
    assert api_name(resolve_spec(folder)) == "petstore"


def test_a_spec_given_by_its_bare_file_name_is_named_after_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "petstore"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert api_name(Path("swagger.yaml")) == api_name(Path("openapi.yaml")) == "petstore"


def test_serve_says_the_document_was_converted_and_serves_it(tmp_path: Path) -> None:
    shutil.copytree(SEPARATE.parents[1], tmp_path / "pets")
    parameters = tmp_path / "pets" / "spec" / "parameters.json"
    parameters.write_text(parameters.read_text().replace('"csv"', '"tsv"'))  # one thing to report
    spec = tmp_path / "pets" / "spec" / "swagger.json"
    port = free_port()
    command = [
        str(SPECMOCK),
        "serve",
        str(spec),
        "--port",
        str(port),
        "--quiet",
        "--ref-root",
        str(tmp_path / "pets"),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_ready(process, f"http://127.0.0.1:{port}")
        assert httpx.get(f"http://127.0.0.1:{port}/api/pets", params={"tags": "a"}).status_code == 200
    finally:
        stop(process)
    banner = process.stdout.read().decode() if process.stdout else ""
    if process.stdout is not None:
        process.stdout.close()
    assert (
        f"specmock: spec (4 operations, converted from Swagger 2.0; 1 not carried over "
        f"(`specmock check` lists them)) at http://127.0.0.1:{port}/api/"
    ) in banner


def test_check_reports_the_conversion() -> None:
    result = CliRunner().invoke(main, ["check", str(PETSTORE)])
    assert result.exit_code == 0, result.output
    assert "Swagger 2.0, converted to OpenAPI 3.0, 20 operations, mounted at /v2" in result.output
    assert "Converted from Swagger 2.0: everything was carried over" in result.output


def test_fixtures_are_written_and_served_back(tmp_path: Path) -> None:
    out = tmp_path / "fixtures"
    result = CliRunner().invoke(
        main,
        [
            "fixtures",
            str(SEPARATE),
            "--seed",
            "4",
            "--count",
            "3",
            "--out",
            str(out),
            "--ref-root",
            str(SEPARATE_ROOT),
        ],
    )
    assert result.exit_code == 0, result.output
    pets = json.loads((out / "pets.json").read_text())
    assert len(pets) == 3
    pets[0]["name"] = "Edited in the fixture file"
    (out / "pets.json").write_text(json.dumps(pets))
    app = create_app(SEPARATE, seed=4, fixtures=out, ref_roots=(SEPARATE_ROOT,))
    client = TestClient(app, base_url="http://testserver")
    answer = client.get(f"/api/pets/{pets[0]['id']}")
    assert answer.status_code == 200
    assert answer.json()["name"] == "Edited in the fixture file"


USER_TESTS = f"""
import httpx

SPEC = {str(SEPARATE)!r}
ROOTS = ({str(SEPARATE_ROOT)!r},)


def test_a_served_swagger_sandbox(specmock):
    server = specmock(SPEC, seed=1, ref_roots=ROOTS)
    created = httpx.post(server.url + "/api/pets", json={{"id": 77, "name": "Rex"}})
    assert created.status_code == 200
    assert httpx.get(server.url + "/api/pets/77").json()["name"] == "Rex"


def test_an_in_process_swagger_sandbox(specmock_asgi):
    sandbox = specmock_asgi(SPEC, seed=1, ref_roots=ROOTS)
    assert sandbox.client.get("/api/pets", params={{"limit": 2, "tags": "a,b"}}).status_code == 200
    assert sandbox.client.get("/api/pets/x").status_code == 422  # no 4xx documented: problem+json
"""


@pytest.mark.slow
def test_the_pytest_plugin_serves_swagger_documents(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_swagger_sandbox=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
