"""How a request's framing declares its body (RFC 9112 §6.3): the one rule the RSGI shells (mock and
proxy) and the ASGI shell's cap check share."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from specmock.request_body import UNREADABLY_LONG, content_length, declared_length

VERSIONS = st.sampled_from(["1.0", "1.1", "2"])


@given(st.integers(min_value=0, max_value=10**18 - 1), VERSIONS)
def test_a_content_length_is_the_declared_length_whatever_the_version(length: int, version: str) -> None:
    headers = {"content-length": str(length)}
    assert content_length(headers) == length
    assert declared_length(headers, version) == length
    assert declared_length({**headers, "transfer-encoding": "chunked"}, version) == length


@given(st.text(alphabet="0123456789", min_size=19, max_size=40))
def test_a_content_length_too_long_to_hold_is_past_any_cap(length: str) -> None:
    assert content_length({"content-length": length}) == UNREADABLY_LONG


@given(st.text().filter(lambda text: not (text.strip().isascii() and text.strip().isdigit())))
def test_a_content_length_that_is_not_one_number_is_not_trusted(length: str) -> None:
    """ "5, 5", "²", "-1": the body is counted as it comes instead."""
    assert content_length({"content-length": length}) is None
    assert declared_length({"content-length": length}, "1.1") is None


def test_http1_without_length_or_chunks_has_no_body() -> None:
    assert declared_length({}, "1.1") == 0
    assert declared_length({}, "1.0") == 0
    assert content_length({}) is None  # an ASGI server has read the framing: nothing declared


def test_chunked_and_http2_bodies_are_known_only_at_their_end() -> None:
    assert declared_length({"transfer-encoding": "chunked"}, "1.1") is None
    assert declared_length({}, "2") is None
