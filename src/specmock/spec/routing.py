"""The routing document handed to Connexion, derived from the served one.

Connexion validates documents against its 3.0 meta-schema (3.1 is refused) and turns typed path
parameters into converters (``/pets/abc`` on an integer id would be a 404, not a validation error).
So it routes a minimal 3.0 document: every path parameter a plain string, literal paths ordered
before templated siblings (``/users/me`` before ``/users/{id}``), and each operation keyed
``"<api index>:<operation key>"``. The original document is what requests are validated against.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from specmock.spec.model import Operation, template_names

ROUTING_KEY_SEPARATOR = ":"


def routing_key(api_index: int, operation_key: str) -> str:
    return f"{api_index}{ROUTING_KEY_SEPARATOR}{operation_key}"


def specificity(path: str) -> tuple[tuple[int, int], ...]:
    """Sort key: segment by segment, a literal beats a template; then fewer template characters."""
    return tuple((1 if "{" in seg else 0, seg.count("{")) for seg in path.strip("/").split("/"))


def routing_document(api_index: int, title: str, operations: Mapping[str, Operation]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in operations.values():
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in dict.fromkeys(template_names(op.path))
        ]
        paths.setdefault(op.path, {})[op.method.lower()] = {
            "operationId": routing_key(api_index, op.key),
            "parameters": parameters,
            "responses": {"default": {"description": "routed by specmock"}},
        }
    ordered = dict(sorted(paths.items(), key=lambda item: specificity(item[0])))
    return {"openapi": "3.0.3", "info": {"title": title or "api", "version": "routing"}, "paths": ordered}
