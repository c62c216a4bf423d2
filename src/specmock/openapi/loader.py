"""Read an OpenAPI 3.0/3.1 (or Swagger 2.0) document from disk into one bundled, normalised, servable dict.

    read bytes → parse (JSON or YAML) → version → scan → bundle sibling files → check every $ref
    → check the shape → normalise (each repair reported)

A Swagger 2.0 document is bundled and checked in its own terms first, then converted to 3.0
(``swagger2.convert``); from there it goes the same way, and what did not carry over is reported.

Everything that goes wrong is a ``SpecError`` naming the file, a JSON pointer and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import unquote

from jsonpointer import escape

from specmock.errors import SpecError
from specmock.openapi.bundle import bundle
from specmock.openapi.normalize import normalize
from specmock.openapi.parse import parse_document, read_document
from specmock.openapi.refs import UnresolvableRef, resolve_pointer
from specmock.openapi.repairs import Repair
from specmock.openapi.scan import DocumentIndex, scan_document
from specmock.openapi.structure import check_structure, check_top, document_version
from specmock.openapi.swagger2 import SWAGGER_PLACES, check_swagger_top, convert, is_swagger

__all__ = ["LoadedSpec", "Repair", "load_spec", "validation_findings"]

Version = Literal["3.0", "3.1"]


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    path: Path
    document: dict[str, Any]  # bundled + normalised; every $ref internal ("#/...")
    version: Version
    repairs: tuple[Repair, ...]
    converted_from: str | None = None  # "Swagger 2.0" when the file was converted at load
    not_carried_over: tuple[Repair, ...] = ()  # pointers into the original (Swagger 2.0) document
    files: tuple[Path, ...] = ()  # every file read: the document, then the ones its $refs name


def load_spec(path: str | Path, *, ref_roots: Iterable[str | Path] = ()) -> LoadedSpec:
    """The servable document at ``path``; raises ``SpecError`` (and nothing else) when there is none.

    ``$ref``s may read files inside the document's folder tree, and inside ``ref_roots``.
    """
    file = str(path)
    try:
        return _load(Path(path), file, tuple(Path(r) for r in ref_roots))
    except SpecError:
        raise
    except RecursionError as exc:
        raise SpecError(file, "", "the document is nested too deeply to be read") from exc
    except Exception as exc:  # a bug of ours must still read as one paragraph, not a traceback
        raise SpecError(
            file,
            "",
            f"specmock failed while reading the document ({type(exc).__name__}: {exc}); "
            "this is a bug in specmock, please report it with the document",
        ) from exc


def _load(path: Path, file: str, ref_roots: tuple[Path, ...]) -> LoadedSpec:
    data = read_document(path, file)
    numeric_keys: list[str] = []
    document = parse_document(data, file, numeric_keys)
    converted_from: str | None = None
    losses: list[Repair] = []
    swagger_files: tuple[Path, ...] = ()
    if is_swagger(document):
        document, losses, swagger_files = _from_swagger(document, path, file, ref_roots)
        converted_from = "Swagger 2.0"
    version = cast(Version, document_version(document, file))
    index = scan_document(document)
    index.numeric_keys.update(numeric_keys)
    check_top(document, version, file)  # bundling writes into components: it must be a mapping
    files = bundle(document, path, index, roots=ref_roots)
    check_refs(document, index, file)
    check_structure(document, version, file)
    repairs = normalize(document, version, index)
    read = tuple(dict.fromkeys((*swagger_files, *files)))
    return LoadedSpec(path, document, version, tuple(repairs), converted_from, tuple(losses), read)


def _from_swagger(
    document: dict[str, Any], path: Path, file: str, ref_roots: tuple[Path, ...]
) -> tuple[dict[str, Any], list[Repair], tuple[Path, ...]]:
    """The 3.0 reading of a Swagger 2.0 document (and the files read for it); its sibling files and
    $refs are checked in 2.0 terms."""
    check_swagger_top(document, file)
    index = scan_document(document)
    files = bundle(document, path, index, SWAGGER_PLACES, ref_roots)
    check_refs(document, index, file)
    converted, losses = convert(document)
    return converted, losses, files


def check_refs(document: dict[str, Any], index: DocumentIndex, file: str) -> None:
    """Every ``$ref`` resolves inside the document; percent-encoded pointers are decoded in place."""
    resolved: set[str] = set()
    for pointer, holder in index.refs:
        ref = holder.get("$ref")
        if not isinstance(ref, str) or ref in resolved:
            continue
        try:
            resolve_pointer(document, ref)
        except UnresolvableRef:
            decoded = unquote(ref)
            if decoded == ref or not _resolves(document, decoded):
                raise SpecError(file, pointer, f"$ref {ref!r} points to nothing in this document") from None
            holder["$ref"] = ref = decoded
        resolved.add(ref)
    _check_loops(document, resolved, file)


def _check_loops(document: dict[str, Any], refs: set[str], file: str) -> None:
    """No reference leads, through nodes that are themselves references, back to itself.

    Such a loop (A: {$ref: B}, B: {$ref: A}) defines nothing: reading it never reaches a schema.
    Recursion through a schema (Node: {properties: {children: {items: {$ref: Node}}}}) is legal and
    is not a loop: the reference sits inside a definition.
    """
    ends: set[str] = set()  # references known to reach a definition
    for start in sorted(refs):
        chain: list[str] = []
        ref = start
        while ref not in ends:
            if ref in chain:
                loop = [*chain[chain.index(ref) :], ref]
                raise SpecError(
                    file,
                    loop[0][1:],
                    f"this $ref loop never reaches a definition: {' → '.join(loop)} "
                    "(each is only a reference to the next); give one of them a schema",
                )
            chain.append(ref)
            try:
                target = resolve_pointer(document, ref)
            except UnresolvableRef:  # inside an example: not a reference to follow
                break
            nxt = target.get("$ref") if isinstance(target, dict) else None
            if not isinstance(nxt, str) or not nxt.startswith("#"):
                break
            ref = nxt
        ends.update(chain)


def _resolves(document: dict[str, Any], ref: str) -> bool:
    try:
        resolve_pointer(document, ref)
    except UnresolvableRef:
        return False
    return True


def validation_findings(spec: LoadedSpec, limit: int = 50) -> list[Repair]:
    """What openapi-spec-validator still finds in the normalised document (slow: for ``specmock check``)."""
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_class = OpenAPIV31SpecValidator if spec.version == "3.1" else OpenAPIV30SpecValidator
    findings: list[Repair] = []
    places: dict[int, str] = {}
    try:
        for error in validator_class(spec.document).iter_errors():
            message = str(getattr(error, "message", error)).split("\n", 1)[0]
            findings.append(Repair(_where(spec.document, error, places), message))
            if len(findings) >= limit:
                break
    except Exception as exc:  # the validator itself can fail on odd input; that is a finding too
        findings.append(Repair("", f"openapi-spec-validator stopped: {type(exc).__name__}: {exc}"))
    return findings


def _where(document: Any, error: Any, places: dict[int, str]) -> str:
    """The error's pointer in the document. Errors inside schemas carry a path relative to their schema
    only; then an object or list instance is found by identity instead."""
    instance = getattr(error, "instance", None)
    path = "".join("/" + escape(str(token)) for token in getattr(error, "absolute_path", None) or ())
    if path and _resolves(document, "#" + path):
        return path
    if isinstance(instance, dict | list):
        if not places:
            _index_places(document, "", places)
        return places.get(id(instance), path)
    return path


def _index_places(node: Any, pointer: str, places: dict[int, str]) -> None:
    places.setdefault(id(node), pointer)
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(value, dict | list):
            _index_places(value, f"{pointer}/{escape(str(key))}", places)
