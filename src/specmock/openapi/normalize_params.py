"""Repairs of parameters and request bodies: path templates, keywords beside ``$ref``, missing schemas."""

from __future__ import annotations

import re
from typing import Any, TypeGuard

from jsonpointer import escape

from specmock.openapi.refs import deref
from specmock.openapi.repairs import Op, Repair, final_target, operations
from specmock.openapi.scan import DocumentIndex
from specmock.types import Document

REFERENCE_KEYS = frozenset({"$ref", "description", "summary"})


def reference_siblings(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """``required: true`` (or any keyword but description/summary) beside a parameter/requestBody ``$ref``."""
    repairs = []
    for op in operations(document):
        body = op.node.get("requestBody")
        if _has_siblings(body):
            op.node["requestBody"] = _inline(document, body)
            repairs.append(_sibling_repair(f"{op.pointer}/requestBody", body, version))
        for pointer, params in _parameter_lists(op):
            for i, param in enumerate(params):
                if _has_siblings(param):
                    params[i] = _inline(document, param)
                    repairs.append(_sibling_repair(f"{pointer}/{i}", param, version))
    return repairs


def _has_siblings(node: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(node, dict) and isinstance(node.get("$ref"), str) and not node.keys() <= REFERENCE_KEYS


def _inline(document: Document, node: dict[str, Any]) -> dict[str, Any]:
    target = deref(document, {"$ref": node["$ref"]})
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def _sibling_repair(pointer: str, node: dict[str, Any], version: str) -> Repair:
    extra = ", ".join(f"{k}: {node[k]!r}" for k in node if k not in REFERENCE_KEYS)
    rule = (
        "OpenAPI 3.1 allows only description and summary there"
        if version == "3.1"
        else "OpenAPI 3.0 ignores keywords beside $ref"
    )
    return Repair(
        pointer,
        f"{extra} is written beside $ref {node['$ref']!r} ({rule}); "
        "the referenced object is inlined with it applied",
    )


def _parameter_lists(op: Op) -> list[tuple[str, list[Any]]]:
    item_pointer = op.pointer.rsplit("/", 1)[0]
    lists = [
        (f"{item_pointer}/parameters", op.item.get("parameters")),
        (f"{op.pointer}/parameters", op.node.get("parameters")),
    ]
    return [(pointer, params) for pointer, params in lists if isinstance(params, list)]


def path_parameters(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """Template and declared path parameters agree, and every path parameter is required."""
    repairs: list[Repair] = []
    by_item: dict[int, list[Op]] = {}
    for op in operations(document, ("paths",)):
        by_item.setdefault(id(op.item), []).append(op)
    for ops in by_item.values():
        names = re.findall(r"\{([^}/]+)\}", ops[0].path)
        repairs += _drop_undeclared_names(document, ops, names)
        repairs += _declare_missing(document, ops, names)
        repairs += _require_path_params(document, ops)
    return repairs


def _path_names(document: Document, params: Any) -> set[str]:
    found = (deref(document, p) for p in params or ())
    return {p["name"] for p in found if isinstance(p, dict) and p.get("in") == "path"}


def _declare_missing(document: Document, ops: list[Op], names: list[str]) -> list[Repair]:
    item = ops[0].item
    item_pointer = ops[0].pointer.rsplit("/", 1)[0]
    at_item = _path_names(document, item.get("parameters"))
    repairs = []
    for name in dict.fromkeys(names):
        lacking = [op for op in ops if name not in at_item | _path_names(document, op.node.get("parameters"))]
        owners = (
            [(item, item_pointer)] if len(lacking) == len(ops) else [(op.node, op.pointer) for op in lacking]
        )
        for owner, pointer in owners if lacking else ():
            if not isinstance(owner.get("parameters"), list):
                owner["parameters"] = []
            owner["parameters"].append(
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            )
            repairs.append(
                Repair(
                    f"{pointer}/parameters",
                    f"path parameter {name!r} is used in the template but not declared; declared as a string",
                )
            )
    return repairs


def _drop_undeclared_names(document: Document, ops: list[Op], names: list[str]) -> list[Repair]:
    repairs = []
    seen: set[int] = set()
    for op in ops:
        for pointer, params in _parameter_lists(op):
            if id(params) in seen:
                continue
            seen.add(id(params))
            for i in reversed(range(len(params))):
                param = deref(document, params[i])
                if isinstance(param, dict) and param.get("in") == "path" and param.get("name") not in names:
                    del params[i]
                    repairs.append(
                        Repair(
                            f"{pointer}/{i}",
                            f"path parameter {param.get('name')!r} is declared "
                            f"but {op.path!r} has no such placeholder; dropped",
                        )
                    )
    return repairs


def _require_path_params(document: Document, ops: list[Op]) -> list[Repair]:
    repairs = []
    seen: set[int] = set()
    for op in ops:
        for pointer, params in _parameter_lists(op):
            for i, raw in enumerate(params):
                param = final_target(document, raw)
                if not isinstance(param, dict) or param.get("in") != "path" or id(param) in seen:
                    continue
                seen.add(id(param))
                if param.get("required") is not True:
                    param["required"] = True
                    repairs.append(
                        Repair(
                            f"{pointer}/{i}/required",
                            f"path parameter {param.get('name')!r} is not marked required; it is",
                        )
                    )
    return repairs


def missing_schemas(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """Parameters and headers with neither ``schema`` nor ``content`` accept anything (``schema: {}``)."""
    repairs = []
    seen: set[int] = set()
    for pointer, raw in _parameters_and_headers(document):
        node = final_target(document, raw)
        if isinstance(node, dict) and id(node) not in seen and "schema" not in node and "content" not in node:
            seen.add(id(node))
            node["schema"] = {}
            repairs.append(Repair(pointer, "declares neither `schema` nor `content`; any value is accepted"))
    return repairs


def _parameters_and_headers(document: Document) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    components = document.get("components") or {}
    for section in ("parameters", "headers"):
        found += [
            (f"/components/{section}/{escape(k)}", v) for k, v in (components.get(section) or {}).items()
        ]
    for op in operations(document):
        for pointer, params in _parameter_lists(op):
            found += [(f"{pointer}/{i}", p) for i, p in enumerate(params)]
        for key, response in (op.node.get("responses") or {}).items():
            node = deref(document, response)
            headers = node.get("headers") if isinstance(node, dict) else None
            base = f"{op.pointer}/responses/{escape(str(key))}/headers"
            found += [(f"{base}/{escape(k)}", v) for k, v in (headers or {}).items()]
    return found
