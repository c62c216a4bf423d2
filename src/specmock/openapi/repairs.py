"""What the normalising passes share: the ``Repair`` record and walks over operations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jsonpointer import escape

from specmock.openapi.refs import deref, resolve_pointer
from specmock.openapi.scan import DocumentIndex
from specmock.openapi.structure import HTTP_METHODS
from specmock.types import Document


@dataclass(frozen=True, slots=True)
class Repair:
    pointer: (
        str  # JSON pointer into the document, e.g. "/components/schemas/AuthenticationRequestSource/default"
    )
    message: str  # what was wrong and what we did


@dataclass(frozen=True, slots=True)
class Op:
    pointer: str
    path: str  # the template ("/pets/{id}"), or the webhook's name
    item: Document
    method: str
    node: Document


def operations(document: Document, areas: tuple[str, ...] = ("paths", "webhooks")) -> Iterator[Op]:
    for area in areas:
        for path, raw in (document.get(area) or {}).items():
            if path.startswith("x-"):
                continue
            item = deref(document, raw)
            for method in HTTP_METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    yield Op(f"/{area}/{escape(path)}/{method}", path, item, method, item[method])


def final_target(document: Document, node: Any) -> Any:
    """The object a chain of pure references ends at: the one to change so every user sees it."""
    for _ in range(64):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and len(node) == 1):
            break
        node = resolve_pointer(document, node["$ref"])
    return node


Pass = Callable[[Document, str, DocumentIndex], list[Repair]]
