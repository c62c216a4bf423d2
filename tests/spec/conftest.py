from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path | None:
    """The project's shared/ folder (real-world documents): beside the clone, or /work/shared."""
    candidates = [os.environ.get("SPECMOCK_SHARED", ""), str(REPO.parent / "shared"), "/work/shared"]
    return next((Path(c) for c in candidates if c and (Path(c) / "corpus").is_dir()), None)


SHARED = shared_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason="shared/ corpus not found")

WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """Write a file under tmp_path (dedented by the caller) and return its path."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return make


def hellgate_yaml() -> str | None:
    """The Hellgate Commerce OpenAPI document embedded in seed 003 (a fenced ````yaml block)."""
    if SHARED is None:
        return None
    seed = SHARED / "seeds" / "003_5f9d0352efab2810.txt"
    if not seed.is_file():
        return None
    text = seed.read_text(encoding="utf-8")
    start = text.index("````yaml")
    body = text[text.index("\n", start) + 1 :]
    return body[: body.index("````")]
