"""`specmock verify` fails, with a useful report, against a deliberately wrong server, and passes
against specmock serving the same document: the check is proven able to fail."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner, Result

from specmock.cli import main
from tests.verify.wrong_server import running, wrong_hellgate

CREDENTIALS = ["-H", "X-API-Key: k"]


def verify(*args: str) -> Result:
    return CliRunner().invoke(main, ["verify", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def against_wrong_server(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    junit = tmp_path_factory.mktemp("junit") / "contract.xml"
    spec = str(Path(__file__).resolve().parents[2] / "specs" / "hellgate" / "openapi.yaml")
    with running(wrong_hellgate) as url:
        result = verify(spec, "--url", url, *CREDENTIALS, "--max-examples", "5", "--junit-xml", str(junit))
    return result, junit


def test_exits_non_zero_against_a_wrong_server(against_wrong_server: tuple[Result, Path]) -> None:
    result, _ = against_wrong_server
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.output


def test_names_each_defect_with_operation_check_and_a_curl_line(
    against_wrong_server: tuple[Result, Path],
) -> None:
    output = against_wrong_server[0].output
    blocks = failure_blocks(output)
    undocumented_418 = [b for b in blocks if "status_code_conformance" in b and "Received: 418" in b]
    broken_body = [
        b for b in blocks if "response_schema_conformance" in b and '"oops" is not of type "array"' in b
    ]
    server_error = [b for b in blocks if "not_a_server_error" in b and "response 500" in b]
    assert undocumented_418, output
    assert broken_body, output
    assert server_error, output
    for block in (*undocumented_418, *broken_body, *server_error):
        assert "GET /authentications" in block
        assert re.search(r"curl -X GET .*http://127\.0\.0\.1:\d+/authentications", block), block
    # The 500 is reproduced by a request whose `limit` is not an integer.
    assert re.search(r"limit=(?!\d+(&|'|$))", server_error[0]), server_error[0]
    assert "page=2" in undocumented_418[0]


def test_masks_the_credentials_in_the_report(against_wrong_server: tuple[Result, Path]) -> None:
    output = against_wrong_server[0].output
    assert "X-API-Key: [Filtered]" in output
    assert "X-API-Key: k'" not in output


def test_junit_xml_has_a_failure_per_check_with_message_and_curl(
    against_wrong_server: tuple[Result, Path],
) -> None:
    root = ElementTree.parse(against_wrong_server[1]).getroot()
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert {c.get("classname") for c in cases} >= {"coverage", "fuzzing"}
    assert all(c.get("name") == "GET /authentications" for c in cases)
    failures = [f for c in cases for f in c.findall("failure")]
    assert {f.get("type") for f in failures} >= {
        "status_code_conformance",
        "response_schema_conformance",
        "not_a_server_error",
    }
    for failure in failures:
        assert failure.get("message", "").startswith(failure.get("type", "?"))
        assert "curl -X GET" in (failure.text or "")
    assert int(suite.get("failures", "0")) == sum(1 for c in cases if c.find("failure") is not None) > 0
    assert int(suite.get("tests", "0")) == len(cases)
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["seed"] == "0"
    assert properties["max_examples"] == "5"


def test_passes_against_specmock_serving_the_same_document(hellgate_spec: Path, tmp_path: Path) -> None:
    from specmock.server import serve

    junit = tmp_path / "contract.xml"
    with serve("hellgate", seed=1) as server:
        result = verify(
            str(hellgate_spec),
            "--url",
            server.url,
            *CREDENTIALS,
            "--max-examples",
            "5",
            "--junit-xml",
            str(junit),
        )
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "0"
    assert suite.get("errors") == "0"


def test_origin_appends_the_documents_base_path(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://api.example.com/v2'}]\n"
        "paths:\n  /authentications:\n    get:\n      responses:\n        '200': {description: ok}\n"
    )
    with running(wrong_hellgate) as url:
        result = verify(str(spec), "--origin", url, "--max-examples", "1", "--phases", "fuzzing")
    assert f"against {url}/v2" in result.output
    # The wrong server knows no /v2 prefix: its 404 is undocumented.
    assert "Received: 404" in result.output
    assert result.exit_code == 1


def test_an_unreachable_server_is_an_error(hellgate_spec: Path, tmp_path: Path) -> None:
    from tests.verify.wrong_server import free_port

    junit = tmp_path / "contract.xml"
    url = f"http://127.0.0.1:{free_port()}"
    result = verify(
        str(hellgate_spec),
        "--url",
        url,
        *CREDENTIALS,
        "--max-examples",
        "1",
        "--phases",
        "fuzzing",
        "--junit-xml",
        str(junit),
    )
    assert result.exit_code == 1
    assert "ERRORS" in result.output
    assert "nothing was tested" in result.output
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None
    errors = [e for c in suite.findall("testcase") for e in c.findall("error")]
    assert errors
    assert int(suite.get("errors", "0")) >= 1
    assert url in (errors[0].text or "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "exactly one of --url"),
        (["--url", "http://127.0.0.1:1", "--origin", "http://127.0.0.1:1"], "exactly one of --url"),
        (["--url", "127.0.0.1:1"], "http:// or https://"),
        (["--url", "http://127.0.0.1:1", "-H", "X-API-Key k"], "'Name: value'"),
        (["--url", "http://127.0.0.1:1", "--phases", "coverage,soak"], "unknown phase soak"),
        (["--url", "http://127.0.0.1:1", "--check", "no_such_check"], "unknown check no_such_check"),
    ],
)
def test_a_bad_invocation_exits_2_with_the_reason(hellgate_spec: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["verify", str(hellgate_spec), *args])
    assert result.exit_code == 2
    assert message in result.output


def failure_blocks(output: str) -> list[str]:
    """The numbered failure entries of the report."""
    section = output.split("FAILURES", 1)[-1].split("\nFAILED", 1)[0]
    return [block for block in re.split(r"\n(?=\d+\. )", section) if block.strip()]
