"""Credentials and bounds of `specmock verify`, without a server."""

from __future__ import annotations

import pytest

from specmock.errors import ConfigError
from specmock.verify import DEFAULT_CHECKS, headers_from_env, merge_headers, parse_header, resolve_checks
from specmock.verify.command import Invocation, to_options


def test_headers_are_parsed_as_curl_takes_them() -> None:
    assert parse_header("X-API-Key: k") == ("X-API-Key", "k")
    assert parse_header("Authorization:Bearer a:b") == ("Authorization", "Bearer a:b")
    for bad in ("X-API-Key k", ": v", "Bad Name: v"):
        with pytest.raises(ConfigError):
            parse_header(bad)


def test_credentials_come_from_specmock_header_variables() -> None:
    environ = {"SPECMOCK_HEADER_X_API_KEY": "k", "SPECMOCK_HEADER_AUTHORIZATION": "Bearer t", "HOME": "/"}
    assert headers_from_env(environ) == {"AUTHORIZATION": "Bearer t", "X-API-KEY": "k"}


def test_an_option_beats_the_environment_whatever_the_case() -> None:
    merged = merge_headers({"X-API-KEY": "from-env", "Other": "o"}, {"x-api-key": "from-option"})
    assert merged == {"Other": "o", "x-api-key": "from-option"}


def test_invocation_merges_environment_and_options(
    monkeypatch: pytest.MonkeyPatch, hellgate_spec: object
) -> None:
    monkeypatch.setenv("SPECMOCK_HEADER_X_API_KEY", "from-env")
    monkeypatch.setenv("SPECMOCK_HEADER_AUTHORIZATION", "Bearer t")
    options = to_options(
        Invocation(
            spec=str(hellgate_spec),
            base_url="http://127.0.0.1:1",
            origin=None,
            headers=("X-API-Key: from-option",),
            checks=("ignored_auth",),
            excluded_checks=("negative_data_rejection,use_after_free",),
        )
    )
    assert dict(options.headers) == {"AUTHORIZATION": "Bearer t", "X-API-Key": "from-option"}
    assert options.checks == (
        *(c for c in DEFAULT_CHECKS if c not in ("negative_data_rejection", "use_after_free")),
        "ignored_auth",
    )


def test_default_checks_are_the_issue_list() -> None:
    assert resolve_checks() == DEFAULT_CHECKS
    assert set(DEFAULT_CHECKS) == {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
        "use_after_free",
        "ensure_resource_availability",
    }
