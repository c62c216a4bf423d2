"""Resident memory of N stored records: `python bench/store_memory.py [--records 100000] [--spec hellgate]`.

Builds the sandbox of a bundled API with N seeded records per collection, seeds every collection,
and reports the growth of the process's resident set size.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from specmock.config import MockConfig
from specmock.openapi.loader import load_spec
from specmock.runtime import Api, base_path_of
from specmock.spec_files import api_name, resolve_spec


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--spec", default="hellgate")
    args = parser.parse_args()
    path = resolve_spec(args.spec)
    spec = load_spec(path)
    config = MockConfig(records=args.records)
    api = Api(spec, config, name=api_name(path), base_path=base_path_of(spec.document))
    sandbox = api.sandbox
    gc.collect()
    before = rss_mib()
    started = time.perf_counter()
    total = 0
    for name in sandbox.collections():
        count = sandbox.count(name)  # seeds the collection
        total += count
        print(f"{name}: {count:,} records")
    gc.collect()
    after = rss_mib()
    print(
        f"seeded in {time.perf_counter() - started:.1f} s; RSS {before:.0f} → {after:.0f} MiB "
        f"(+{after - before:.1f} MiB for {total:,} stored records, "
        f"{(after - before) * 2**20 / max(total, 1):,.0f} B each)"
    )


if __name__ == "__main__":
    main()
