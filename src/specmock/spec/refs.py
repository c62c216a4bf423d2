"""Internal ``$ref`` resolution inside one (bundled) document.

The loader turns every reference into an internal one (``#/...``), so the rest of the engine only
ever follows JSON pointers into a single dict.
"""

from __future__ import annotations

from typing import Any

from jsonpointer import JsonPointer, JsonPointerException

from specmock.errors import SpecmockError

Schema = dict[str, Any]


class UnresolvableRef(SpecmockError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"unresolvable $ref {ref!r}")
        self.ref = ref


def resolve_pointer(document: Any, ref: str) -> Any:
    """The node that an internal reference (``#/components/schemas/Pet``) points to."""
    if not ref.startswith("#"):
        raise UnresolvableRef(ref)
    try:
        return JsonPointer(ref[1:]).resolve(document)
    except (JsonPointerException, TypeError, KeyError, IndexError) as exc:
        raise UnresolvableRef(ref) from exc


def deref(document: Any, node: Any, *, limit: int = 64) -> Any:
    """Follow ``$ref`` chains until a node that is not a pure reference."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        seen += 1
        if seen > limit:
            raise UnresolvableRef(node["$ref"])
        target = resolve_pointer(document, node["$ref"])
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if siblings and isinstance(target, dict):
            # OpenAPI 3.1 allows keywords beside $ref (description, readOnly, nullable ...).
            node = {**target, **siblings} if "$ref" not in target else {**siblings, "allOf": [target]}
        else:
            node = target
    return node
