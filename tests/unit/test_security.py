import base64

import pytest

from specmock.messages.requests import MockRequest
from specmock.openapi.model import SecurityScheme
from specmock.pipeline.security import SecurityChecker

SCHEMES = {
    "key": SecurityScheme("key", "apiKey", "header", "X-API-Key"),
    "query": SecurityScheme("query", "apiKey", "query", "api_key"),
    "cookie": SecurityScheme("cookie", "apiKey", "cookie", "sid"),
    "bearer": SecurityScheme("bearer", "http", scheme="bearer"),
    "basic": SecurityScheme("basic", "http", scheme="basic"),
    "oauth": SecurityScheme("oauth", "oauth2"),
}
BASIC = "Basic " + base64.b64encode(b"user:pw").decode()


def req(headers=None, query=""):
    return MockRequest("GET", "/", query, {k.lower(): v for k, v in (headers or {}).items()})


@pytest.mark.parametrize(
    ("requirements", "headers", "query", "ok"),
    [
        ((("key",),), {"X-API-Key": "k"}, "", True),
        ((("key",),), {}, "", False),
        ((("query",),), {}, "api_key=k", True),
        ((("cookie",),), {"Cookie": "sid=abc"}, "", True),
        ((("bearer",),), {"Authorization": "Bearer t"}, "", True),
        ((("bearer",),), {"Authorization": "Basic t"}, "", False),
        ((("basic",),), {"Authorization": BASIC}, "", True),
        ((("basic",),), {"Authorization": "Basic !!"}, "", False),
        ((("oauth",),), {"Authorization": "Bearer t"}, "", True),
        # OR: either alternative
        ((("key",), ("bearer",)), {"Authorization": "Bearer t"}, "", True),
        # AND: both schemes of one requirement
        ((("key", "bearer"),), {"Authorization": "Bearer t"}, "", False),
        ((("key", "bearer"),), {"Authorization": "Bearer t", "X-API-Key": "k"}, "", True),
        # optional authentication: the empty requirement
        ((("bearer",), ()), {}, "", True),
        # security: [] → nothing to check
        ((), {}, "", True),
        # an undeclared scheme can never be satisfied
        ((("ghost",),), {"Authorization": "Bearer t"}, "", False),
    ],
)
def test_requirements(requirements, headers, query, ok):
    assert (SecurityChecker(requirements, SCHEMES).check(req(headers, query)) == []) is ok


def test_configured_keys_restrict_what_passes():
    checker = SecurityChecker((("key",),), SCHEMES, accepts={"secret"}.__contains__)
    assert checker.check(req({"X-API-Key": "secret"})) == []
    assert checker.check(req({"X-API-Key": "guess"}))


def test_message_names_every_alternative():
    [finding] = SecurityChecker((("key",), ("bearer",)), SCHEMES).check(req())
    assert "X-API-Key" in finding.message
    assert "Bearer" in finding.message
