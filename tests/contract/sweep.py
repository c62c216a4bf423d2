"""The full conformance sweep, run by hand: schemathesis (positive data, the five response checks)
against specmock serving each document, every operation, N examples each; failures printed per
document, grouped by class.

    python -m tests.contract.sweep                       # tests/corpus + specs/, 25 examples
    python -m tests.contract.sweep --examples 5 --jobs 2 path/to/openapi.yaml ...
    python -m tests.contract.sweep --refusals ...        # also the valid requests refused, rechecked

Exit status 1 when one of the five checks failed. The suite runs a bounded, seeded version of the
same thing (``test_corpus.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from specmock.server import create_app
from specmock.spec_files import api_name
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


@dataclass
class Part:
    """What one part of one document's sweep did: operations, requests sent, findings, time."""

    document: str
    operations: int
    requests: int
    findings: list[Finding]
    seconds: float


def sweep_part(document: str, part: int, parts: int, examples: int, refusals: bool) -> Part:
    started = time.monotonic()
    path = Path(document)
    app = create_app(path, seed=1)
    name = api_name(path)
    count = len(operations_of(app, name)[part::parts])
    sent: Counter[str] = Counter()
    findings = run_positive(
        app, name, max_examples=examples, part=part, parts=parts, refusals=refusals, sent=sent
    )
    return Part(document, count, sum(sent.values()), findings, time.monotonic() - started)


def checked(findings: list[Finding]) -> int:
    """Failures of the five checks (refusals and store conflicts are listed, not counted)."""
    return sum(not f.kind.startswith(("Refused", "Conflict")) for f in findings)


def report(done: Part) -> str:
    lines = [
        f"== {done.document}: {done.operations} operations, {done.requests} requests, "
        f"{checked(done.findings)} failures, {done.seconds:.0f} s"
    ]
    by_kind: dict[str, list[Finding]] = defaultdict(list)
    for finding in done.findings:
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
        help="also list positive-data requests specmock refused as invalid (400/406/415/422), each\n"
        "rechecked with the jsonschema library (tests/contract/recheck.py): 'and jsonschema\n"
        "agrees' (schemathesis sent invalid data), 'jsonschema accepts' (a false refusal), or\n"
        "'jsonschema accepts a body the urlencoded wire does not carry' (objects schemathesis\n"
        "writes as their keys)",
    )
    args = parser.parse_args(argv)
    documents = args.documents or default_documents()
    parts = args.parts or args.jobs
    started = time.monotonic()
    totals = Counter[str]()
    classes: Counter[str] = Counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(sweep_part, str(d), p, parts, args.examples, args.refusals)
            for d in documents
            for p in range(parts)
        ]
        # each part is printed as it ends, so a run stopped early still says how far it got
        for future in as_completed(futures):
            done = future.result()
            print(report(done) + (f"  (part of {parts})" if parts > 1 else ""), flush=True)
            totals.update(operations=done.operations, requests=done.requests, failures=checked(done.findings))
            classes.update(f.kind for f in done.findings)
    print(
        f"\n{len(documents)} documents, {totals['operations']} operations, {totals['requests']} "
        f"requests ({args.examples} examples per operation): {totals['failures']} failures of the "
        f"five checks in {time.monotonic() - started:.0f} s wall"
    )
    for kind, count in classes.most_common():
        print(f"  {count:6d}  {kind}")
    return 1 if totals["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
