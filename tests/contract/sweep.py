"""The full conformance sweep, run by hand: schemathesis (positive data, the five response checks)
against specmock serving each document, every operation, N examples each; failures printed per
document, grouped by class.

    python -m tests.contract.sweep                       # tests/corpus + specs/, 25 examples
    python -m tests.contract.sweep --examples 5 --jobs 2 path/to/openapi.yaml ...

Exit status 1 when one of the five checks failed. The suite runs a bounded, seeded version of the
same thing (``test_corpus.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from specmock.server import api_name, create_app
from tests.contract.conformance import Finding, operations_of, run_positive
from tests.corpus import corpus_file

REPO = Path(__file__).resolve().parents[2]
CORPUS = (
    "oai-petstore-expanded.yaml",
    "oai-link-example.yaml",
    "ory-kratos.json",
    "overseerr.yaml",
    "twilio-api-v2010.yaml",
    "discord.json",
    "reference/rebilly/openapi.json",
    "reference/authentik/schema.yml",
)


def default_documents() -> list[Path]:
    """The vendored real-world documents and upstream references, then every bundled spec."""
    return [corpus_file(name) for name in CORPUS] + sorted(
        p for p in (REPO / "specs").iterdir() if p.is_dir()
    )


def sweep_part(
    document: str, part: int, parts: int, examples: int, refusals: bool
) -> tuple[str, int, list[Finding], float]:
    started = time.monotonic()
    path = Path(document)
    app = create_app(path, seed=1)
    name = api_name(path)
    count = len(operations_of(app, name)[part::parts])
    findings = run_positive(app, name, max_examples=examples, part=part, parts=parts, refusals=refusals)
    return document, count, findings, time.monotonic() - started


def report(document: str, operations: int, findings: list[Finding], seconds: float) -> str:
    lines = [f"== {document}: {operations} operations, {len(findings)} failures, {seconds:.0f} s"]
    by_kind: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_kind[finding.kind].append(finding)
    for kind, group in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        ops = Counter(f.operation for f in group)
        lines.append(f"  {kind}: {len(group)} failures on {len(ops)} operations")
        for operation, _ in ops.most_common(3):
            sample = next(f for f in group if f.operation == operation)
            lines.append(f"      {sample}"[:400])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--examples", type=int, default=25, help="examples per operation (25)")
    parser.add_argument("--jobs", type=int, default=1, help="processes (1)")
    parser.add_argument("--parts", type=int, default=0, help="split each document in N parts (jobs)")
    parser.add_argument(
        "--refusals",
        action="store_true",
        help="also list positive-data requests specmock refused as invalid (400/406/415/422)",
    )
    args = parser.parse_args(argv)
    documents = args.documents or default_documents()
    parts = args.parts or args.jobs
    started = time.monotonic()
    results: dict[str, tuple[int, list[Finding], float]] = {}
    work = [(str(d), p, parts, args.examples, args.refusals) for d in documents for p in range(parts)]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for document, count, findings, seconds in pool.map(sweep_part, *zip(*work, strict=True)):
            before = results.get(document, (0, [], 0.0))
            results[document] = (before[0] + count, before[1] + findings, before[2] + seconds)
    total_ops = total_found = 0
    classes: Counter[str] = Counter()
    for document, (count, findings, seconds) in results.items():
        print(report(document, count, findings, seconds))
        total_ops += count
        total_found += sum(not f.kind.startswith(("Refused", "Conflict")) for f in findings)
        classes.update(f.kind for f in findings)
    elapsed = time.monotonic() - started
    print(
        f"\n{len(results)} documents × {total_ops} operations × {args.examples} examples: "
        f"{total_found} failures of the five checks in {elapsed:.0f} s wall"
    )
    for kind, count in classes.most_common():
        print(f"  {count:6d}  {kind}")
    return 1 if total_found else 0


if __name__ == "__main__":
    sys.exit(main())
