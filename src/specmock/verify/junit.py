"""JUnit XML for CI systems: one test case per operation and phase, one <failure> per distinct finding."""

from __future__ import annotations

import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

from specmock.verify.results import Finding, OperationResult, RunError, Verdict, VerifyReport

# Characters XML 1.0 cannot carry even as references (fuzzed requests do contain them).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    return _ILLEGAL.sub("\N{REPLACEMENT CHARACTER}", value)


def write_junit(report: VerifyReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ElementTree.ElementTree(junit_element(report))
    ElementTree.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def junit_element(report: VerifyReport) -> ElementTree.Element:
    cases = [_testcase(result) for result in report.results]
    if report.errors:
        cases.append(_run_errors(report.errors))
    counts = {
        "tests": str(len(cases)),
        "failures": str(sum(1 for c in cases if c.find("failure") is not None)),
        "errors": str(sum(1 for c in cases if c.find("error") is not None)),
        "skipped": str(sum(1 for c in cases if c.find("skipped") is not None)),
        "time": f"{report.elapsed:.3f}",
    }
    suites = ElementTree.Element("testsuites", {"name": "specmock verify", **counts})
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        {
            "name": _text(f"specmock verify {report.spec}"),
            **counts,
            "hostname": platform.node(),
            "timestamp": datetime.now(UTC).replace(microsecond=0).isoformat(),
        },
    )
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in (
        ("spec", report.spec),
        ("base_url", report.base_url),
        ("seed", str(report.seed)),
        ("max_examples", str(report.max_examples)),
        ("phases", ",".join(report.phases)),
        ("checks", ",".join(report.checks)),
        ("stop_reason", report.stop_reason),
    ):
        ElementTree.SubElement(properties, "property", {"name": name, "value": _text(value)})
    suite.extend(cases)
    return suites


def _testcase(result: OperationResult) -> ElementTree.Element:
    case = ElementTree.Element(
        "testcase",
        {
            "classname": result.phase,
            "name": _text(result.operation),
            "time": f"{result.elapsed:.3f}",
        },
    )
    for finding in result.findings:
        failure = ElementTree.SubElement(
            case,
            "failure",
            {
                "type": finding.check,
                "message": _text(f"{finding.check}: {finding.title}: {finding.headline}"),
            },
        )
        failure.text = _text(_failure_text(finding))
    for error in result.errors:
        element = ElementTree.SubElement(case, "error", {"type": "error", "message": _text(error.title)})
        element.text = _text(f"{error.message}\n\n{error.curl}".strip() + "\n")
    if result.verdict is Verdict.SKIPPED:
        ElementTree.SubElement(case, "skipped", {"message": _text(result.skip_reason or "not tested")})
    return case


def _failure_text(finding: Finding) -> str:
    lines = [
        f"{finding.operation} · {finding.phase} · {finding.check}: {finding.title}",
        "",
        finding.message.strip(),
        "",
    ]
    if finding.status is not None:
        lines.append(f"Response status: {finding.status}")
    if finding.body:
        lines.append(f"Response body: {finding.body}")
    lines += [f"Seen {finding.occurrences}× in this phase. Reproduce with:", finding.curl, ""]
    return "\n".join(lines)


def _run_errors(errors: list[RunError]) -> ElementTree.Element:
    case = ElementTree.Element("testcase", {"classname": "run", "name": "run", "time": "0"})
    for error in errors:
        element = ElementTree.SubElement(case, "error", {"type": "error", "message": _text(error.title)})
        element.text = _text(f"{error.message}\n\n{error.curl}".strip() + "\n")
    return case
