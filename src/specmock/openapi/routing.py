"""The routing document handed to Connexion, derived from the served one.

Connexion validates documents against its 3.0 meta-schema (3.1 is refused) and turns typed path
parameters into converters (``/pets/abc`` on an integer id would be a 404, not a validation error).
So it routes a minimal 3.0 document: every path parameter a plain string, literal paths ordered
before templated siblings (``/users/me`` before ``/users/{id}``), and each operation keyed
``"<api index>:<operation key>"``. The original document is what requests are validated against.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Operation, same_route, template_names

ROUTING_KEY_SEPARATOR = ":"


def routing_key(api_index: int, operation_key: str) -> str:
    return f"{api_index}{ROUTING_KEY_SEPARATOR}{operation_key}"


def specificity(path: str) -> tuple[tuple[int, int], ...]:
    """Sort key: segment by segment, a literal beats a template; then fewer template characters."""
    return tuple((1 if "{" in seg else 0, seg.count("{")) for seg in path.strip("/").split("/"))


def variants(operations: Mapping[str, Operation]) -> dict[str, tuple[str, ...]]:
    """Operations that answer the same method and URLs (``/pets#cats`` and ``/pets#dogs``, or
    ``/pets/{id}`` and ``/pets/{name}``), grouped under the first one's key, in document order;
    a request picks among them by what it satisfies."""
    groups: dict[tuple[str, str], list[str]] = {}
    for op in operations.values():
        groups.setdefault((op.method, same_route(op.path)), []).append(op.key)
    return {keys[0]: tuple(keys) for keys in groups.values()}


def routing_document(api_index: int, title: str, operations: Mapping[str, Operation]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for first in variants(operations):
        op = operations[first]
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in dict.fromkeys(template_names(op.route))
        ]
        paths.setdefault(op.route, {})[op.method.lower()] = {
            "operationId": routing_key(api_index, op.key),
            "parameters": parameters,
            "responses": {"default": {"description": "routed by specmock"}},
        }
    ordered = dict(sorted(paths.items(), key=lambda item: specificity(item[0])))
    return {"openapi": "3.0.3", "info": {"title": title or "api", "version": "routing"}, "paths": ordered}


@dataclass(frozen=True, slots=True)
class Route:
    api_index: int
    base_path: str
    template: str  # the URL template, no fragment
    regex: re.Pattern[str]
    methods: dict[str, str]  # METHOD → the key of the first operation (of its variants)


class RouteTable:
    """Every URL template of the served APIs, bucketed by segment count: which templates match a path,
    and which of them is the path's own (the most specific, as OpenAPI matches concrete paths before
    templated ones)."""

    def __init__(self, apis: list[tuple[str, Mapping[str, Operation]]]) -> None:
        routes: dict[tuple[int, str], Route] = {}
        for index, (base_path, operations) in enumerate(apis):
            for first in variants(operations):
                op = operations[first]
                key = (index, op.route)
                if key not in routes:
                    routes[key] = Route(index, base_path, op.route, op.path_regex, {})
                routes[key].methods.setdefault(op.method, first)
        self._by_depth: dict[int, list[Route]] = {}
        for route in sorted(routes.values(), key=lambda r: specificity(r.template)):
            self._by_depth.setdefault(_depth(route.base_path + route.template), []).append(route)

    def matching(self, path: str) -> list[Route]:
        """Templates matching the path, most specific first."""
        found = []
        for route in self._by_depth.get(_depth(path), ()):
            if route.base_path and not path.startswith(route.base_path):
                continue
            if route.regex.match(path[len(route.base_path) :]):
                found.append(route)
        return found

    def own(self, path: str) -> list[Route]:
        """The path's own templates: the most specific of those matching it."""
        found = self.matching(path)
        best = specificity(found[0].template) if found else None
        return [route for route in found if specificity(route.template) == best]

    def allowed(self, path: str) -> list[str]:
        return sorted({method for route in self.own(path) for method in route.methods})

    def route(self, method: str, path: str) -> str | None:
        """The routing key of the operation answering (method, path) on the path's own template
        (HEAD is answered by GET), or None."""
        for route in self.own(path):
            for wanted in (method, "GET") if method == "HEAD" else (method,):
                if wanted in route.methods:
                    return routing_key(route.api_index, route.methods[wanted])
        return None


def _depth(path: str) -> int:
    return path.rstrip("/").count("/")
