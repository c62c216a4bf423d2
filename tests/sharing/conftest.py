"""Fixtures the shared-store tests have in common."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.state.specs import bookstore


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "books.yaml"
    path.write_text(yaml.safe_dump(bookstore(), sort_keys=False))
    return path
