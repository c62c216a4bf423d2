"""Per-request cost of request validation: openapi-core against specmock's compiled stages.

`python bench/validation_cost.py` — Hellgate `GET /authentications?limit=20&page=2` with an API key,
validated N times by openapi-core's `validate_request` and by specmock's request + security checks.
"""

from __future__ import annotations

import time
import warnings

import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest

from specmock.config import MockConfig
from specmock.messages.requests import MockRequest
from specmock.openapi.loader import load_spec
from specmock.runtime import Api
from specmock.spec_files import resolve_spec

N = 2000


def main() -> None:
    warnings.filterwarnings("ignore")
    spec = load_spec(resolve_spec("hellgate"))
    api = Api(spec, MockConfig(), name="hellgate", base_path="")
    openapi = OpenAPI.from_dict(spec.document)
    url = "https://sandbox.hellgate.io/authentications?limit=20&page=2"
    request = RequestsOpenAPIRequest(requests.Request("GET", url, headers={"X-API-Key": "k"}).prepare())
    openapi.validate_request(request)
    started = time.perf_counter()
    for _ in range(N):
        openapi.validate_request(request)
    core = (time.perf_counter() - started) / N
    compiled = api.compiled("get_authentications")
    ours_request = MockRequest("GET", "/authentications", "limit=20&page=2", {"x-api-key": "k"})
    started = time.perf_counter()
    for _ in range(N * 10):
        ours_request._query = None  # parse the query again each time, as a new request would
        compiled.request.validate(ours_request, {})
        compiled.security.check(ours_request)
    ours = (time.perf_counter() - started) / (N * 10)
    print(
        f"openapi-core validate_request: {core * 1e6:,.0f} µs; "
        f"specmock request + security: {ours * 1e6:.1f} µs ({core / ours:,.0f}×)"
    )


if __name__ == "__main__":
    main()
