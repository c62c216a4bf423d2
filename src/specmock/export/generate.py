"""``specmock fixtures``: the records the sandbox seeds, written to files, plus a manifest.

Collection records come from ``Sandbox.seeded`` (the sandbox's own seeding, so ``serve --seed N`` and
``fixtures --seed N`` agree); named schemas from the same generator with
``rng_for(seed, "schema", name, index)``. Everything written depends on the arguments only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specmock.config import MockConfig
from specmock.errors import ConfigError
from specmock.export.encode import FORMATS, Format, RecordWriter, document
from specmock.export.progress import Progress
from specmock.export.write_only import WriteOnly, schema_write_only
from specmock.generation import rng_for
from specmock.runtime import Api
from specmock.spec_files import api_name, bundled_names, resolve_spec
from specmock.state import ResourceKind
from specmock.version import __version__

MANIFEST = "manifest.json"
SCHEMAS = "schemas"


@dataclass(frozen=True, slots=True)
class FixtureOptions:
    spec: str  # a file, a folder or a bundled API name, as ``serve`` takes it
    out: Path
    seed: int = 0
    count: int = 20
    format: Format = "json"
    schemas: tuple[str, ...] = ()
    write_only: bool = False
    progress: bool | None = None  # None: when stderr is a terminal
    ref_roots: tuple[Path, ...] = ()  # folders besides the spec's own that its $refs may read

    def arguments(self, spec: str | None = None) -> list[str]:
        """The command line that writes these files again (``--out`` left for the caller to add)."""
        args = [
            spec or self.spec,
            "--seed",
            str(self.seed),
            "--count",
            str(self.count),
            "--format",
            self.format,
        ]
        for name in self.schemas:
            args += ["--schema", name]
        for root in self.ref_roots:
            args += ["--ref-root", str(root)]
        return [*args, "--write-only"] if self.write_only else args


def write_fixtures(options: FixtureOptions) -> dict[str, Any]:
    """Write every file and the manifest into ``options.out``; the manifest (as written) is returned."""
    from specmock.openapi.loader import load_spec

    path = resolve_spec(options.spec)
    config = MockConfig(seed=options.seed, records=options.count)
    api = Api(load_spec(path, ref_roots=options.ref_roots), config, name=api_name(path), base_path="")
    named = {name: _named_schema(api, name) for name in options.schemas}  # refuse typos before writing
    options.out.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    with Progress(options.progress) as progress:
        for name in api.sandbox.collections():
            entry = _write_collection(api, name, options, progress)
            if entry is not None:
                files.append(entry)
        for name, schema in named.items():
            files.append(_write_schema(api, name, schema, options, progress))
    spec = options.spec if options.spec in bundled_names() else path.name
    manifest = {
        "specmock": __version__,
        "api": api.name,
        "spec": spec,
        "seed": options.seed,
        "count": options.count,
        "format": options.format,
        "write_only": options.write_only,
        "command": ["specmock", "fixtures", *options.arguments(spec)],
        "files": files,
        "records": sum(int(f["records"]) for f in files),
    }
    (options.out / MANIFEST).write_bytes(document(manifest))
    return manifest


def _write_collection(
    api: Api, name: str, options: FixtureOptions, progress: Progress
) -> dict[str, Any] | None:
    resource = api.sandbox.plan.resources[name]
    records: Iterable[Any] = api.sandbox.seeded(name)
    if options.write_only and resource.write_only:
        fields = {f: resource.properties.get(f, {}) for f in sorted(resource.write_only)}
        adder = WriteOnly(api, name, resource.entity, fields, options.seed)
        records = _nested_aware(records, adder, nested=resource.parent is not None)
    total = None if resource.parent is not None else _expected(resource, options.count)
    target = options.out / f"{name}.{options.format}"
    count = _stream(target, options.format, records, progress, f"{api.name} {name}", total)
    if count == 0:
        # Nothing is seeded up front (items that appear when read, records under path values no
        # resource lists): no file, so the served resource behaves as without fixtures.
        target.unlink()
        return None
    return {"file": target.name, "collection": name, "records": count}


def _expected(resource: Any, count: int) -> int:
    if resource.kind is ResourceKind.SINGLETON:
        return 1
    return int(resource.records) if resource.records is not None else count


def _nested_aware(records: Iterable[Any], adder: WriteOnly, *, nested: bool) -> Iterator[Any]:
    for index, item in enumerate(records):
        if nested:
            yield {"parent": item["parent"], "record": adder(item["record"], index)}
        else:
            yield adder(item, index)


def _named_schema(api: Api, name: str) -> dict[str, Any]:
    schemas = api.document.get("components", {}).get("schemas", {})
    if name not in schemas:
        known = ", ".join(sorted(schemas)) or "none"
        raise ConfigError(f"--schema {name}: no such schema in components/schemas (known: {known})")
    schema: dict[str, Any] = schemas[name]
    return schema


def _write_schema(
    api: Api, name: str, schema: dict[str, Any], options: FixtureOptions, progress: Progress
) -> dict[str, Any]:
    draw = api.generator.compile(schema, direction="response", name=name)
    adder: Callable[[Any, int], Any] = lambda record, index: record  # noqa: E731
    if options.write_only:
        fields = schema_write_only(api.document, schema)
        if fields:
            adder = WriteOnly(api, f"schema.{name}", schema, fields, options.seed)
    records = (
        adder(draw(rng_for(options.seed, "schema", name, index)), index) for index in range(options.count)
    )
    folder = options.out / SCHEMAS
    folder.mkdir(exist_ok=True)
    target = folder / f"{name}.{options.format}"
    count = _stream(target, options.format, records, progress, f"{api.name} schema {name}", options.count)
    return {"file": f"{SCHEMAS}/{target.name}", "schema": name, "records": count}


def _stream(
    target: Path, fmt: Format, records: Iterable[Any], progress: Progress, label: str, total: int | None
) -> int:
    for other in FORMATS:
        if other != fmt:
            target.with_suffix(f".{other}").unlink(missing_ok=True)  # a stale file would be ambiguous
    progress.start(label, total)
    with target.open("wb") as stream:
        writer = RecordWriter(stream, fmt)
        for record in records:
            writer.write(record)
            progress.advance()
        count = writer.close()
    progress.done()
    return count
