"""The stateful phase: sequences that follow the document's links (POST → GET / DELETE by id)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from specmock.cli import main
from tests.verify.items_server import ItemsApp
from tests.verify.wrong_server import running

ITEMS = str(Path(__file__).parent / "specs" / "items.yaml")


def test_a_deleted_item_still_readable_fails_use_after_free_with_the_whole_sequence() -> None:
    with running(ItemsApp(forgetful=True)) as url:
        result = CliRunner().invoke(main, ["verify", ITEMS, "--url", url, "--max-examples", "5"])
    assert result.exit_code == 1, result.output
    assert "GET /items/{id} — use_after_free" in result.output
    sequence = result.output.split("Reproduce with:", 1)[1]
    assert "curl -X POST" in sequence
    assert "curl -X DELETE" in sequence


def test_a_correct_server_passes_every_phase() -> None:
    with running(ItemsApp(forgetful=False)) as url:
        result = CliRunner().invoke(main, ["verify", ITEMS, "--url", url, "--max-examples", "5"])
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output
    table = result.output.split("requests", 1)[1].split("PASSED", 1)[0]
    assert table.count("passed") == 3 * 3  # three operations × coverage, fuzzing, stateful
