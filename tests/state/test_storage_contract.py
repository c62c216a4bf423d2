"""The storage protocol's contract (``specmock.state.store.storage.protocol``), for every backend.

A backend joins by adding a factory to ``BACKENDS``: each call gives a new, empty store that shares
nothing with the stores made before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from specmock.state.store.storage import (
    MemoryStorage,
    ParentPath,
    Seeding,
    SnapshotError,
    Storage,
    StoredRecord,
    Taken,
)
from specmock.state.store.storage.stored import expiry_of, is_seeded, record_of, stored_record

MakeStorage = Callable[[], Storage]

BACKENDS: dict[str, MakeStorage] = {"memory": MemoryStorage}

TOMBSTONES = 3
PATHS: list[ParentPath] = [(), ("a",), ("a", "b"), ("b",)]
KEYS = ["1", "2", "3", "x", "é"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@pytest.fixture(params=sorted(BACKENDS))
def make(request: pytest.FixtureRequest) -> MakeStorage:
    return BACKENDS[request.param]


def stored(key: str, unique: str | None = None, **more: Any) -> StoredRecord:
    return stored_record({"id": key, "u": unique, **more})


def seeding_of(*keys: str, next_number: int = 1) -> Seeding:
    return Seeding({k: stored(k, seed=True) for k in keys}, next_number)


class Calls:
    """A seeding function that counts its calls."""

    def __init__(self, start: Seeding) -> None:
        self.start = start
        self.calls: list[bool] = []

    def __call__(self, loaded: bool) -> Seeding:
        self.calls.append(loaded)
        return self.start if not loaded else Seeding({}, self.start.next_number)


def keys_of(storage: Storage, collection: str, path: ParentPath) -> list[str]:
    return list(storage.records(collection, path) or {})


# Buckets and seeding


def test_a_bucket_is_seeded_once_in_the_seedings_order(make: MakeStorage) -> None:
    storage = make()
    assert storage.records("books", ()) is None
    seeding = Calls(seeding_of("3", "1", "2", next_number=4))
    assert storage.open("books", (), seeding, max_paths=10)
    assert storage.open("books", (), seeding, max_paths=10)
    assert seeding.calls == [False]
    assert keys_of(storage, "books", ()) == ["3", "1", "2"]
    assert storage.get("books", (), "1") == stored("1", seed=True)
    assert storage.next_number("books", ()) == 4
    assert storage.size("books", ()) == 3


def test_open_refuses_past_max_paths_and_stores_nothing(make: MakeStorage) -> None:
    storage = make()
    assert storage.open("loans", ("1",), Calls(seeding_of("a")), max_paths=1)
    refused = Calls(seeding_of("b"))
    assert not storage.open("loans", ("2",), refused, max_paths=1)
    assert refused.calls == []
    assert storage.records("loans", ("2",)) is None
    assert storage.paths("loans") == [("1",)]


def test_a_replaced_collection_is_never_seeded_again_until_reset(make: MakeStorage) -> None:
    storage = make()
    storage.replace("books", {(): seeding_of("9", next_number=10)})
    assert keys_of(storage, "books", ()) == ["9"]
    seeding = Calls(seeding_of("1", "2", next_number=3))
    storage.open("books", ("x",), seeding, max_paths=10)
    assert seeding.calls == [True]
    assert storage.records("books", ("x",)) == {}
    storage.reset()
    storage.open("books", ("x",), seeding, max_paths=10)
    assert seeding.calls == [True, False]
    assert keys_of(storage, "books", ("x",)) == ["1", "2"]


# Conditional writes


def test_a_taken_key_is_refused_and_nothing_changes(make: MakeStorage) -> None:
    storage = make()
    assert storage.put("books", (), "1", stored("1")) is None
    version = storage.version
    assert storage.put("books", (), "1", stored("1", "other")) == Taken(None)
    assert storage.get("books", (), "1") == stored("1")
    assert storage.version == version


def test_a_unique_value_is_refused_when_another_record_holds_it_the_first_pair_named(
    make: MakeStorage,
) -> None:
    storage = make()
    storage.put("users", (), "1", stored_record({"email": "a@b.c", "name": "ann", "n": 1}))
    assert storage.put("users", (), "2", stored("2"), unique=[("name", "bob"), ("email", "a@b.c")]) == Taken(
        "email"
    )
    assert storage.put("users", (), "2", stored("2"), unique=[("n", 1.0)]) == Taken("n")  # JSON values
    assert storage.put("users", (), "1", stored("1"), unique=[("email", "a@b.c")]) == Taken(None)  # key first
    # The record being replaced does not count against itself.
    assert storage.put("users", (), "1", stored("1"), replaces="1", unique=[("email", "a@b.c")]) is None
    assert storage.holder("users", (), [("id", "1")], own=None) == "id"
    assert storage.holder("users", (), [("id", "1")], own="1") is None
    assert storage.holder("users", ("elsewhere",), [("id", "1")], own=None) is None


def test_a_moved_record_leaves_its_old_key_and_goes_last(make: MakeStorage) -> None:
    storage = make()
    for key in ("1", "2", "3"):
        storage.put("books", (), key, stored(key))
    assert storage.put("books", (), "2", stored("2", "changed"), replaces="2") is None
    assert keys_of(storage, "books", ()) == ["1", "2", "3"]  # in place
    assert storage.put("books", (), "3", stored("3"), replaces="1") == Taken(None)
    assert storage.put("books", (), "9", stored("9"), replaces="1") is None
    assert keys_of(storage, "books", ()) == ["2", "3", "9"]
    assert not storage.deleted("books", (), "1")  # moved, not deleted


def test_the_number_counter_only_grows(make: MakeStorage) -> None:
    storage = make()
    assert storage.next_number("books", ()) == 1
    storage.put("books", (), "5", stored("5"), next_number=6)
    storage.put("books", (), "2", stored("2"), next_number=3)
    assert storage.next_number("books", ()) == 6
    assert storage.next_number("books", ("other",)) == 1


# Deletes, tombstones, cascades


def test_a_deleted_key_is_a_tombstone_until_stored_again_oldest_forgotten_first(make: MakeStorage) -> None:
    storage = make()
    for key in KEYS:
        storage.put("books", (), key, stored(key))
    assert storage.delete("books", (), "1", TOMBSTONES) == stored("1")
    assert storage.delete("books", (), "1", TOMBSTONES) is None
    assert storage.get("books", (), "1") is None
    assert storage.deleted("books", (), "1")
    storage.put("books", (), "1", stored("1"))
    assert not storage.deleted("books", (), "1")
    for key in KEYS:
        storage.delete("books", (), key, TOMBSTONES)
    assert [k for k in KEYS if storage.deleted("books", (), k)] == KEYS[-TOMBSTONES:]


def test_dropping_and_moving_paths_by_prefix(make: MakeStorage) -> None:
    storage = make()
    for path in PATHS:
        storage.put("loans", path, "1", stored("1"))
    assert storage.move_paths("loans", ("a",), ("z",))
    assert sorted(storage.paths("loans")) == sorted([(), ("z",), ("z", "b"), ("b",)])
    assert not storage.move_paths("loans", ("a",), ("y",))
    assert storage.drop_paths("loans", ("z",))
    assert sorted(storage.paths("loans")) == [(), ("b",)]
    assert not storage.drop_paths("loans", ("z",))
    assert storage.total("loans") == 2
    assert storage.drop_paths("loans", ())  # everything
    assert storage.paths("loans") == []


# Versions and expiry


def test_every_change_gives_a_new_version_and_reads_none(make: MakeStorage) -> None:
    storage = make()
    seen = [storage.version]

    def changed(collection: str | None = None) -> None:
        now = storage.version
        assert now > seen[-1]
        if collection is not None:
            assert storage.version_of(collection) == now
        seen.append(now)

    storage.open("books", (), Calls(seeding_of("1")), max_paths=5)
    storage.put("books", (), "2", stored("2"))
    changed("books")
    books = storage.version_of("books")
    storage.put("loans", ("2",), "1", stored("1"))
    changed("loans")
    assert storage.version_of("books") == books  # another collection's write
    storage.records("books", ())
    storage.get("books", (), "2")
    storage.deleted("books", (), "2")
    storage.holder("books", (), [("u", "x")], None)
    assert storage.version == seen[-1]
    storage.delete("books", (), "2", TOMBSTONES)
    changed("books")
    storage.touch("books")
    changed("books")
    storage.drop_paths("loans", ("2",))
    changed("loans")
    storage.replace("books", {(): seeding_of("7")})
    changed("books")
    storage.reset()
    changed()
    assert storage.version_of("books") > books


def test_expiry_gives_a_new_version_once_the_instant_passes(make: MakeStorage) -> None:
    storage = make()
    storage.put("tokens", (), "1", stored_record({"id": "1"}, expires_at=100.0))
    storage.put("tokens", (), "2", stored_record({"id": "2"}))
    before = storage.version_of("tokens")
    assert storage.next_expiry <= 100.0  # never later than the instant: a reader would miss it
    storage.expire_due(99.5)
    assert storage.version_of("tokens") == before
    storage.expire_due(100.0)
    after = storage.version_of("tokens")
    assert after > before
    storage.expire_due(200.0)
    assert storage.version_of("tokens") == after  # once per instant
    assert storage.get("tokens", (), "1") == stored_record(
        {"id": "1"}, expires_at=100.0
    )  # still holds its key


def test_expiry_of_seeded_records_counts_too(make: MakeStorage) -> None:
    storage = make()
    start = Seeding({"1": stored_record({"id": "1"}, seeded=True, expires_at=50.0)})
    storage.open("tokens", (), lambda loaded: start, max_paths=5)
    before = storage.version_of("tokens")
    assert storage.next_expiry <= 50.0
    storage.expire_due(60.0)
    assert storage.version_of("tokens") > before


# Counters, credentials, reset


def test_creates_are_counted_from_the_last_reset(make: MakeStorage) -> None:
    storage = make()
    assert [storage.count_create() for _ in range(3)] == [1, 2, 3]
    storage.reset()
    assert storage.count_create() == 1


def test_reset_forgets_records_tombstones_numbers_and_loads(make: MakeStorage) -> None:
    storage = make()
    storage.replace("books", {(): seeding_of("1", "2", next_number=3)})
    storage.delete("books", (), "1", TOMBSTONES)
    storage.reset()
    assert storage.records("books", ()) is None
    assert storage.paths("books") == []
    assert not storage.deleted("books", (), "1")
    assert storage.next_number("books", ()) == 1
    assert storage.total("books") == 0


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(KEYS), st.dictionaries(st.text(max_size=5), json_values, max_size=4)))
def test_records_come_back_exactly_as_stored(make: MakeStorage, records: dict[str, dict[str, Any]]) -> None:
    storage = make()
    for key, record in records.items():
        assert storage.put("things", ("p",), key, stored_record(record, seeded=True, expires_at=1.5)) is None
    back = storage.records("things", ("p",)) or {}
    assert list(back) == list(records)
    assert {k: record_of(s) for k, s in back.items()} == records
    assert all(is_seeded(s) and expiry_of(s) == 1.5 for s in back.values())


class Model:
    """What a store must hold after a sequence of writes: ordered records, tombstones, unique ``u``."""

    def __init__(self) -> None:
        self.buckets: dict[ParentPath, dict[str, StoredRecord]] = {}
        self.deleted: dict[ParentPath, list[str]] = {}

    def put(
        self, path: ParentPath, key: str, record: StoredRecord, replaces: str | None, tombstones: int = 0
    ) -> Taken | None:
        bucket = self.buckets.get(path, {})
        if key != replaces and key in bucket:
            return Taken(None)
        unique = record_of(record).get("u")
        if unique is not None and any(
            k != replaces and record_of(s).get("u") == unique for k, s in bucket.items()
        ):
            return Taken("u")
        if replaces is not None and replaces != key and bucket.pop(replaces, None) is not None:
            self._tombstone(path, replaces, tombstones)  # renamed: the old key reads as deleted
        bucket[key] = record
        self.buckets[path] = bucket
        if key in self.deleted.get(path, []):
            self.deleted[path].remove(key)
        return None

    def delete(self, path: ParentPath, key: str) -> StoredRecord | None:
        found = self.buckets.get(path, {}).pop(key, None)
        if found is not None:
            self._tombstone(path, key, TOMBSTONES)
        return found

    def _tombstone(self, path: ParentPath, key: str, tombstones: int) -> None:
        if tombstones <= 0:
            return
        tombs = self.deleted.setdefault(path, [])
        if len(tombs) >= tombstones:
            tombs.pop(0)
        tombs.append(key)


def machine_for(make: MakeStorage) -> type[RuleBasedStateMachine]:
    class StorageMachine(RuleBasedStateMachine):
        """Random writes against a backend and the model: the same answers, the same contents."""

        def __init__(self) -> None:
            super().__init__()
            self.storage = make()
            self.model = Model()
            self.version = self.storage.version

        def _moved(self, changed: bool) -> None:
            now = self.storage.version
            assert now > self.version if changed else now == self.version
            self.version = now

        @rule(
            path=st.sampled_from(PATHS),
            key=st.sampled_from(KEYS),
            unique=st.none() | st.sampled_from("uvw"),
            payload=json_values,
        )
        def insert(self, path: ParentPath, key: str, unique: str | None, payload: Any) -> None:
            record = stored(key, unique, payload=payload)
            pairs = [("u", unique)] if unique is not None else []
            expected = self.model.put(path, key, record, None)
            assert self.storage.put("c", path, key, record, unique=pairs) == expected
            self._moved(expected is None)

        @precondition(lambda self: any(self.model.buckets.values()))
        @rule(
            data=st.data(),
            key=st.sampled_from(KEYS),
            unique=st.none() | st.sampled_from("uvw"),
            tombstones=st.sampled_from([0, TOMBSTONES]),
        )
        def replace(self, data: st.DataObject, key: str, unique: str | None, tombstones: int) -> None:
            path = data.draw(st.sampled_from([p for p, b in self.model.buckets.items() if b]))
            old = data.draw(st.sampled_from(list(self.model.buckets[path])))
            record = stored(key, unique)
            pairs = [("u", unique)] if unique is not None else []
            expected = self.model.put(path, key, record, old, tombstones)
            put = self.storage.put
            assert put("c", path, key, record, replaces=old, unique=pairs, tombstones=tombstones) == expected
            self._moved(expected is None)

        @rule(path=st.sampled_from(PATHS), key=st.sampled_from(KEYS))
        def delete(self, path: ParentPath, key: str) -> None:
            expected = self.model.delete(path, key)
            assert self.storage.delete("c", path, key, TOMBSTONES) == expected
            self._moved(expected is not None)

        @invariant()
        def same_contents(self) -> None:
            storage, model = self.storage, self.model
            for path in PATHS:
                records = storage.records("c", path)
                expected = model.buckets.get(path)
                if expected is None:
                    assert records is None or records == {}
                    continue
                assert records is not None
                assert list(records.items()) == list(expected.items())
                assert storage.size("c", path) == len(expected)
                for key in KEYS:
                    assert storage.get("c", path, key) == expected.get(key)
                    assert storage.deleted("c", path, key) == (key in model.deleted.get(path, []))
            assert storage.total("c") == sum(len(b) for b in model.buckets.values())

    return StorageMachine


def test_any_sequence_of_writes_leaves_what_the_model_says(make: MakeStorage) -> None:
    run_state_machine_as_test(
        machine_for(make), settings=settings(max_examples=60, stateful_step_count=25, deadline=None)
    )


def test_an_in_memory_store_adopts_another_ones_collections() -> None:
    earlier, later = MemoryStorage(), MemoryStorage()
    earlier.put("books", (), "1", stored_record({"id": "1"}, expires_at=10.0))
    earlier.put("authors", (), "a", stored("a"))
    before = later.version
    later.adopt(earlier, ["books"])
    assert keys_of(later, "books", ()) == ["1"]
    assert later.records("authors", ()) is None
    assert later.version_of("books") > before
    mark = later.version_of("books")
    later.expire_due(11.0)  # the adopted record's expiry is scheduled here too
    assert later.version_of("books") > mark


# Snapshots

COLLECTIONS = ["c", "d"]


def observed(storage: Storage) -> list[Any]:
    """Everything a reader can ask a store about (versions aside)."""
    seen: list[Any] = []
    for name in COLLECTIONS:
        seen.append((name, storage.paths(name), storage.total(name)))
        for path in PATHS:
            records = storage.records(name, path)
            seen.append((path, None if records is None else list(records.items())))
            seen.append((storage.size(name, path), storage.next_number(name, path)))
            seen.append([storage.deleted(name, path, key) for key in KEYS])
    return seen


class SnapshotMachine(RuleBasedStateMachine):
    """Two stores given the same calls; at any point the second may be replaced by a restore
    of the first's snapshot (into a new store or into itself): they must stay indistinguishable."""

    make: MakeStorage = MemoryStorage  # the backend under test (a subclass per backend)

    def __init__(self) -> None:
        super().__init__()
        self.original = self.make()
        self.copy = self.make()
        self.pending: dict[str, set[float]] = {}  # expiry instants put and not yet passed by ``expire``

    def both(self, call: Callable[[Storage], Any]) -> Any:
        first, second = call(self.original), call(self.copy)
        assert first == second
        return first

    @rule(fresh=st.booleans(), encode_later=st.booleans(), data=st.data())
    def restore_from_snapshot(self, fresh: bool, encode_later: bool, data: st.DataObject) -> None:
        encode = self.original.snapshot()
        key = data.draw(st.sampled_from(KEYS))

        def later(storage: Storage) -> Any:
            return storage.put("c", (), key + "-later", stored(key))

        if encode_later:  # the store goes on changing before the capture is encoded
            later(self.original)
        blob = encode()
        target = self.make() if fresh else self.copy
        before = {name: target.version_of(name) for name in COLLECTIONS}
        target.restore(blob)
        for name in COLLECTIONS:
            if target.records(name, ()) is not None or target.paths(name):
                assert target.version_of(name) > before[name]  # never a cached page of before
        self.copy = target
        assert self.copy.snapshot()() == blob
        if encode_later:
            later(self.copy)

    @rule(
        name=st.sampled_from(COLLECTIONS),
        path=st.sampled_from(PATHS),
        start=st.lists(st.sampled_from(KEYS), unique=True, max_size=3),
        number=st.integers(1, 9),
    )
    def open(self, name: str, path: ParentPath, start: list[str], number: int) -> None:
        self.both(lambda s: s.open(name, path, Calls(seeding_of(*start, next_number=number)), max_paths=3))

    @rule(
        name=st.sampled_from(COLLECTIONS),
        path=st.sampled_from(PATHS),
        key=st.sampled_from(KEYS),
        replaces=st.none() | st.sampled_from(KEYS),
        unique=st.none() | st.sampled_from("uv"),
        number=st.none() | st.integers(1, 20),
        expires=st.none() | st.floats(0, 100),
        payload=json_values | st.integers(2**64, 2**70),
    )
    def put(
        self,
        name: str,
        path: ParentPath,
        key: str,
        replaces: str | None,
        unique: str | None,
        number: int | None,
        expires: float | None,
        payload: Any,
    ) -> None:
        record = stored_record({"id": key, "u": unique, "p": payload}, expires_at=expires)
        pairs = [("u", unique)] if unique is not None else []
        taken = self.both(
            lambda s: s.put(name, path, key, record, replaces=replaces, unique=pairs, next_number=number)
        )
        if expires is not None and taken is None:  # a refused put stores no expiry
            self.pending.setdefault(name, set()).add(expires)

    @rule(name=st.sampled_from(COLLECTIONS), path=st.sampled_from(PATHS), key=st.sampled_from(KEYS))
    def delete(self, name: str, path: ParentPath, key: str) -> None:
        self.both(lambda s: s.delete(name, path, key, TOMBSTONES))

    @rule(name=st.sampled_from(COLLECTIONS), prefix=st.sampled_from(PATHS), into=st.sampled_from(PATHS))
    def drop_or_move(self, name: str, prefix: ParentPath, into: ParentPath) -> None:
        self.both(lambda s: s.move_paths(name, prefix, into))
        self.both(lambda s: s.drop_paths(name, (*into, "b")))

    @rule(name=st.sampled_from(COLLECTIONS), keys=st.lists(st.sampled_from(KEYS), unique=True, max_size=3))
    def replace_collection(self, name: str, keys: list[str]) -> None:
        self.both(lambda s: s.replace(name, {("a",): seeding_of(*keys, next_number=7)}))

    @rule()
    def count_create(self) -> None:
        self.both(lambda s: s.count_create())

    @rule(now=st.floats(0, 120))
    def expire(self, now: float) -> None:
        def expire_due(storage: Storage) -> list[bool]:
            before = [storage.version_of(name) for name in COLLECTIONS]
            storage.expire_due(now)
            return [storage.version_of(n) > v for n, v in zip(COLLECTIONS, before, strict=True)]

        original, copy = expire_due(self.original), expire_due(self.copy)
        # Where a record both hold passes its expiry now, both give a new version (a cached page
        # must not show it). Either may give one more: the original for a deadline whose record was
        # deleted since (a stale entry of its heap), the copy for an instant the original saw pass
        # before the snapshot (a cache miss).
        for name, was, now_too in zip(COLLECTIONS, original, copy, strict=True):
            due = {at for at in self.pending.get(name, set()) if at <= now}
            passing = any(
                expiry_of(stored) in due
                for path in self.original.paths(name)
                for stored in (self.original.records(name, path) or {}).values()
            )
            assert not passing or (was and now_too)
            self.pending[name] = self.pending.get(name, set()) - due

    @rule()
    def reset(self) -> None:
        self.both(lambda s: s.reset())

    @invariant()
    def indistinguishable(self) -> None:
        assert observed(self.original) == observed(self.copy)
        assert self.original.snapshot()() == self.copy.snapshot()()


