"""Which request bodies the proxy reads whole: exactly those the request checks parse. The rule in
``proxy/body.py`` is kept in step with the validators by asking them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from specmock import create_app
from specmock.proxy.body import parses_body, read_whole
from specmock.request_body import declared_length

MEDIA = [
    "application/json",
    "application/problem+json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/mixed",
    "text/plain",
    "text/csv",
    "application/octet-stream",
    "application/pdf",
    "image/png",
    "video/*",
    "application/*",
    "*/*",
]
RAW = b"\xff\x00 not json, not text"


@pytest.mark.parametrize("media", MEDIA)
def test_the_proxy_reads_whole_exactly_what_the_checks_parse(tmp_path: Path, media: str) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "put": {
                    "operationId": "put",
                    "requestBody": {"content": {media: {"schema": {"type": "object"}}}},
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    bodies = create_app(str(path)).apis[0].compiled("put").request.bodies
    [check] = bodies.values()
    try:
        parsed = check.parse(RAW, media) is not RAW or bool(check.check(RAW))
    except ValueError:
        parsed = True
    assert parses_body(media) == parsed
    sent_as = media.replace("*", "x")
    assert read_whole(bodies, sent_as) == parsed
    if media != "*/*":
        assert not read_whole(bodies, "font/woff")  # undeclared: refused on its header alone
    assert not read_whole({}, sent_as)  # no body declared: nothing to check in it


@pytest.mark.parametrize(
    ("headers", "version", "declared"),
    [
        ({"content-length": "12"}, "1.1", 12),
        ({}, "1.1", 0),  # HTTP/1: no length, not chunked: no body (RFC 9112 §6.3)
        ({"transfer-encoding": "chunked"}, "1.1", None),
        ({}, "2", None),  # HTTP/2: a body may come without a length
        ({"content-length": "5, 5"}, "1.1", None),  # repeated: counted as it comes (within the cap)
    ],
)
def test_the_declared_length_follows_the_framing(
    headers: dict[str, str], version: str, declared: int | None
) -> None:
    assert declared_length(headers, version) == declared
