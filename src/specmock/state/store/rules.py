"""What the behaviour extensions do to a record before it is stored.

- ``hidden``: server-owned fields, generated once per record (``rng_for(seed, resource, *parts,
  "hidden", name)``), kept by every write, never shown: an authentik token's ``key``.
- ``derive``: ``target`` follows ``source`` after every write. With ``key`` the target is an object
  generated once per source value (the same ``user`` always has the same ``user_obj``) whose ``key``
  field is the source value; without, a plain copy. When the source is missing it is taken back from
  the target, so the two always agree.
- ``expires``: a created item that sends no expiry gets ``now + ttl``, the ttl read from a field of a
  singleton (``authentication-options.authTokenTtl``) or else the declared ``ttl``.
- ``discard``: fields never stored (a login's ``password``).

Only ``expires`` reads the clock; everything else depends on the seed and the record alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock.generation import rng_for
from specmock.state.inferred.identity import key_of
from specmock.state.inferred.instants import rfc3339
from specmock.state.inferred.resources import Derive, Record, Resource
from specmock.state.store.seeding import Seeder

TtlLookup = Callable[[str, str], Any]  # (singleton resource, field) → its value, or None


def finish(
    seeder: Seeder,
    resource: Resource,
    record: Record,
    parts: tuple[Any, ...],
    created: Record | None = None,
    now: float | None = None,
    ttl_of: TtlLookup | None = None,
) -> Record:
    """``record`` with the resource's rules applied (in place, and returned).

    ``created`` is the client's body on a create (the expiry default applies only then).
    """
    for name, schema in resource.hidden.items():
        if name not in record:
            draw = seeder.generator.compile(schema, direction="response", name=f"{resource.name}.{name}")
            record[name] = draw(rng_for(seeder.seed, resource.name, *parts, "hidden", name))
    for rule in resource.derive:
        _derive(seeder, resource, record, rule)
    expiry = resource.expires
    if expiry is not None and created is not None and expiry.field not in created and now is not None:
        # The singleton's field when it holds a positive whole number of seconds, else the declared ttl.
        ttl = None
        if expiry.ttl_resource is not None and expiry.ttl_field is not None and ttl_of is not None:
            ttl = ttl_of(expiry.ttl_resource, expiry.ttl_field)
        if not (isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0):
            ttl = expiry.ttl
        if ttl:
            record[expiry.field] = rfc3339(now + ttl)
    for name in resource.discard:
        record.pop(name, None)
    return record


def _derive(seeder: Seeder, resource: Resource, record: Record, rule: Derive) -> None:
    source = record.get(rule.source)
    target = record.get(rule.target)
    if rule.key is None:
        if source is not None:
            record[rule.target] = source
        elif target is not None:
            record[rule.source] = target
        return
    if source is None:
        if isinstance(target, dict) and target.get(rule.key) is not None:
            record[rule.source] = target[rule.key]
        return
    value = seeder.derived(resource, rule.target, key_of(source))
    if isinstance(value, dict):
        value[rule.key] = source
        record[rule.target] = value
