"""A logged write reads back as it was written (``sharing.entries``): every process applies the
decoded entry, the writer too, so a value that changed on the way (an integral double read as an
integer, a long integer read as a double) would make the copies hold records the request did not
send."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from specmock.sharing import entries

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1 == 1.0 and True == 1 in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (isinstance(a, float) and str(a) == str(b))


@given(
    body=VALUES | st.binary(max_size=40),
    path_values=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
    query=st.dictionaries(st.text(max_size=8), st.lists(st.text(max_size=8), max_size=3), max_size=3),
    at=st.floats(min_value=0, max_value=4e9),
)
def test_a_request_reads_back_as_it_was_logged(
    body: Any, path_values: dict[str, str], query: dict[str, list[str]], at: float
) -> None:
    raw = entries.handle("createThing", path_values, query, body, "http://127.0.0.1:8000/v1", at)
    entry = entries.decode(raw)
    assert isinstance(entry, entries.Handle)
    assert entry.operation == "createThing"
    assert entry.origin == "http://127.0.0.1:8000/v1"
    assert same(entry.path_values, path_values)
    assert same(entry.query, query)
    assert same(entry.body, body)
    assert entry.at == at


@given(records=st.lists(st.dictionaries(st.text(max_size=6), VALUES, max_size=4), max_size=4))
def test_replaced_records_read_back_as_they_were_logged(records: list[Any]) -> None:
    entry = entries.decode(entries.load("books", records))
    assert isinstance(entry, entries.Load)
    assert entry.collection == "books"
    assert same(entry.records, records)


def test_a_reset_reads_back_as_a_reset() -> None:
    assert isinstance(entries.decode(entries.RESET), entries.Reset)
