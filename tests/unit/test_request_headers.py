"""Both shells read request headers into the same dict: ASGI hands over bytes, RSGI decoded strings;
``ConsultedHeaders`` reads as that dict and notes what was read of it (repeats.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from specmock.messages.requests import ConsultedHeaders, header_items_to_dict, header_pairs_to_dict

names = st.sampled_from(["accept", "x-api-key", "cookie", "x-dup", "content-type"])
values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)


@given(st.lists(st.tuples(names, values), max_size=8))
def test_asgi_and_rsgi_headers_read_the_same(pairs: list[tuple[str, str]]) -> None:
    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]
    assert header_pairs_to_dict(pairs) == header_items_to_dict(raw)


def test_a_repeated_header_keeps_every_value_in_order() -> None:
    pairs = [("x-dup", "1"), ("accept", "*/*"), ("x-dup", "2")]
    assert header_pairs_to_dict(pairs) == {"x-dup": "1, 2", "accept": "*/*"}


@given(st.lists(st.tuples(names, values), max_size=8), st.lists(names, max_size=6))
def test_consulted_headers_read_as_the_dict_and_note_every_name_looked_up(
    pairs: list[tuple[str, str]], looked_up: list[str]
) -> None:
    plain = header_pairs_to_dict(pairs)
    headers = ConsultedHeaders(plain)
    for name in looked_up:
        assert headers.get(name) == plain.get(name)
        assert headers.get(name, "") == plain.get(name, "")
        assert (name in headers) == (name in plain)
        if name in plain:
            assert headers[name] == plain[name]
    assert headers.names == set(looked_up)
    assert not headers.whole


@pytest.mark.parametrize(
    "read_whole",
    [
        list,
        dict,
        len,
        repr,
        lambda h: {**h},
        lambda h: h.copy(),
        lambda h: list(h.items()),
        lambda h: list(h.keys()),
        lambda h: list(h.values()),
        lambda h: h == {"accept": "*/*"},
        lambda h: h | {},
        lambda h: {} | h,
        lambda h: {}.update(h),
    ],
)
def test_reading_consulted_headers_whole_says_so(read_whole: Callable[[dict[str, str]], object]) -> None:
    headers = ConsultedHeaders({"accept": "*/*"})
    read_whole(headers)
    assert headers.whole


def test_consulted_headers_are_not_changed() -> None:
    headers = ConsultedHeaders({"accept": "*/*"})
    with pytest.raises(TypeError):
        headers["prefer"] = "code=404"
    with pytest.raises(TypeError):
        headers.update({"prefer": "code=404"})
    assert headers.get("prefer") is None
