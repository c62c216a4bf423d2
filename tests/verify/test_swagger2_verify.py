"""`specmock verify` takes a Swagger 2.0 document, tested through the same 3.0 reading `serve` uses."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from specmock.cli import main
from specmock.server import serve

SEPARATE = (
    Path(__file__).resolve().parents[1] / "corpus" / "swagger2-petstore-separate" / "spec" / "swagger.json"
)


def test_passes_against_specmock_serving_the_same_swagger_document() -> None:
    # Every phase; DELETE answers 204 without a Content-Type, which schemathesis's own 2.0 reading
    # (`produces` for every response) would count as a failure of a correct server.
    root = str(SEPARATE.parents[1])  # the document refers to ../common/Error.json
    with serve(SEPARATE, seed=1, ref_roots=(root,)) as server:
        result = CliRunner().invoke(
            main,
            ["verify", str(SEPARATE), "--origin", server.url, "--max-examples", "5", "--ref-root", root],
            catch_exceptions=False,
        )
    assert result.exit_code == 0, result.output
    assert f"against {server.url}/api" in result.output  # the basePath, through the converted servers
    assert "DELETE /pets/{id}" in result.output
    assert "PASSED 4 operations" in result.output


def test_a_broken_swagger_document_exits_2_with_the_loaders_paragraph(tmp_path: Path) -> None:
    spec = tmp_path / "swagger.yaml"
    spec.write_text("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {parameters: [5]}}}\n")
    result = CliRunner().invoke(main, ["verify", str(spec), "--url", "http://127.0.0.1:1"])
    assert result.exit_code == 2
    assert f"{spec}: cannot serve this document. At JSON pointer /paths/~1a/get/parameters/0" in result.output
