"""The catalogue of answers specmock makes up itself: RFC 9457 problem+json.

Everything else comes from the spec. The shell's, made here:

| status | when | function |
| --- | --- | --- |
| 400 | a request body broke off (malformed chunked encoding, the connection closed) | `unreadable_body` |
| 404 | no documented path matches | `not_found` |
| 405 | the path is documented, the method is not (``Allow`` lists those that are) | `method_not_allowed` |
| 413 | a body over ``--max-body`` (admin requests; operations answer in their shape) | `body_too_large` |
| 500 | a bug in specmock (logged with its traceback; the body never carries one) | `internal_error` |
| 503 | ``--chaos`` on an operation that documents no 5xx | `chaos_unavailable` |
| 503 | an injected dropped connection the platform cannot carry out | `connection_not_dropped` |

The pipeline's, when the operation documents no status for a finding (``problem_body`` with the
violations as ``errors``): 401/403 credentials, 404 a ``Prefer`` it cannot honour or a record not
stored, 406 ``Accept``, 409 a conflicting record, 413 ``--max-body``, 415 an undocumented request
media type, 422 invalid parameters or body, 507 a full store. The admin API's refusals
(``browser.admin_refusal``: 403 another Host or origin, 415 a PUT that is not JSON; ``admin``: 400,
404, 405, 422) and the proxy's (502, 504 from the upstream) give their own detail to
``problem_response``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson

from specmock.messages.responses import MockResponse, wire_headers

PROBLEM_JSON = "application/problem+json"


def problem_body(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The problem+json object; ``extra`` members (``instance``, ``errors`` …) follow in order."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def problem_response(
    status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> MockResponse:
    body = problem_body(status, HTTPStatus(status).phrase, detail, **extra)
    return MockResponse(status, orjson.dumps(body), PROBLEM_JSON, wire_headers(headers or {}))


def not_found(path: str) -> MockResponse:
    return problem_response(
        404, f"no operation in the served documents matches the path {path}", instance=path
    )


def method_not_allowed(path: str, allowed: list[str]) -> MockResponse:
    detail = f"the path {path} is documented for {', '.join(allowed)} only"
    return problem_response(405, detail, {"Allow": ", ".join(allowed)}, instance=path)


def too_large_detail(max_body: int) -> str:
    return f"the request body is larger than {max_body} bytes (--max-body)"


def body_too_large(max_body: int) -> MockResponse:
    return problem_response(413, too_large_detail(max_body))


def unreadable_body() -> MockResponse:
    return problem_response(
        400, "the request body cannot be read: malformed chunked encoding, or the connection closed early"
    )


def internal_error(doing: str = "answer") -> MockResponse:
    return problem_response(500, f"specmock failed to {doing} this request; see the server log")


def chaos_unavailable() -> MockResponse:
    """``--chaos`` on an operation that documents no 5xx."""
    return problem_response(503, "injected by --chaos: the sandbox plays an unavailable server")


def connection_not_dropped() -> MockResponse:
    """An injected dropped connection this platform cannot carry out."""
    return problem_response(503, "injected fault: the connection could not be closed on this platform")
