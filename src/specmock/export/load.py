"""``serve --fixtures DIR``: each resource with a file starts with exactly its records.

Layout: ``DIR/<api>/`` when that folder exists, else (one API served) ``DIR`` itself. In a folder,
``<collection>.json`` (an array) or ``<collection>.ndjson`` (a record a line) replaces the seeded
records of that resource; a resource without a file is seeded as usual; ``manifest.json`` and
``schemas/`` are not loaded. Every record must fit the resource's schema (response direction, writeOnly
fields allowed): the first that does not is refused with its file, index and reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from specmock import json_exact
from specmock.errors import ConfigError
from specmock.export.encode import FORMATS
from specmock.export.generate import MANIFEST, SCHEMAS
from specmock.record_check import record_violations
from specmock.runtime import Api

SHOWN_VIOLATIONS = 3


def load_fixtures(apis: Sequence[Api], root: Path) -> None:
    """Replace seeded records with the files under ``root`` (see the module docstring for the layout)."""
    if not root.is_dir():
        raise ConfigError(
            f"--fixtures {root}: no such folder. Write one with `specmock fixtures SPEC --out DIR`."
        )
    if len(apis) == 1:
        own = root / apis[0].name
        load_api(apis[0], own if own.is_dir() else root)
        return
    found = [api for api in apis if (root / api.name).is_dir()]
    if not found:
        names = ", ".join(api.name for api in apis)
        raise ConfigError(
            f"--fixtures {root}: with several specs it holds one folder per API ({names}); none is there."
        )
    for api in found:
        load_api(api, root / api.name)


def load_api(api: Api, folder: Path) -> None:
    """Load the folder's records, and make `reset` return to them rather than to the seed."""
    _load_folder(api, folder)
    api.after_reset = [lambda: _load_folder(api, folder)]


def _load_folder(api: Api, folder: Path) -> None:
    sandbox = api.sandbox
    files = _files(folder, sandbox.collections())
    # Children first: loading a parent afterwards drops the child records whose parent it lacks,
    # which _check_parents then reports.
    for name in sorted(files, key=lambda n: -_depth(api, n)):
        records = read_records(files[name])
        _validate(api, name, files[name], records)
        try:
            sandbox.load(name, records)
        except ValueError as error:
            raise ConfigError(f"{files[name]}: {error}. Fix the record or remove it.") from None
    for name, path in files.items():
        if api.sandbox.plan.resources[name].parent is not None:
            _check_parents(api, name, path)


def _files(folder: Path, collections: list[str]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.name == MANIFEST or path.name == SCHEMAS or path.name.startswith("."):
            continue
        name, _, suffix = path.name.rpartition(".")
        if suffix not in FORMATS or name not in collections:
            known = ", ".join(f"{c}.json" for c in collections)
            raise ConfigError(f"{path}: not a fixture file of this API (expected one of: {known}).")
        if name in found:
            raise ConfigError(f"{path}: {found[name].name} holds the same resource; keep one of them.")
        found[name] = path
    return found


def _depth(api: Api, name: str) -> int:
    resources = api.sandbox.plan.resources
    depth, parent = 0, resources[name].parent
    while parent is not None and depth < len(resources):
        depth, parent = depth + 1, resources[parent].parent
    return depth


def read_records(path: Path) -> list[Any]:
    """The records of a ``.json`` (array) or ``.ndjson`` (one per line) file; ConfigError when unreadable."""
    data = path.read_bytes()
    if path.suffix == ".ndjson":
        lines = [(n, line) for n, line in enumerate(data.splitlines(), 1) if line.strip()]
        return [_parse(path, line, n) for n, line in lines]
    records = _parse(path, data, None)
    if not isinstance(records, list):
        raise ConfigError(f"{path}: expected a JSON array of records, found {type(records).__name__}.")
    return records


def _parse(path: Path, data: bytes, line: int | None) -> Any:
    try:
        return json_exact.loads(data)  # integers beyond 64 bits exactly
    except ValueError as error:
        reason = _syntax_error(data) or str(error)
    where = f"line {line}" if line is not None else "JSON"
    raise ConfigError(f"{path}: {where} is not valid JSON ({reason}).") from None


def _syntax_error(data: bytes) -> str | None:
    """The standard parser's account of a syntax error: it names the line and column."""
    try:
        json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return str(error)
    except ValueError:
        return None
    return None


def _validate(api: Api, name: str, path: Path, records: list[Any]) -> None:
    found = record_violations(api, name, records)
    if not found:
        return
    first = found[0]
    if first.index is None:
        raise ConfigError(
            f"{path}: {name} is a singleton; its file holds exactly one record, not {len(records)}."
        )
    if first.path == "" and first.message.startswith("a record of nested"):
        raise ConfigError(f"{path}: record {first.index}: {first.message}.")
    shown = [v for v in found if v.index == first.index][:SHOWN_VIOLATIONS]
    reasons = "; ".join(f"at {v.path or '/'}: {v.message}" for v in shown)
    raise ConfigError(
        f"{path}: record {first.index} does not fit the {name} schema ({reasons}). "
        "Fix or remove the record, or write the file again with `specmock fixtures`."
    )


def _check_parents(api: Api, name: str, path: Path) -> None:
    kept = {tuple(item["parent"]) for item in api.sandbox.dump(name)}
    parent = api.sandbox.plan.resources[name].parent
    for index, item in enumerate(read_records(path)):
        scope = tuple(str(v) for v in item["parent"])
        if scope not in kept:
            raise ConfigError(
                f"{path}: record {index}: its parent {list(scope)} is not a record of {parent}. "
                f"Add that record to {parent}'s file or remove this one."
            )