def test_a_store_restored_from_a_snapshot_is_indistinguishable_from_the_original(make: MakeStorage) -> None:
    machine = type("SnapshotMachineOf", (SnapshotMachine,), {"make": staticmethod(make)})
    run_state_machine_as_test(
        machine, settings=settings(max_examples=60, stateful_step_count=30, deadline=None)
    )


def memory_snapshot(creates: Any = 0, collections: Any = ()) -> bytes:
    fields = {"format": "specmock-memory", "version": 1, "creates": creates, "collections": collections}
    return orjson.dumps(fields)


@pytest.mark.parametrize(
    "garbled",
    [
        b"",
        b"pickle\x80",
        memory_snapshot()[:-1].replace(b'"version":1', b'"version":99') + b"}",
        memory_snapshot(creates=-1),
        memory_snapshot(collections=[["c", False, [[[], 1, [], [["1", "{not json", False, None]]]]]]),
        memory_snapshot(collections=[["c", False, [[[], 1, [], [["1", "[1]", False, None]]]]]]),
        memory_snapshot(collections=[["c", False, [[[1], 1, [], []]]]]),
        memory_snapshot(collections=[["c", False, [[[], 1, [], []], [[], 1, [], []]]]]),  # a bucket twice
    ],
)
def test_an_unreadable_snapshot_is_refused_and_changes_nothing(make: MakeStorage, garbled: bytes) -> None:
    storage = make()
    storage.put("c", (), "1", stored("1"))
    before = storage.snapshot()()
    with pytest.raises(SnapshotError):
        storage.restore(garbled)
    assert storage.snapshot()() == before
