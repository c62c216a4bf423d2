"""A loose floor on generation speed (the real figure: tests/generation/bench_generation.py)."""

from __future__ import annotations

import time

from specmock.generation import Generator, rng_for
from tests.generation import corpus

FLOOR = 4_000  # records per CPU second; the target on an idle machine is 20,000


def test_hellgate_authentications_are_generated_fast() -> None:
    fn = Generator(corpus.document("hellgate"), version="3.1").compile(
        {"$ref": "#/components/schemas/Authentication"}
    )
    count = 5_000
    start = time.process_time()
    for index in range(count):
        fn(rng_for(7, index))
    assert count / (time.process_time() - start) > FLOOR
