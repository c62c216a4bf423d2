"""Records per second and peak memory of `specmock fixtures` (issue 6).

    python bench/fixtures_bench.py                       # 100,000 Hellgate authentications, ndjson
    python bench/fixtures_bench.py --count 20000 --format json

Wall and CPU rates are both reported: on a shared machine the CPU rate is the steadier figure.
Peak memory is the process's maximum resident set (``ru_maxrss``), measured in a fresh child
process so that nothing else this script does counts towards it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from specmock.export import FixtureOptions, write_fixtures

spec, out, count, fmt, seed = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
wall, cpu = time.perf_counter(), time.process_time()
options = FixtureOptions(spec=spec, out=out, seed=seed, count=count, format=fmt, progress=False)
manifest = write_fixtures(options)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = {"records": manifest["records"], "wall": wall, "cpu": cpu, "maxrss_kib": peak,
          "maxrss_before_kib": before}
if sys.argv[6] == "baseline":  # the generator alone, a fresh rng per record: no ids, no encoding, no I/O
    from specmock.config import MockConfig
    from specmock.generation import rng_for
    from specmock.runtime import Api
    from specmock.spec_files import api_name, resolve_spec
    from specmock.openapi.loader import load_spec

    path = resolve_spec(spec)
    api = Api(load_spec(path), MockConfig(), name=api_name(path), base_path="")
    name = api.sandbox.collections()[0]
    draw = api.sandbox.engine.seeder.draw(api.sandbox.plan.resources[name])
    wall, cpu = time.perf_counter(), time.process_time()
    for index in range(count):
        draw(rng_for(seed, name, index))
    result["baseline_wall"], result["baseline_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", default="hellgate")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--format", default="ndjson", choices=["json", "ndjson"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--baseline", action="store_true", help="Also time the generator alone (first collection)."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                args.spec,
                tmp,
                str(args.count),
                args.format,
                str(args.seed),
                "baseline" if args.baseline else "",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        total = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    result = json.loads(done.stdout.strip().splitlines()[-1])
    records, count = result["records"], args.count
    print(f"spec={args.spec} count={args.count} format={args.format} seed={args.seed}")
    print(f"records written:    {records:,} ({size / 1e6:.1f} MB)")
    print(f"wall:               {result['wall']:.2f} s  → {records / result['wall']:,.0f} records/s")
    print(f"cpu (process time): {result['cpu']:.2f} s  → {records / result['cpu']:,.0f} records/s")
    print(
        f"peak RSS:           {result['maxrss_kib'] / 1024:.0f} MiB "
        f"(after imports and spec load: {result['maxrss_before_kib'] / 1024:.0f} MiB)"
    )
    if "baseline_cpu" in result:
        print(
            f"generator alone:    {count / result['baseline_wall']:,.0f} records/s wall, "
            f"{count / result['baseline_cpu']:,.0f} records/s cpu (same process, same count)"
        )
    print(f"whole child process incl. imports: {total:.2f} s")


if __name__ == "__main__":
    main()
