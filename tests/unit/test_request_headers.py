"""Both shells read request headers into the same dict: ASGI hands over bytes, RSGI decoded strings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from specmock.messages.requests import header_items_to_dict, header_pairs_to_dict

names = st.sampled_from(["accept", "x-api-key", "cookie", "x-dup", "content-type"])
values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)


@given(st.lists(st.tuples(names, values), max_size=8))
def test_asgi_and_rsgi_headers_read_the_same(pairs: list[tuple[str, str]]) -> None:
    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]
    assert header_pairs_to_dict(pairs) == header_items_to_dict(raw)


def test_a_repeated_header_keeps_every_value_in_order() -> None:
    pairs = [("x-dup", "1"), ("accept", "*/*"), ("x-dup", "2")]
    assert header_pairs_to_dict(pairs) == {"x-dup": "1, 2", "accept": "*/*"}
