"""Throughput of the generator on Hellgate's ``Authentication`` (seed document 003).

Run: python tests/generation/bench_generation.py [count]
Not collected by pytest (file name); ``test_speed.py`` keeps a loose floor. Prints the overall
wall-clock and CPU rates and the best rate over batches of 10,000 (the machine is shared: the
best batch is the least disturbed one).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from specmock.generation import Generator, rng_for

SEED_003 = Path(__file__).resolve().parents[1] / "corpus" / "seeds" / "003_5f9d0352efab2810.txt"
AUTHENTICATION = {"$ref": "#/components/schemas/Authentication"}
BATCH = 10_000


def hellgate_document(path: Path = SEED_003) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"````yaml[^\n]*\n(.*?)````", text, re.S)
    assert match is not None
    document: dict[str, Any] = yaml.safe_load(match.group(1))
    return document


def measure(count: int, record: Callable[[int], Any]) -> tuple[float, float, float]:
    """(wall rate, CPU rate, best batch wall rate) in records per second."""
    wall, cpu, best = time.perf_counter(), time.process_time(), float("inf")
    for start in range(0, count, BATCH):
        began = time.perf_counter()
        for index in range(start, min(start + BATCH, count)):
            record(index)
        best = min(best, time.perf_counter() - began)
    return count / (time.perf_counter() - wall), count / (time.process_time() - cpu), BATCH / best


def main(count: int) -> None:
    fn = Generator(hellgate_document(), version="3.1").compile(AUTHENTICATION)
    shared = rng_for(7, "authentications")
    cases: dict[str, Callable[[int], Any]] = {
        "rng_for(seed, index) per record": lambda i: fn(rng_for(7, "authentications", i)),
        "one rng for the whole list": lambda i: fn(shared),
    }
    for label, record in cases.items():
        wall, cpu, best = measure(count, record)
        print(
            f"{count} Authentication records, {label}: {wall:,.0f}/s wall, {cpu:,.0f}/s CPU, "
            f"best batch {best:,.0f}/s"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
