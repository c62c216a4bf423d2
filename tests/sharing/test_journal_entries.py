"""A journal entry of a shared sandbox reads back from its bytes in Redis as the entry recorded: the
journal API shows the same fields and the same curl line as the in-memory journal would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from specmock.journal import as_dict, kept_entry
from specmock.messages.requests import MockRequest
from specmock.sharing.journal import _decode, _encode

texts = st.text(max_size=40)
headers = st.dictionaries(st.text(min_size=1, max_size=20), texts, max_size=5)
requests = st.builds(
    MockRequest,
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    texts,
    texts,
    headers,
    st.binary(max_size=200),
    texts,
)
injected = st.none() | st.dictionaries(st.text(max_size=10), st.integers(-(2**31), 2**31) | texts, max_size=3)


@given(
    requests,
    st.integers(min_value=0, max_value=599),
    texts,
    st.lists(texts, max_size=4).map(tuple),
    injected,
)
def test_an_entry_reads_back_as_recorded(
    request: MockRequest,
    status: int,
    operation: str,
    violations: tuple[str, ...],
    injected: dict[str, object] | None,
) -> None:
    entry = kept_entry(request, status, operation, violations, injected)
    assert as_dict(7, _decode(_encode(entry))) == as_dict(7, entry)
