"""The catalogue of answers specmock makes up itself (RFC 9457 problem+json).

Everything else comes from the spec. These answer requests that reach no documented operation,
or a request the spec documents no fitting error for (see ``pipeline.respond.problem``).

| status | when |
| --- | --- |
| 404 | no documented path matches |
| 405 | the path is documented, the method is not (``Allow`` lists the documented methods) |
| 500 | a bug in specmock (logged with its traceback; the body never carries one) |
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson

from specmock.pipeline.serialize import PROBLEM_JSON, MockResponse, wire_headers


def problem_response(
    status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> MockResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return MockResponse(status, orjson.dumps(body), PROBLEM_JSON, wire_headers(headers or {}))


def not_found(path: str) -> MockResponse:
    return problem_response(
        404, f"no operation in the served documents matches the path {path}", instance=path
    )


def method_not_allowed(path: str, allowed: list[str]) -> MockResponse:
    detail = f"the path {path} is documented for {', '.join(allowed)} only"
    return problem_response(405, detail, {"Allow": ", ".join(allowed)}, instance=path)
