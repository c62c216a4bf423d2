"""Hot reload (``serve --watch``): serve an edited document without losing the records a frontend
made, and never serve a broken one.

    prepare (a worker thread)   files changed? → build every API again (as at start-up) → for each
                                rebuilt API, which resources are defined exactly as before → mount
    install (the event loop)    move those resources' records into the new sandbox, swap the mount

A resource keeps its records when its definition (kind, paths, id, roles, extensions) and its
schemas, with everything they reference, are unchanged, and so are its parents'; any other resource
starts again from its seeded (or fixture) records. An edit that cannot be served changes nothing:
the last good version goes on serving, and the refusal (one paragraph, naming the file, the JSON
pointer and the problem) is logged and shown in the dashboard. ``install`` runs on the event loop,
between requests, so no request sees half a reload.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from specmock.config import MockConfig
from specmock.errors import SpecmockError

if TYPE_CHECKING:
    from specmock.runtime import Api
    from specmock.state.inferred.resources import Resource

log = logging.getLogger("specmock")
Digests = dict[Path, str]


class Reloadable(Protocol):
    """What the reloader needs of the app (``SpecmockApp``)."""

    config: MockConfig
    mounted: Any
    reload_status: dict[str, Any] | None

    @property
    def apis(self) -> list[Api]: ...

    def mount(self, apis: list[Api]) -> Any: ...


@dataclass
class Prepared:
    """A reload ready to install: the new mount, and per rebuilt API what moves over."""

    mounted: Any
    digests: dict[str, Digests]
    keep: dict[str, tuple[Api, Api, frozenset[str]]] = field(default_factory=dict)  # name → old, new, kept
    reseeded: dict[str, list[str]] = field(default_factory=dict)


class Reloader:
    def __init__(self, app: Reloadable, build: Callable[[MockConfig], list[Api]]) -> None:
        self.app = app
        self.build = build
        self.digests = {api.name: digests(api.spec.files) for api in app.apis}
        self.failed = False  # the last attempt was refused: any change may fix it

    def files(self) -> set[Path]:
        return {path for api in self.app.apis for path in api.spec.files}

    def folders(self) -> set[Path]:
        return {path.parent for path in self.files()}

    def relevant(self, paths: Iterable[Path]) -> bool:
        """Whether changes to ``paths`` may change what is served."""
        known = self.files()
        return self.failed or any(path in known for path in paths)

    def prepare(self) -> Prepared | str | None:
        """Build the new version (call it off the event loop): None when no served file changed,
        the refusal paragraph when the edit cannot be served."""
        changed = {name for name, known in self.digests.items() if digests(known) != known}
        if not changed and not self.failed:
            return None
        try:
            apis = self.build(self.app.config)
            old = {api.name: api for api in self.app.apis}
            prepared = Prepared(None, {api.name: digests(api.spec.files) for api in apis})
            chosen = []
            for api in apis:
                earlier = old.get(api.name)
                if earlier is not None and prepared.digests[api.name] == self.digests.get(api.name):
                    chosen.append(earlier)  # nothing of it changed: keep it whole (records, caches)
                    continue
                chosen.append(api)
                if earlier is not None:
                    kept = unchanged_resources(earlier, api)
                    prepared.keep[api.name] = (earlier, api, kept)
                    prepared.reseeded[api.name] = sorted(set(api.sandbox.plan.resources) - kept)
            prepared.mounted = self.app.mount(chosen)
        except SpecmockError as error:
            return str(error)
        except Exception as error:  # a bug of ours must not stop the server that still works
            log.exception("specmock: reload failed")
            return f"specmock failed while reloading ({type(error).__name__}: {error}); a bug in specmock"
        return prepared

    def install(self, prepared: Prepared | str) -> None:
        """Swap the new version in (on the event loop, between requests), or report the refusal."""
        if isinstance(prepared, str):
            self.failed = True
            self.app.reload_status = {"at": time.time(), "ok": False, "message": prepared}
            log.error("specmock: reload refused, still serving the last good version. %s", prepared)
            return
        for old, new, kept in prepared.keep.values():
            new.sandbox.adopt(old.sandbox, kept)
            new.credentials.adopt(old.credentials)
        self.app.mounted = prepared.mounted
        self.digests = prepared.digests
        self.failed = False
        message = (
            "; ".join(
                f"{name}: kept the records of {', '.join(sorted(kept)) or 'no resource'}, "
                f"re-seeded {', '.join(prepared.reseeded[name]) or 'nothing'}"
                for name, (_, _, kept) in prepared.keep.items()
            )
            or "no document changed what is served"
        )
        self.app.reload_status = {"at": time.time(), "ok": True, "message": message}
        log.info("specmock: reloaded. %s", message)


def digests(paths: Iterable[Path]) -> Digests:
    """The content hash of each file ("" for one that cannot be read)."""
    found = {}
    for path in paths:
        try:
            found[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            found[path] = ""
    return found


def unchanged_resources(earlier: Api, later: Api) -> frozenset[str]:
    """The resources of ``later`` defined exactly as in ``earlier``, their parents too."""
    before = fingerprints(earlier.document, earlier.sandbox.plan.resources)
    after = fingerprints(later.document, later.sandbox.plan.resources)
    same = {name for name, print_ in after.items() if before.get(name) == print_}
    resources = later.sandbox.plan.resources
    return frozenset(name for name in same if _ancestors_in(name, resources, same))


def _ancestors_in(name: str, resources: Mapping[str, Resource], same: set[str]) -> bool:
    seen = set()
    parent = resources[name].parent
    while parent is not None and parent not in seen:
        if parent not in same:
            return False
        seen.add(parent)
        parent = resources[parent].parent if parent in resources else None
    return True


def fingerprints(document: Mapping[str, Any], resources: Mapping[str, Resource]) -> dict[str, bytes]:
    """Each resource's definition with every schema it references, as canonical bytes."""
    return {name: _fingerprint(document, resource) for name, resource in resources.items()}


def _fingerprint(document: Mapping[str, Any], resource: Resource) -> bytes:
    fields = {f.name: getattr(resource, f.name) for f in dataclasses.fields(resource)}
    referenced: dict[str, Any] = {}
    pending = list(_refs(fields))
    while pending:
        ref = pending.pop()
        if ref in referenced:
            continue
        referenced[ref] = node = _resolve(document, ref)
        pending.extend(_refs(node))
    return orjson.dumps([fields, referenced], option=orjson.OPT_SORT_KEYS, default=_plain)


def _refs(node: Any) -> Iterable[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))


def _resolve(document: Mapping[str, Any], ref: str) -> Any:
    from specmock.openapi.refs import UnresolvableRef, resolve_pointer

    try:
        return resolve_pointer(document, ref)
    except UnresolvableRef:
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    raise TypeError(type(value).__name__)
