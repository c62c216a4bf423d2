"""``--record DIR``: the upstream's answers kept as fixture files (``specmock fixtures``' format).

Each 2xx JSON answer of an operation the sandbox infers a resource for adds its records: a list's
items, a read's or a write's record (or the record inside its envelope); a delete removes one. Records
are filed by id, so the latest answer about an item wins (a list's items, often summaries, are merged
into what is known). writeOnly fields and fields marked secret (``format: password`` or
``x-specmock-secret: true``) are left out; a required one is replaced by a seeded generated value so
the record still fits its schema. No header is ever written. A record that does not fit the
resource's schema is not written (the answer's violations say why), nor a nested record whose
parent was not recorded (``serve --fixtures`` would refuse it). Files already in DIR are read first,
so several sessions add up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from specmock.export import read_records
from specmock.export.encode import RecordWriter, document
from specmock.generation import rng_for
from specmock.openapi.model import Operation
from specmock.openapi.refs import deref
from specmock.openapi.views import merged_object
from specmock.runtime import Api
from specmock.state.inferred.answers import ViewKind
from specmock.state.inferred.identity import key_of
from specmock.state.inferred.naming import shape_of
from specmock.state.inferred.resources import Resource, Route
from specmock.state.inferred.roles import ResourceKind, Role
from specmock.state.inferred.shapes import ListShape, list_shape, success_schema
from specmock.version import __version__

log = logging.getLogger("specmock")
MANIFEST = "manifest.json"
SECRET = "x-specmock-secret"
RECORD_ROLES = frozenset(
    {Role.READ, Role.CREATE, Role.REPLACE, Role.UPDATE, Role.SINGLETON_READ, Role.SINGLETON_WRITE}
)
Scope = tuple[str, ...]
Records = dict[tuple[Scope, str], dict[str, Any]]  # (parent path values, id) → record, in order


class Recorder:
    def __init__(self, api: Api, folder: Path, upstream: str) -> None:
        self.api = api
        self.folder = folder
        self.upstream = upstream
        self.plan = api.sandbox.plan
        self.records: dict[str, Records] = {}
        self.changed: set[str] = set()
        self._lists: dict[str, ListShape | None] = {}
        self._leave_out = {name: _left_out(api.document, r) for name, r in self.plan.resources.items()}
        self._required = {
            name: merged_object(api.document, r.entity)[1] for name, r in self.plan.resources.items()
        }
        folder.mkdir(parents=True, exist_ok=True)
        self._read_existing()

    def observe(self, operation: Operation, path_values: Mapping[str, str], status: int, value: Any) -> None:
        """Take in one answer of the upstream (``value``: its parsed JSON body)."""
        route = self.plan.routes.get(operation.key)
        if route is None or not 200 <= status < 300:
            return
        scope = tuple(path_values.get(p, "") for p in route.scope_params)
        records = self.records.setdefault(route.resource, {})
        resource = self.plan.resources[route.resource]
        if route.role is Role.DELETE:
            if records.pop((scope, path_values.get(route.item_param or "", "")), None) is not None:
                self.changed.add(route.resource)
            return
        for item, merge in self._items(operation, route, value):
            record = self._clean(resource, item, (scope, self._key(resource, item, route, path_values)))
            if record is None:
                continue
            where = (scope, self._key(resource, record, route, path_values))
            known = records.get(where)
            records[where] = {**known, **record} if merge and known is not None else record
            self.changed.add(route.resource)

    def flush(self) -> None:
        """Write the files of the resources that changed, and the manifest."""
        if not self.changed:
            return
        # Children waiting for a parent that changed may be written now.
        children = {
            n for n, r in self.plan.resources.items() if r.parent in self.changed and n in self.records
        }
        for name in sorted(self.changed | children):
            self._write(name)
        self.changed.clear()
        files = sorted(p.name for p in self.folder.glob("*.json") if p.name != MANIFEST)
        manifest = {
            "specmock": __version__,
            "api": self.api.name,
            "spec": self.api.spec.path.name,
            "recorded_from": self.upstream,
            "files": [
                {
                    "file": f,
                    "collection": f[: -len(".json")],
                    "records": len(self._written(f[: -len(".json")])),
                }
                for f in files
                if f[: -len(".json")] in self.plan.resources
            ],
        }
        _atomic(self.folder / MANIFEST, document(manifest))

    def _items(self, operation: Operation, route: Route, value: Any) -> list[tuple[Any, bool]]:
        if route.role is Role.LIST:
            shape = self._list_shape(operation)
            if shape is None:
                return []
            if shape.array_property is None:
                items = value
            else:
                items = value.get(shape.array_property) if isinstance(value, dict) else None
            return [(item, True) for item in items] if isinstance(items, list) else []
        if route.role not in RECORD_ROLES or route.view.kind is ViewKind.GENERATE:
            return []
        if route.view.kind is ViewKind.WRAP:
            value = value.get(route.view.wrap) if isinstance(value, dict) else None
        return [(value, False)]

    def _list_shape(self, operation: Operation) -> ListShape | None:
        if operation.key not in self._lists:
            schema = success_schema(self.api.document, operation)
            words = shape_of(operation.path).literals[-1:]
            self._lists[operation.key] = list_shape(self.api.document, schema, words)
        return self._lists[operation.key]

    def _key(self, resource: Resource, record: Any, route: Route, path_values: Mapping[str, str]) -> str:
        if resource.kind is ResourceKind.SINGLETON:
            return ""
        if isinstance(record, dict) and resource.id_field and record.get(resource.id_field) is not None:
            return key_of(record[resource.id_field])
        if route.item_param and route.item_param in path_values:
            return path_values[route.item_param]
        return orjson.dumps(record, option=orjson.OPT_SORT_KEYS).decode()

    def _clean(self, resource: Resource, item: Any, where: tuple[Scope, str]) -> dict[str, Any] | None:
        """The record without its secrets; None when it does not fit the resource's schema."""
        if not isinstance(item, dict):
            return None
        check = self.api.check(resource.entity, "response")
        left_out = self._leave_out[resource.name]
        record = {k: v for k, v in item.items() if k not in left_out}
        if check(record):
            required = self._required[resource.name]
            removed = [k for k in item if k in left_out and k in required and k in resource.properties]
            record = {**record, **self._placeholders(resource, removed, where)}
        problems = check(record)
        if problems:
            path, message = problems[0]
            log.warning(
                "%s: an answer's record is not recorded: at %s: %s", resource.name, path or "/", message
            )
            return None
        return record

    def _placeholders(self, resource: Resource, names: list[str], where: tuple[Scope, str]) -> dict[str, Any]:
        """Seeded stand-ins for secrets the schema requires: the real values never reach the files."""
        out = {}
        for name in names:
            draw = self.api.generator.compile(
                resource.properties[name], direction="response", name=f"{resource.name}.{name}"
            )
            out[name] = draw(
                rng_for(self.api.config.seed, "record", resource.name, *where[0], where[1], name)
            )
        return out

    def _written(self, name: str) -> list[Any]:
        """The records of one resource as its file holds them (nested ones only under a recorded parent)."""
        resource = self.plan.resources[name]
        records = self.records.get(name, {})
        parents = self.records.get(resource.parent, {}) if resource.parent else None
        if not self._scoped(name):
            return list(records.values())
        return [
            {"parent": list(scope), "record": record}
            for (scope, _), record in records.items()
            if parents is None or (scope[:-1], scope[-1] if scope else "") in parents
        ]

    def _scoped(self, name: str) -> bool:
        return self.plan.resources[name].parent is not None or any(
            r.scope_params
            for r in self.plan.routes.values()
            if r.resource == name and r.role is not Role.ACTION
        )

    def _write(self, name: str) -> None:
        target = self.folder / f"{name}.json"
        temporary = target.with_name(f".{target.name}.tmp")
        with temporary.open("wb") as stream:
            writer = RecordWriter(stream, "json")
            for record in self._written(name):
                writer.write(record)
            writer.close()
        os.replace(temporary, target)
        (self.folder / f"{name}.ndjson").unlink(missing_ok=True)  # one file per resource

    def _read_existing(self) -> None:
        for name, resource in self.plan.resources.items():
            for suffix in (".ndjson", ".json"):
                path = self.folder / f"{name}{suffix}"
                if not path.is_file():
                    continue
                records: Records = self.records.setdefault(name, {})
                scoped = self._scoped(name)
                for item in read_records(path):
                    scope: Scope = tuple(str(v) for v in item.get("parent", ())) if scoped else ()
                    record = item.get("record") if scoped else item
                    if isinstance(record, dict):
                        key = (
                            key_of(record.get(resource.id_field)) if resource.id_field else str(len(records))
                        )
                        records[(scope, "" if resource.kind is ResourceKind.SINGLETON else key)] = record


def _left_out(document: Any, resource: Resource) -> frozenset[str]:
    secrets = {
        name
        for name, schema in resource.properties.items()
        if isinstance(node := deref(document, schema), dict)
        and (node.get("format") == "password" or node.get(SECRET) is True or node.get("writeOnly") is True)
    }
    return frozenset(secrets | resource.write_only)


def _atomic(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
