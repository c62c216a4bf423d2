"""What the dashboard reads, as JSON values: one API described (operations, inferred resources) and
the sandbox's settings (latency, faults, reload)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from specmock.config import MockConfig
from specmock.devloop.disruption import Disruptor
from specmock.openapi.refs import UnresolvableRef, resolve_pointer

if TYPE_CHECKING:
    from specmock.runtime import Api

PREFIX = "/__specmock"


def describe_api(api: Api, disruptor: Disruptor) -> dict[str, Any]:
    """An API as the dashboard lists it: where it is mounted, its operations (with what the store
    does for each) and the resources inferred from its paths."""
    plan = api.sandbox.plan
    info = api.document.get("info") or {}
    operations = []
    for key, operation in api.operations.items():
        route = plan.routes.get(key)
        latency = disruptor.operations.get(f"{api.name}:{key}")
        operations.append(
            {
                "key": key,
                "method": operation.method,
                "path": (api.base_path or "") + operation.path,
                "summary": _summary(api.document, operation.pointer),
                "role": route.role if route else None,
                "resource": route.resource if route else None,
                "latency": latency.text if latency else None,
            }
        )
    resources = [
        {
            "name": name,
            "kind": resource.kind,
            "path": (api.base_path or "") + resource.path,
            "item_path": (api.base_path or "") + resource.item_path if resource.item_path else None,
            "id_field": resource.id_field,
            "parent": resource.parent,
            "summary": resource.summary(),
            "state": f"{PREFIX}/apis/{api.name}/state/{name}",
        }
        for name, resource in plan.resources.items()
    ]
    return {
        "name": api.name,
        "title": str(info.get("title", api.name)) if isinstance(info, dict) else api.name,
        "version": str(info.get("version", "")) if isinstance(info, dict) else "",
        "base_path": api.base_path or "/",
        "file": str(api.spec.path),
        "openapi": f"{PREFIX}/apis/{api.name}/openapi.json",
        "swagger_ui": f"{PREFIX}/ui/{api.name}",
        "operations": operations,
        "resources": resources,
        "actions": list(plan.actions),
    }


def _summary(document: dict[str, Any], pointer: str) -> str:
    try:
        node = resolve_pointer(document, "#" + pointer)
    except UnresolvableRef:
        return ""
    if not isinstance(node, dict):
        return ""
    text = node.get("summary") or node.get("description") or ""
    return str(text).strip().split("\n", 1)[0][:200]


def settings(config: MockConfig, disruptor: Disruptor, reload: dict[str, Any] | None) -> dict[str, Any]:
    """The sandbox's current settings: seed, records, latency and fault injection, hot reload."""
    return {
        "seed": config.seed,
        "records": config.records,
        "cors": config.cors,
        "watch": config.watch,
        "reload": reload,
        **disruptor.settings(),
        "prefer": {
            "delay": "Prefer: delay=300 (milliseconds)",
            "fault": "Prefer: fault=reset | timeout | empty | malformed",
        },
    }
