"""`[tool.specmock]` in pyproject.toml: option defaults for every command, below flags and the env.

A team commits the sandbox's settings once (`store`, `seed`, `specs`, …) and every `specmock serve`
run from any folder of the project uses them; a wrong key or value stops the command with the file
and the key named, before anything starts.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from specmock import project_settings
from specmock.cli import main
from specmock.spec_files import resolve_spec

BUNDLED = Path(resolve_spec("hellgate"))


def project(tmp_path: Path, table: str) -> Path:
    """A project folder holding the bundled Hellgate document and a pyproject.toml; returns a subfolder."""
    shutil.copytree(BUNDLED.parent, tmp_path / "api")
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "shop"\n\n{table}\n', encoding="utf-8")
    inner = tmp_path / "src" / "shop"
    inner.mkdir(parents=True)
    return inner


def records(folder: Path) -> dict[str, object]:
    return {path.name: json.loads(path.read_bytes()) for path in sorted(folder.glob("*.json"))}


def fixtures(*args: str) -> None:
    result = CliRunner().invoke(main, ["fixtures", *args, "--no-progress"])
    assert result.exit_code == 0, result.output


def test_the_table_sets_the_defaults_from_any_folder_and_a_flag_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = project(
        tmp_path, '[tool.specmock]\nseed = 7\n\n[tool.specmock.fixtures]\nspec = "api"\ncount = 3\n'
    )
    monkeypatch.chdir(inner)
    fixtures("--out", str(tmp_path / "from-table"))
    fixtures("--out", str(tmp_path / "from-table-seed-3"), "--seed", "3")
    fixtures(str(tmp_path / "api"), "--seed", "7", "-n", "3", "--out", str(tmp_path / "seed-7"))
    fixtures(str(tmp_path / "api"), "--seed", "3", "-n", "3", "--out", str(tmp_path / "seed-3"))

    assert records(tmp_path / "from-table") == records(tmp_path / "seed-7")
    assert records(tmp_path / "from-table-seed-3") == records(tmp_path / "seed-3")
    assert records(tmp_path / "seed-3") != records(tmp_path / "seed-7")


def test_no_config_and_a_pyproject_without_the_table_leave_the_built_in_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = project(tmp_path, "[tool.specmock]\nseed = 7\n")
    (inner / "pyproject.toml").write_text(
        '[project]\nname = "inner"\n', encoding="utf-8"
    )  # no table: skipped
    monkeypatch.chdir(inner)
    help_text = CliRunner().invoke(main, ["fixtures", "--help"]).output
    assert "[default: 7]" in help_text
    plain = CliRunner().invoke(main, ["--no-config", "fixtures", "--help"]).output
    assert "[default: 0]" in plain


def test_config_names_the_file_and_env_wins_over_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "elsewhere.toml"
    settings.write_text(
        '[tool.specmock.serve]\nport = 4999\nstore = "redis://127.0.0.1:1/0"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert "[default: 4999]" in runner.invoke(main, ["--config", str(settings), "serve", "--help"]).output
    monkeypatch.setenv("SPECMOCK_CONFIG", str(settings))
    assert "[default: 4999]" in runner.invoke(main, ["serve", "--help"]).output
    monkeypatch.setenv("SPECMOCK_STORE", "rediss://")  # the env's value, not the table's, is the one refused
    refused = runner.invoke(main, ["serve", "hellgate"])
    assert refused.exit_code == 2
    assert "rediss://" in refused.output
    assert "127.0.0.1:1" not in refused.output


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('[tool.specmock.serve]\nport = "abc"\n', "tool.specmock.serve.port = 'abc'"),
        ("[tool.specmock]\nprot = 1\n", "tool.specmock.prot is an option of no command"),
        ("[tool.specmock.serv]\nport = 1\n", "[tool.specmock.serv] names no command"),
        (
            "[tool.specmock.serve]\nno-cors = true\n",
            "tool.specmock.serve.no-cors is no option of `specmock serve`",
        ),
        ('[tool.specmock.serve]\napi-key = "k"\n', "tool.specmock.serve.api-key takes a list"),
        ("[tool.specmock.serve]\nport = [1, 2]\n", "tool.specmock.serve.port takes one value"),
        ("[tool.specmock\n", "cannot be read as TOML"),
        ('[tool]\nspecmock = "on"\n', "tool.specmock must be a table"),
    ],
)
def test_a_wrong_table_stops_the_command_naming_the_file_and_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, named: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["serve", "hellgate"])
    assert result.exit_code == 2
    assert f"{tmp_path / 'pyproject.toml'}: " in result.output
    assert named in result.output
    assert "Traceback" not in result.output


def test_the_readme_example_is_a_table_specmock_accepts(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Settings in `pyproject.toml`", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(example, encoding="utf-8")
    located = project_settings.find(tmp_path)
    assert located is not None
    defaults = project_settings.default_map(*located, main)
    assert defaults["serve"]["store"] == "redis://127.0.0.1:6379/0"
    assert defaults["serve"]["api_keys"] == ["sk_test_frontend"]
    assert defaults["fixtures"]["seed"] == defaults["serve"]["seed"] == 7
