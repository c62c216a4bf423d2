"""One walk over a document that finds the nodes the loader works on: ``$ref`` holders, and schemas with
a ``default``, a ``discriminator`` or a ``required`` list.

The walk knows which objects are maps of names (``properties``, ``paths``, ``responses``…) and which
values are data (``example``, ``default``, ``enum``…), so a property called ``default`` or an example that
happens to contain ``$ref`` is never mistaken for a keyword.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonpointer import escape, unescape

Node = dict[str, Any]
NAME_MAPS = frozenset(
    {
        "paths",
        "webhooks",
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "responses",
        "content",
        "headers",
        "links",
        "encoding",
        "callbacks",
        "schemas",
        "parameters",
        "requestBodies",
        "securitySchemes",
        "pathItems",
        "examples",
        "mapping",
        "variables",
    }
)
DATA = frozenset(
    {
        "example",
        "default",
        "enum",
        "const",
        "value",
        "servers",
        "security",
        "tags",
        "info",
        "externalDocs",
        "description",
        "summary",
        "required",
        "type",
        "operationId",
    }
)
BUNDLED = "x-specmock-bundled"


@dataclass(slots=True)
class DocumentIndex:
    refs: list[tuple[str, Node]] = field(default_factory=list)  # (pointer of the holder, holder)
    defaults: list[tuple[str, Node]] = field(default_factory=list)
    discriminators: list[tuple[str, Node]] = field(default_factory=list)
    required_lists: list[tuple[str, Node]] = field(default_factory=list)
    numeric_keys: set[str] = field(default_factory=set)  # YAML keys written as plain numbers (parse)

    def scan(self, node: Any, pointer: str = "") -> None:
        """Index ``node`` (a keyword object such as the document, a schema, a path item) at ``pointer``."""
        if isinstance(node, dict):
            self._object(node, pointer)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                self.scan(item, f"{pointer}/{i}")

    def _object(self, node: Node, pointer: str) -> None:
        if isinstance(node.get("$ref"), str):
            self.refs.append((pointer, node))
        if "default" in node:
            self.defaults.append((pointer, node))
        if isinstance(node.get("discriminator"), dict):
            self.discriminators.append((pointer, node))
        if isinstance(node.get("required"), list):
            self.required_lists.append((pointer, node))
        for key, value in node.items():
            if not isinstance(value, dict | list) or key in DATA or (key[:2] == "x-" and key != BUNDLED):
                continue
            child = f"{pointer}/{escape(key)}"
            if key in NAME_MAPS and isinstance(value, dict):
                self._names(value, child)
            elif key == "examples" and isinstance(value, list):
                continue  # 3.1 schema examples are data
            else:
                self.scan(value, child)

    def _names(self, node: Node, pointer: str) -> None:
        for name, value in node.items():
            if isinstance(value, dict | list):
                self.scan(value, f"{pointer}/{escape(name)}")


def scan_document(document: Any) -> DocumentIndex:
    index = DocumentIndex()
    index.scan(document)
    return index


def split_pointer(pointer: str) -> list[str]:
    return [unescape(token) for token in pointer.split("/")[1:]] if pointer else []
