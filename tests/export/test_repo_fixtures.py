"""The repository's ``fixtures/<api>/`` folders are what their recorded command writes today."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from specmock.cli import main
from tests.export.helpers import BUNDLED, REPO_FIXTURES, folder_bytes

REGENERATE = "specmock fixtures {api} --out fixtures/{api} (the command in its manifest.json)"


@pytest.mark.parametrize("api", BUNDLED)
def test_repo_fixtures_have_not_drifted(tmp_path: Path, api: str) -> None:
    folder = REPO_FIXTURES / api
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    program, command, *arguments = manifest["command"]
    assert (program, command) == ("specmock", "fixtures")
    result = CliRunner().invoke(main, [command, *arguments, "--out", str(tmp_path), "--no-progress"])
    assert result.exit_code == 0, result.output
    drifted = folder_bytes(folder) != folder_bytes(tmp_path)
    assert not drifted, (
        f"fixtures/{api} drifted from the generator; regenerate with {REGENERATE.format(api=api)}"
    )
