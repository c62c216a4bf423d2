"""`specmock verify`: schemathesis conformance checks against any running server (a backend or specmock).

from specmock.verify import VerifyOptions, run_verify, render, write_junit

report = run_verify(VerifyOptions("openapi.yaml", base_url="http://127.0.0.1:8000",
                                  headers={"X-API-Key": "k"}, max_examples=10))
render(report)                      # readable report (rich; plain when not a terminal)
write_junit(report, Path("contract.xml"))
assert report.ok
"""

from __future__ import annotations

from specmock.verify.console import render
from specmock.verify.junit import write_junit
from specmock.verify.options import (
    DEFAULT_CHECKS,
    HEADER_ENV_PREFIX,
    PHASES,
    VerifyOptions,
    headers_from_env,
    merge_headers,
    parse_header,
    resolve_checks,
)
from specmock.verify.results import Finding, OperationResult, RunError, Verdict, VerifyReport
from specmock.verify.runner import run_verify

__all__ = [
    "DEFAULT_CHECKS",
    "HEADER_ENV_PREFIX",
    "PHASES",
    "Finding",
    "OperationResult",
    "RunError",
    "Verdict",
    "VerifyOptions",
    "VerifyReport",
    "headers_from_env",
    "merge_headers",
    "parse_header",
    "render",
    "resolve_checks",
    "run_verify",
    "write_junit",
]
