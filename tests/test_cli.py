from __future__ import annotations

from pathlib import Path

import click
import yaml
from click.testing import CliRunner

from specmock.cli import main, serve
from tests.fidelity.test_cannot_say_not_found import BAD_REQUEST, users


def test_check_reports_operations_and_plans() -> None:
    result = CliRunner().invoke(main, ["check", "hellgate"])
    assert result.exit_code == 0, result.output
    assert "GET /authentications [get_authentications]" in result.output
    assert "invalid→422 (spec shape)" in result.output


def test_check_does_not_promise_a_404_the_operation_cannot_answer(tmp_path: Path) -> None:
    document = tmp_path / "users.yaml"
    document.write_text(yaml.safe_dump(users({"400": BAD_REQUEST})))
    result = CliRunner().invoke(main, ["check", str(document)])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    read = next(line for line in lines if line.startswith("GET /users/{id} "))
    assert "not-found→none (undocumented: an unknown id is made up)" in read
    assert "not-found→404" not in result.output
    action = next(line for line in lines if line.startswith("action POST /users/{id}/disable"))
    assert action.endswith("no 404 documented: answered when its users item is gone")


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
