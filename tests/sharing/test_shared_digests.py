"""A shared store answers byte for byte as the in-memory store does: the recorded walk of mixed
requests (tests/state/test_answer_digests.py) against a sandbox whose writes go through the write
log in a real redis-server gives the in-memory digests, answers and records alike. Each write there
stops the pipeline at the store, is logged, applied from its decoded entry and finished from what
applying it gave (``sharing.deferral``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.state.test_answer_digests import EXPECTED, digests, source


@pytest.mark.parametrize("name", ["rebilly", "authentik", "bookstore"])
def test_the_walk_on_a_shared_store_answers_as_in_memory(name: str, tmp_path: Path, redis_url: str) -> None:
    found, _ = digests(source(name, tmp_path), store=redis_url)
    assert found == EXPECTED[name]
