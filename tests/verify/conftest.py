from __future__ import annotations

from pathlib import Path

import pytest

HELLGATE = Path(__file__).resolve().parents[2] / "specs" / "hellgate" / "openapi.yaml"


@pytest.fixture
def hellgate_spec() -> Path:
    return HELLGATE
