"""The JUnit writer on its own: counts, one failure per finding, and text XML can carry."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from specmock.verify import Finding, OperationResult, RunError, Verdict, VerifyReport, write_junit


def report() -> VerifyReport:
    finding = Finding(
        operation="GET /items",
        phase="fuzzing",
        check="response_schema_conformance",
        title="Response violates schema",
        message='"\x00oops" is not of type "array"\nmore',
        curl="curl -X GET 'http://127.0.0.1:1/items?q=%00'",
        status=200,
        body='{"data": "\x00oops"}',
        occurrences=3,
    )
    return VerifyReport(
        spec="openapi.yaml",
        base_url="http://127.0.0.1:1",
        seed=7,
        max_examples=5,
        phases=("coverage", "fuzzing"),
        checks=("response_schema_conformance",),
        results=[
            OperationResult("GET /items", "coverage", Verdict.PASSED, requests=4),
            OperationResult("GET /items", "fuzzing", Verdict.FAILED, requests=5, findings=[finding]),
            OperationResult("DELETE /items", "coverage", Verdict.SKIPPED, skip_reason="No cases"),
        ],
        errors=[RunError(None, None, "Schema error", "bad $ref")],
    )


def test_every_operation_and_phase_is_a_test_case_and_counts_agree(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "contract.xml"
    write_junit(report(), path)
    root = ElementTree.parse(path).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("coverage", "GET /items"),
        ("fuzzing", "GET /items"),
        ("coverage", "DELETE /items"),
        ("run", "run"),
    ]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "4",
        "1",
        "1",
        "1",
    )
    assert root.get("failures") == "1"


def test_a_failure_carries_check_message_response_and_curl_even_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "contract.xml"
    write_junit(report(), path)
    failure = ElementTree.parse(path).getroot().find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("type") == "response_schema_conformance"
    replaced = "\N{REPLACEMENT CHARACTER}oops"
    assert failure.get("message") == (
        f'response_schema_conformance: Response violates schema: "{replaced}" is not of type "array"'
    )
    text = failure.text or ""
    assert "Response status: 200" in text
    assert "Seen 3×" in text
    assert "curl -X GET 'http://127.0.0.1:1/items?q=%00'" in text
    assert "\x00" not in text
