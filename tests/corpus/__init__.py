"""The real-world documents the suite reads, vendored in this folder (sources and licences: INDEX.md).

``corpus_file("discord.json")`` or ``corpus_file("reference/rebilly/openapi.json")`` is the path of a
document. The two large upstream references are stored gzip-compressed (``<name>.gz``); they are
unpacked once per process into a temporary folder that keeps their relative path, so names derived
from it (the API name ``rebilly`` of ``rebilly/openapi.json``) stay the same.
"""

from __future__ import annotations

import atexit
import functools
import gzip
import shutil
import tempfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parent
HELLGATE_SEED = "seeds/003_5f9d0352efab2810.txt"


def corpus_file(relative: str) -> Path:
    """The document at ``relative`` (as named in INDEX.md); fails loudly when it is not vendored."""
    plain = CORPUS / relative
    if plain.is_file():
        return plain
    packed = CORPUS / (relative + ".gz")
    if not packed.is_file():
        raise FileNotFoundError(f"{relative} is not in tests/corpus/ (see tests/corpus/INDEX.md)")
    return _unpacked(relative)


@functools.cache
def _unpacked(relative: str) -> Path:
    target = _scratch() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(CORPUS / (relative + ".gz"), "rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)
    return target


@functools.cache
def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="specmock-corpus-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def hellgate_yaml() -> str:
    """The Hellgate Commerce OpenAPI document embedded in seed 003 (a fenced ````yaml block)."""
    text = corpus_file(HELLGATE_SEED).read_text(encoding="utf-8")
    start = text.index("````yaml")
    body = text[text.index("\n", start) + 1 :]
    return body[: body.index("````")]
