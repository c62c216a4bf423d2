from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from specmock.cli import main
from tests.export.helpers import records


def test_fixtures_command_writes_files_and_reports_the_rate(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["fixtures", "hellgate", "--seed", "3", "--count", "5", "--format", "ndjson", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "5 records in 1 file to" in result.output
    assert "records/s" in result.output
    assert len(records(tmp_path / "authentications.ndjson")) == 5
    assert "\x1b[" not in result.output  # no progress bar when stderr is not a terminal


def test_fixtures_command_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["fixtures", "rebilly", "--schema", "Nope", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "specmock: --schema Nope: no such schema" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_a_broken_fixture_folder(tmp_path: Path) -> None:
    (tmp_path / "authentications.json").write_text('[{"amount": "a lot"}]')
    result = CliRunner().invoke(main, ["serve", "hellgate", "--fixtures", str(tmp_path)])
    assert result.exit_code == 2
    assert f"specmock: {tmp_path / 'authentications.json'}: record 0 does not fit" in result.output


def test_serve_help_and_fixtures_help_explain_the_folder_layout() -> None:
    assert "--fixtures" in CliRunner().invoke(main, ["serve", "--help"]).output
    text = CliRunner().invoke(main, ["fixtures", "--help"]).output
    assert "--fixtures DIR" in text
    assert "manifest.json" in text
