"""``Sandbox``: the stateful store one served document answers from.

sandbox = Sandbox.build(document, operations, generator, seed=0, records=20)
outcome = sandbox.handle(operation, path_values, query, body)   # None: generate instead
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson

from specmock.generation import Generator
from specmock.openapi.model import Operation
from specmock.state.inferred.planning import Plan, make_plan
from specmock.state.inferred.resources import Route
from specmock.state.inferred.roles import ACTION, CREATE, DELETE, LIST, READ, REPLACE, SINGLETON_ROLES, UPDATE
from specmock.state.store import actions, crud, listing
from specmock.state.store.collection import Collection
from specmock.state.store.creation import Creation
from specmock.state.store.engine import DEFAULT_MAX_RECORDS, Engine
from specmock.state.store.listing import ListPlan
from specmock.state.store.outcome import Outcome
from specmock.state.store.seeding import Seeder
from specmock.state.store.storage.protocol import ParentPath, Storage
from specmock.state.store.storage.stored import has_expired

PAGE_OVERHEAD = 3  # a decoded record takes about three times its JSON size


def page_weight(body: Any) -> int:
    """About the memory a cached list page holds (a write drops the cache, a miss recomputes the page)."""
    try:
        return PAGE_OVERHEAD * len(orjson.dumps(body))
    except TypeError:  # integers beyond 64 bits: count them as a kilobyte a record
        return PAGE_OVERHEAD * 1024 * len(body if isinstance(body, list) else [])


class Sandbox:
    def __init__(
        self,
        document: dict[str, Any],
        plan: Plan,
        seeder: Seeder,
        records: int,
        max_records: int,
        storage: Storage | None = None,
    ) -> None:
        self.document = document
        self.plan = plan
        self.engine = Engine(plan, seeder, records, max_records, storage)
        self.storage = self.engine.storage
        self._lists: dict[str, ListPlan] = {}
        self._creations: dict[str, Creation] = {}
        self._expiring = any(r.expires is not None for r in plan.resources.values())

    @classmethod
    def build(
        cls,
        document: dict[str, Any],
        operations: Mapping[str, Operation],
        generator: Generator,
        *,
        seed: int,
        records: int,
        max_records: int = DEFAULT_MAX_RECORDS,
        storage: Storage | None = None,
    ) -> Sandbox:
        """``storage``: where the records live (``MemoryStorage`` when None)."""
        seeder = Seeder(generator, seed, document)
        return cls(document, make_plan(document, operations), seeder, records, max_records, storage)

    @property
    def expiring(self) -> bool:
        """Whether some record has an expiry instant: then reading ``version`` may expire records."""
        return self._expiring

    @property
    def version(self) -> int:
        """Changes whenever any stored record may have changed (writes, reset, load, an item's expiry
        instant passing): a cache key part."""
        storage = self.storage
        if self._expiring and storage.next_expiry <= self.engine.now():  # read without the lock
            with self.engine.lock:
                storage.expire_due(self.engine.now())
        return storage.version

    @property
    def now(self) -> Callable[[], float]:
        """The clock expiry is decided by (POSIX seconds; ``time.time`` unless replaced, as tests do).

        Nothing else reads it: seeded and generated data never depend on the time.
        """
        return self.engine.now

    @now.setter
    def now(self, clock: Callable[[], float]) -> None:
        with self.engine.lock:
            self.engine.now = clock
            for name, resource in self.plan.resources.items():
                if resource.expires is not None:
                    self.storage.touch(name)  # what is live may have changed: drop cached pages

    def handles(self, operation_key: str) -> bool:
        return operation_key in self.plan.routes

    def handle(
        self,
        operation: Operation,
        path_values: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
        body: Any,
        origin: str = listing.LOCAL_ORIGIN,
    ) -> Outcome | None:
        """The store's answer, or None when the pipeline answers (generation). ``origin`` is where
        the API is mounted as the client sees it (``http://host:port/base``), for page links."""
        route = self.plan.routes.get(operation.key)
        if route is None:
            return None
        path = tuple([path_values.get(p, "") for p in route.scope_params]) if route.scope_params else ()
        with self.engine.lock:
            if self._expiring and self.storage.next_expiry <= self.engine.now():
                self.storage.expire_due(self.engine.now())
            collection = self.engine.collections[route.resource]
            if path and not (route.role is ACTION and route.lenient):
                missing = self.engine.missing_parent(collection, path, route.lenient)
                if missing is not None:
                    return missing
            if route.role is LIST:
                return self._list(operation, collection, path, path_values, query, origin)
            return self._dispatch(route, operation, collection, path, path_values, body)

    def _dispatch(
        self,
        route: Route,
        operation: Operation,
        collection: Collection,
        path: ParentPath,
        path_values: Mapping[str, str],
        body: Any,
    ) -> Outcome | None:
        role = route.role
        if role is CREATE:
            creation = self._creations.get(operation.key)
            if creation is None:
                creation = Creation(self.engine, operation, route, collection)
                self._creations[operation.key] = creation
            return creation(path, path_values, body)
        call = crud.Call(self.engine, operation, route, collection, path)
        key = path_values.get(route.item_param, "") if route.item_param else ""
        if role is READ:
            return crud.read(call, key)
        if role is REPLACE or role is UPDATE:
            return crud.write(call, key, body, merge=role is UPDATE)
        if role is DELETE:
            return crud.delete(call, key)
        if role in SINGLETON_ROLES:
            return crud.singleton(call, body)
        if route.action is not None:
            return actions.run(call, route.action, key, body)
        # An action: only its item's existence is ours. One that cannot say "not found" makes no item
        # up; the pipeline answers the store's NOT_FOUND for a deleted one as the stateless mock.
        if route.lenient:
            gone = self.storage.deleted(collection.name, path, key)
        else:
            gone = self.engine.find(collection, path, key) is None
        return call.missing(key) if gone else None

    def _list(
        self,
        operation: Operation,
        collection: Collection,
        path: ParentPath,
        path_values: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
        origin: str,
    ) -> Outcome:
        plan = self._lists.get(operation.key)
        if plan is None:
            plan = listing.compile_list(self.document, operation, collection.resource, self.engine.seeder)
            self._lists[operation.key] = plan
        normal = listing.normalized(query, plan.relevant)
        version = self.storage.version_of(collection.name)
        key = listing.cache_key(operation, collection, version, path, normal, origin)
        # collection.cached(key, version), without the call: read on every list
        found: Outcome | None = collection.cache.get(key) if version == collection.cache_version else None
        if found is None:
            records = self.engine.bucket(collection, path)
            seeded = self.storage.version_of(collection.name)
            if seeded != version:  # the bucket was seeded just now: the page belongs to the new version
                version = seeded
                key = listing.cache_key(operation, collection, version, path, normal, origin)
            if collection.resource.expires is not None:
                now = self.engine.now()
                records = {k: s for k, s in records.items() if not has_expired(s, now)}
            outcome = listing.answer(plan, collection, records, operation, path_values, query, origin)
            if outcome.error is not None:
                return outcome
            found = Outcome(outcome.status, outcome.body, outcome.headers, cache_key=key)
            collection.remember(key, version, found, page_weight(outcome.body))
        return found

    def reset(self) -> None:
        """Back to the seeded state (records are seeded again lazily, identically)."""
        with self.engine.lock:
            self.engine.reset()

    def collections(self) -> list[str]:
        return list(self.plan.resources)

    def describe(self) -> list[str]:
        lines = [resource.summary() for resource in self.plan.resources.values()]
        return lines + self.plan.actions + [f"warning: {p}" for p in self.plan.problems]

    def dump(self, collection: str) -> list[Any]:
        """Stored records, writeOnly fields included; nested ones as ``{"parent": [...], "record": …}``."""
        with self.engine.lock:
            return self.engine.dump(collection)

    def count(self, collection: str) -> int:
        """How many records ``collection`` holds (seeding it first if it was not yet)."""
        with self.engine.lock:
            return self.engine.count(collection)

    def seeded(self, collection: str) -> Iterator[Any]:
        """The records seeding gives (``dump``'s shape) from scratch, one at a time: fixture files.

        Top-level records are not stored on the way, so any count streams in constant memory.
        """
        with self.engine.lock:
            yield from self.engine.seeded(collection)

    def adopt(self, earlier: Sandbox, names: Iterable[str]) -> None:
        """Take over the stored records of ``names`` from ``earlier``: the sandbox of an earlier
        version of the same document, in which these resources were defined alike (hot reload).
        Everything moves as it is: records, deleted ids, id counters, the create streams."""
        with self.engine.lock, earlier.engine.lock:
            self.engine.adopt(earlier.engine, names)

    def load(self, collection: str, records: list[Any]) -> None:
        """Replace a resource's records (no seeding afterwards); ``ValueError`` names a bad record."""
        with self.engine.lock:
            self.engine.load(collection, records)
