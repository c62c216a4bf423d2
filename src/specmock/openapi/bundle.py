"""Pull ``$ref``s to sibling files into the document, so that every reference is internal (``#/...``).

A referenced node goes where its use says it belongs: a schema under ``components/schemas``, a
parameter under ``components/parameters`` … named after the fragment's last token or the file's stem
(made unique). A path item is inlined in place. Anything else lands under ``x-specmock-bundled``.
Cycles between files are safe: a node gets its internal name before its own references are followed.

Documents are untrusted: a reference may read only files inside the folder tree of the document
(or of a folder the user named, ``roots``), after symbolic links are followed. URIs (``http:``,
``file:`` …) are refused whatever the roots.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonpointer import escape

from specmock.errors import SpecError
from specmock.openapi.dialect import SINGLE
from specmock.openapi.parse import parse_document, read_document
from specmock.openapi.refs import UnresolvableRef, resolve_pointer
from specmock.openapi.scan import BUNDLED, DocumentIndex, split_pointer

# Where a schema sits: the JSON Schema keywords holding one subschema, plus OpenAPI's `schema` slot.
SCHEMA_SLOTS = SINGLE | {"schema", "contentSchema"}
SCHEMA_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "allOf",
        "anyOf",
        "oneOf",
        "prefixItems",
        "schemas",
    }
)
SECTION_OF_MAP = {
    "parameters": "parameters",
    "responses": "responses",
    "requestBodies": "requestBodies",
    "headers": "headers",
    "examples": "examples",
    "links": "links",
    "callbacks": "callbacks",
    "securitySchemes": "securitySchemes",
    "pathItems": "pathItems",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_FILE_REF = re.compile(r"#|\.(ya?ml|json)$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # a scheme of two letters or more: not a drive letter


Places = Mapping[str, tuple[str, ...]]  # section ("schemas") → where its nodes go in the document


class Bundler:
    def __init__(
        self,
        document: dict[str, Any],
        path: Path,
        index: DocumentIndex,
        places: Places | None = None,
        roots: tuple[Path, ...] = (),
    ) -> None:
        self.document = document
        self.places = places
        self.root = path.resolve()
        self.trees = (self.root.parent, *(r.resolve() for r in roots))  # folders references may read
        self.file = str(path)
        self.index = index
        self.files: dict[Path, Any] = {self.root: document}
        self.placed: dict[tuple[Path, str], str] = {}  # (file, fragment) → internal ref

    def run(self) -> None:
        for pointer, holder in list(self.index.refs):
            ref = holder["$ref"]
            if not ref.startswith("#"):
                self._rewrite(holder, self.root, pointer)
        for pointer, holder in list(self.index.discriminators):
            self._rewrite_mapping(holder, self.root, pointer)

    def _rewrite(self, holder: dict[str, Any], base: Path, pointer: str) -> None:
        target, fragment = self._locate(holder["$ref"], base, pointer)
        if target == self.root:
            holder["$ref"] = "#" + fragment
            return
        tokens = split_pointer(pointer)
        if len(tokens) == 2 and tokens[0] in ("paths", "webhooks"):  # a path item: inline it
            node = self._node(target, fragment, pointer, holder["$ref"])
            siblings = {k: v for k, v in holder.items() if k != "$ref"}
            holder.clear()
            holder.update(self._copy(node, target, pointer))
            holder.update(siblings)
            self.index.scan(holder, pointer)
            return
        holder["$ref"] = self._place(target, fragment, _section(tokens), holder["$ref"], pointer)

    def _locate(self, ref: str, base: Path, pointer: str) -> tuple[Path, str]:
        where, _, fragment = ref.partition("#")
        if _URI.match(where):
            raise SpecError(
                self.file,
                pointer,
                f"$ref {ref!r} is a URI, a remote reference; only files inside the document's "
                "folder tree can be referenced, by relative path (download a remote document and "
                "refer to the local copy)",
            )
        target = (base.parent / unquote(where)).resolve() if where else base
        if not any(target.is_relative_to(tree) for tree in self.trees):
            allowed = " or ".join(str(tree) for tree in self.trees)
            raise SpecError(
                self.file,
                pointer,
                f"$ref {ref!r} reads {target}, which is outside the folder tree of the document "
                f"({allowed}); references may only read files inside it (--ref-root DIR allows "
                "another folder)",
            )
        return target, unquote(fragment)

    def _place(self, target: Path, fragment: str, section: str | None, ref: str, pointer: str) -> str:
        key = (target, fragment)
        if key in self.placed:
            return self.placed[key]
        base = fragment.rsplit("/", 1)[-1] if fragment.strip("/") else target.stem
        tokens = self._container(section)
        prefix = "".join(f"/{escape(token)}" for token in tokens)
        area: Any = self.document
        for token in tokens:
            area = area.setdefault(token, {}) if isinstance(area, dict) else None
        if not isinstance(area, dict):
            reason = "this extension name is specmock's own; rename it" if tokens == (BUNDLED,) else ""
            raise SpecError(self.file, prefix, reason or f"must be a mapping to hold what {ref!r} names")
        name = _unique(_UNSAFE.sub("_", base) or "bundled", area)
        area[name] = {}  # reserve the name before following the node's own references (cycles)
        internal = f"#{prefix}/{escape(name)}"
        self.placed[key] = internal
        node = self._node(target, fragment, pointer, ref)
        area[name] = self._copy(node, target, internal[1:])
        self.index.scan(area[name], internal[1:])
        return internal

    def _container(self, section: str | None) -> tuple[str, ...]:
        """Where a node of ``section`` is placed: ``components/<section>`` unless told otherwise."""
        if section is None:
            return (BUNDLED,)
        if self.places is None:
            return ("components", section)
        return self.places.get(section, (BUNDLED,))

    def _node(self, target: Path, fragment: str, pointer: str, ref: str) -> Any:
        content = self._load(target, pointer, ref)
        try:
            return resolve_pointer(content, "#" + fragment)
        except UnresolvableRef as exc:
            raise SpecError(
                self.file, pointer, f"$ref {ref!r}: {target.name} has nothing at #{fragment}"
            ) from exc

    def _load(self, target: Path, pointer: str, ref: str) -> Any:
        if target not in self.files:
            data = read_document(target, self.file, pointer, f"$ref {ref!r} names a file that")
            self.files[target] = parse_document(data, str(target))
        return self.files[target]

    def _copy(self, node: Any, source: Path, pointer: str) -> Any:
        """A copy of ``node`` from ``source`` with every reference made internal to the document."""
        if isinstance(node, list):
            return [self._copy(item, source, f"{pointer}/{i}") for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out = {
            key: value
            if key in ("example", "default", "enum", "const")
            else self._copy(value, source, f"{pointer}/{escape(key)}")
            for key, value in node.items()
        }
        if isinstance(out.get("$ref"), str):
            target, fragment = self._locate(out["$ref"], source, pointer)
            if target == self.root:
                out["$ref"] = "#" + fragment
            else:
                out["$ref"] = self._place(
                    target, fragment, _section(split_pointer(pointer)), out["$ref"], pointer
                )
        self._rewrite_mapping(out, source, pointer)
        return out

    def _rewrite_mapping(self, node: dict[str, Any], source: Path, pointer: str) -> None:
        mapping = (
            node.get("discriminator", {}).get("mapping")
            if isinstance(node.get("discriminator"), dict)
            else None
        )
        if not isinstance(mapping, dict):
            return
        for value, ref in mapping.items():
            local = isinstance(ref, str) and ref.startswith("#")
            if not isinstance(ref, str) or (local and source == self.root) or not _FILE_REF.search(ref):
                continue  # already internal, or a bare schema name (normalize handles those)
            target, fragment = self._locate(ref, source, pointer)
            internal = "#" + fragment if target == self.root else None
            mapping[value] = internal or self._place(target, fragment, "schemas", ref, pointer)


def _section(tokens: list[str]) -> str | None:
    """Which ``components`` section a node referenced at ``tokens`` belongs in (None: unknown)."""
    if not tokens:
        return None
    last, parent = tokens[-1], tokens[-2] if len(tokens) > 1 else ""
    if last in SCHEMA_SLOTS or parent in SCHEMA_MAPS:
        return "schemas"
    if last == "requestBody":
        return "requestBodies"
    return SECTION_OF_MAP.get(parent)


def _unique(base: str, area: dict[str, Any]) -> str:
    name, n = base, 1
    while name in area:
        n += 1
        name = f"{base}_{n}"
    return name


def bundle(
    document: dict[str, Any],
    path: Path,
    index: DocumentIndex,
    places: Places | None = None,
    roots: tuple[Path, ...] = (),
) -> tuple[Path, ...]:
    """Rewrite every external ``$ref`` of ``document`` (in place), adding what they name; the files
    read for it (the document's own first, resolved).

    ``places`` overrides where each kind of node goes (a Swagger 2.0 document keeps schemas under
    ``definitions``); by default under ``components``. ``roots``: folders besides the document's own
    whose files references may read.
    """
    if any(not holder["$ref"].startswith("#") for _, holder in index.refs) or index.discriminators:
        # discriminator mappings are plain strings, so they may name files without any $ref doing so
        bundler = Bundler(document, path, index, places, roots)
        bundler.run()
        return tuple(bundler.files)
    return (path.resolve(),)
