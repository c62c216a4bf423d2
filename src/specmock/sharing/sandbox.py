"""``SharedSandbox``: the in-memory sandbox whose writes go through the shared log (``Replica``).

Without a replica attached (while fixtures load at start-up) it is the plain in-memory sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from specmock.openapi.model import Operation
from specmock.sharing import deferral, entries
from specmock.state import Outcome, Sandbox
from specmock.state.inferred.resources import Route
from specmock.state.inferred.roles import Role
from specmock.state.store.listing import LOCAL_ORIGIN

if TYPE_CHECKING:
    from specmock.sharing.replica import Replica

READ_ROLES = frozenset({Role.LIST, Role.READ, Role.SINGLETON_READ})


class SharedSandbox(Sandbox):
    replica: Replica | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reads: dict[str, bool] = {}  # operation key → whether it never changes records

    def handle(
        self,
        operation: Operation,
        path_values: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
        body: Any,
        origin: str = LOCAL_ORIGIN,
    ) -> Outcome | None:
        replica = self.replica
        route = self.plan.routes.get(operation.key)
        if replica is None or route is None or self._only_reads(operation.key, route):
            return super().handle(operation, path_values, query, body, origin)  # caught up already
        slot = deferral.CURRENT.get()
        if slot is not None and slot.filled:  # the second run: the write was logged and applied
            outcome: Outcome | None = slot.take()
            return outcome
        entry = entries.handle(operation.key, path_values, query, body, origin, self.now())
        if slot is None:  # no request task around it (a direct call): wait for the store here
            outcome = replica.write(entry)
            return outcome
        raise deferral.WriteDeferred(entry)

    def handle_here(
        self,
        operation: Operation,
        path_values: Mapping[str, str],
        query: Mapping[str, Sequence[str]],
        body: Any,
        origin: str,
        at: float,
    ) -> Outcome | None:
        """A logged request applied to this process's records, with the clock it was made at."""
        clock = self.now
        self.now = lambda: at
        try:
            return super().handle(operation, path_values, query, body, origin)
        finally:
            self.now = clock

    def may_write(self, key: str) -> bool:
        """Whether the operation may change records (and so goes through the log)."""
        route = self.plan.routes.get(key)
        return route is not None and not self._only_reads(key, route)

    def _only_reads(self, key: str, route: Route) -> bool:
        """Whether the operation never changes records: a read or list where no unknown id
        materialises (lazy seeding gives the same records whenever it happens). A list looks up
        only the items above it (the book of ``/books/{id}/loans``), a read its own item too."""
        found = self._reads.get(key)
        if found is None:
            looked_up: str | None = route.resource
            if route.role is Role.LIST and looked_up is not None:
                looked_up = self.plan.resources[looked_up].parent
            # Only an item read makes its own item up when lenient (a list or a singleton never does).
            made_up = route.lenient and route.role is Role.READ
            found = route.role in READ_ROLES and not made_up and not self._materializes(looked_up)
            self._reads[key] = found
        return found

    def _materializes(self, name: str | None) -> bool:
        while name is not None:
            resource = self.plan.resources[name]
            if resource.materialize:
                return True
            name = resource.parent
        return False

    def load(self, collection: str, records: list[Any]) -> None:
        replica = self._through_log()
        if replica is None:
            super().load(collection, records)
            return
        refused = replica.write(entries.load(collection, records))
        if isinstance(refused, ValueError):
            raise refused

    def load_here(self, collection: str, records: list[Any]) -> None:
        super().load(collection, records)

    def dump(self, collection: str) -> list[Any]:
        replica = self._through_log()
        if replica is not None:
            replica.sync()
        return super().dump(collection)

    def count(self, collection: str) -> int:
        replica = self._through_log()
        if replica is not None:
            replica.sync()
        return super().count(collection)

    def _through_log(self) -> Replica | None:
        """The replica, unless this thread is applying the log: a reset applied there reloads the
        fixture files (``Api.after_reset``), which every process does alike, so here and unlogged."""
        replica = self.replica
        return None if replica is None or replica.applying_here() else replica
