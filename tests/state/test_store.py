"""The record store: compact, copy-on-read entries that answer exactly what was stored."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from specmock.config import MockConfig
from specmock.openapi.loader import load_spec
from specmock.runtime import Api, base_path_of
from specmock.spec_files import api_name, resolve_spec
from specmock.state.store.collection import Projection
from specmock.state.store.storage.memory import field_pattern
from specmock.state.store.storage.stored import (
    expiry_of,
    has_expired,
    is_seeded,
    may_hold,
    record_of,
    stored_record,
)

# Records are JSON documents (request bodies, generated data): no NaN or infinities.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
records = st.dictionaries(st.text(max_size=12), json_values, max_size=8)


@given(records)
def test_a_stored_record_gives_back_what_was_stored(record: dict[str, Any]) -> None:
    stored = stored_record(record)
    assert record_of(stored) == record  # integers beyond 64 bits too (standard JSON then)
    first = record_of(stored)
    first["changed"] = True
    assert record_of(stored) == record  # every read is a fresh copy: a reader cannot edit the store


instants = st.none() | st.floats(allow_nan=False, allow_infinity=False)


@given(records, st.booleans(), instants, st.floats(allow_nan=False))
def test_a_stored_record_keeps_its_seeded_flag_and_expiry_instant(
    record: dict[str, Any], seeded: bool, expires_at: float | None, now: float
) -> None:
    stored = stored_record(record, seeded, expires_at)
    assert (record_of(stored), is_seeded(stored), expiry_of(stored)) == (record, seeded, expires_at)
    assert has_expired(stored, now) == (expires_at is not None and expires_at <= now)


@given(records, st.booleans(), instants)
def test_stored_records_are_invisible_to_the_cycle_collector(
    record: dict[str, Any], seeded: bool, expires_at: float | None
) -> None:
    """A long-running store adds no work to the collector's passes (``specmock.collector``)."""
    assert not gc.is_tracked(stored_record(record, seeded, expires_at))


@given(
    records,
    st.frozensets(st.text(max_size=12), max_size=3),
    st.none() | st.frozensets(st.text(max_size=12), max_size=6),
)
def test_the_public_view_hides_exactly_the_hidden_and_undeclared_fields_in_order(
    record: dict[str, Any], hidden: frozenset[str], allowed: frozenset[str] | None
) -> None:
    stored = stored_record(record)
    shown = [(k, v) for k, v in record.items() if k not in hidden and (allowed is None or k in allowed)]
    public = Projection(hidden, allowed).public(record_of(stored))
    assert list(public.items()) == shown  # the order of the stored record: bytes stay the same
    assert record_of(stored) == record


@given(records, st.text(max_size=12), st.text())
def test_the_unique_scan_never_skips_a_record_holding_the_value(
    record: dict[str, Any], name: str, value: str
) -> None:
    stored = stored_record(record)
    if record.get(name) == value:
        assert may_hold(stored, field_pattern(name, value))
    assert may_hold(stored_record({**record, name: value}), field_pattern(name, value))


def test_stored_records_are_compact() -> None:
    """Stored records cost about their JSON size (100,000 Hellgate authentications: ~110 MiB RSS in
    ``bench/store_memory.py``), not the three times a dict takes or orjson's 16 KiB write buffer."""
    path = resolve_spec("hellgate")
    spec = load_spec(path)
    count = 2_000
    api = Api(spec, MockConfig(records=count), name=api_name(path), base_path=base_path_of(spec.document))
    sandbox = api.sandbox
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        assert sandbox.count("authentications") == count
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    json_size = sum(len(orjson.dumps(r)) for r in sandbox.dump("authentications")) / count
    per_record = grown / count
    assert per_record < 1.5 * json_size + 300, (per_record, json_size)
