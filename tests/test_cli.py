from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from specmock.cli import main, serve


def test_check_reports_operations_and_plans() -> None:
    result = CliRunner().invoke(main, ["check", "hellgate"])
    assert result.exit_code == 0, result.output
    assert "GET /authentications [get_authentications]" in result.output
    assert "invalid→422 (spec shape)" in result.output


def test_broken_document_is_refused_with_one_paragraph(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
        "        '200': {$ref: '#/components/responses/Missing'}\n"
    )
    result = CliRunner().invoke(main, ["serve", str(broken)])
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message
    assert "broken.yaml" in message
    assert "/paths/~1a/get/responses/200" in message
    assert "Traceback" not in message


def test_unknown_spec_name_lists_the_bundled_ones() -> None:
    result = CliRunner().invoke(main, ["serve", "nope"])
    assert result.exit_code == 2
    assert "hellgate" in result.output


def test_serve_help_documents_every_flag() -> None:
    for parameter in serve.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"{parameter.opts} has no help line"
    output = CliRunner().invoke(main, ["serve", "--help"]).output
    for flag in ("--watch", "--latency", "--chaos", "--max-delay", "--port", "--cors / --no-cors"):
        assert flag in output


def test_bad_latency_is_refused_before_serving() -> None:
    result = CliRunner().invoke(main, ["serve", "hellgate", "--latency", "soon"])
    assert result.exit_code == 2
    assert "'soon' is not a duration" in result.output
