"""From placements to a plan: one ``Resource`` per group of operations, one ``Route`` per operation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.refs import deref
from specmock.openapi.statuses import NOT_FOUND, documented_key
from specmock.openapi.views import merged_object, schema_types
from specmock.state.inferred.answers import body_schema, choose_entity, view_for
from specmock.state.inferred.extensions import X_UNIQUE, Declared
from specmock.state.inferred.identity import find_id_field, is_read_only, is_write_only
from specmock.state.inferred.infer import Inference, Key, Placement, action_target, name_keys, route_for
from specmock.state.inferred.lifelike import lifelike_for
from specmock.state.inferred.naming import norm, shape_of, singular
from specmock.state.inferred.projection import below_top, strip_for
from specmock.state.inferred.resources import Resource, Route
from specmock.state.inferred.roles import COLLECTION_ROLES, ITEM_ROLES, SINGLETON_ROLES, ResourceKind, Role
from specmock.types import Schema


@dataclass(slots=True)
class Plan:
    resources: dict[str, Resource] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def make_plan(document: dict[str, Any], operations: Mapping[str, Operation]) -> Plan:
    inference = Inference(document, operations)
    placements = inference.placements()
    plan = Plan(problems=[p for pl in placements for p in pl.declared.problems])
    groups: dict[Key, list[Placement]] = {}
    for placement in placements:
        if placement.role is not Role.ACTION:
            groups.setdefault(placement.key, []).append(placement)
    names = name_keys(list(groups), placements)
    for key, members in groups.items():
        routed = [(p, r) for p in members if (r := route_for(p)) is not None]
        if not routed:
            continue
        resource = build_resource(document, names[key], [p for p, _ in routed])
        plan.resources[resource.name] = resource
        for placement, route in routed:
            op = placement.operation
            view = view_for(document, op, placement.role, resource.entity)
            lenient = _cannot_say_not_found(op)
            plan.routes[op.key] = replace(route, resource=resource.name, lenient=lenient, view=view)
            resource.roles[placement.operation.key] = placement.role
    items = _item_index(plan, operations)
    for name, members in ((names[k], m) for k, m in groups.items() if names[k] in plan.resources):
        _link_parent(plan.resources[name], members, items, plan.resources)
    _route_actions(plan, placements, items)
    return plan


def _item_index(plan: Plan, operations: Mapping[str, Operation]) -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for key, route in plan.routes.items():
        if route.role in ITEM_ROLES:
            shape = shape_of(operations[key].path)
            index.setdefault((shape.pattern, shape.suffix), route.resource)
    return index


def _link_parent(
    resource: Resource,
    members: list[Placement],
    items: dict[tuple[str, str], str],
    resources: dict[str, Resource],
) -> None:
    declared = next((p.declared.parent for p in members if p.declared.parent), None)
    parent = declared if declared in resources else None
    if parent is None:
        for placement in members:
            shape = placement.shape.parent() if placement.role in ITEM_ROLES else placement.shape
            above = shape.parent() if shape is not None else None
            if above is not None and above.last_is_param:
                parent = items.get((above.pattern, above.suffix))
                break
    if parent is None or parent == resource.name:
        return
    resource.parent = parent
    owner = resources[parent]
    stem = singular(owner.name.split(".")[-1])
    wanted = {norm(f"{stem}id")}
    if owner.item_path:
        wanted.add(norm(shape_of(owner.item_path).params[-1]))
    resource.parent_ref = next(
        (n for n in resource.properties if norm(n) in wanted and n != resource.id_field), None
    )


def _route_actions(plan: Plan, placements: list[Placement], items: dict[tuple[str, str], str]) -> None:
    for placement in placements:
        if placement.role is not Role.ACTION:
            continue
        target = action_target(placement.shape)
        owner = items.get(target[0]) if target else None
        op = placement.operation
        if target is not None and owner is not None:
            lenient = _cannot_say_not_found(op)
            plan.routes[op.key] = Route(
                Role.ACTION, owner, target[1], target[2], lenient, action=placement.declared.action
            )
            spec = placement.declared.action
            done = (
                ", ".join(
                    [f"answer {a} = item {f}" for a, f in spec.answer]
                    + [f"item {f} = body {b}" for f, b in spec.update]
                )
                if spec is not None
                else ""
            )
            what = done or "generated"
            gone = "no 404 documented: answered" if lenient else "404"
            plan.actions.append(f"action {op.method} {op.path}: {what}; {gone} when its {owner} item is gone")
        else:
            plan.actions.append(f"action {op.method} {op.path}: generated")


def build_resource(document: dict[str, Any], name: str, members: list[Placement]) -> Resource:
    roles = {p.role for p in members}
    singleton = roles <= SINGLETON_ROLES
    by_role: dict[Role, Operation] = {p.role: p.operation for p in members}
    item_op = next((p.operation for p in members if p.role in ITEM_ROLES), None)
    main = next((p.operation for p in members if p.role in COLLECTION_ROLES | SINGLETON_ROLES), item_op)
    assert main is not None
    entity = choose_entity(document, by_role, lambda c: bool(entity_properties(document, c)[0]))
    properties, additional = entity_properties(document, entity)
    bodies = [body_schema(p.operation) for p in members]
    resource = Resource(
        name=name,
        kind=ResourceKind.SINGLETON if singleton else ResourceKind.COLLECTION,
        path=main.path if main is not item_op else (shape_of(main.path).parent() or shape_of("/")).path,
        item_path=item_op.path if item_op else None,
        entity=entity,
        properties=properties,
        closed=additional is False,
        read_only=frozenset(n for n, s in properties.items() if is_read_only(document, s)),
        write_only=frozenset(_write_only(document, entity, bodies)),
        records=next((p.declared.records for p in members if p.declared.records is not None), None),
        materialize=not singleton and Role.CREATE not in roles,
        declared=any(p.declared.collection for p in members),
    )
    if not singleton:
        declared_id = next((p.declared.id for p in members if p.declared.id), None)
        param = shape_of(item_op.path).params[-1] if item_op else None
        resource.id_field = declared_id or find_id_field(document, properties, param, name)
        if resource.id_field in properties:
            resource.id_types = frozenset(schema_types(document, properties[resource.id_field]) - {"null"})
    shown = strip_for(document, entity, "writeOnly")
    if shown is not None:  # writeOnly in a oneOf/anyOf variant too
        resource.write_only |= shown.names
    resource.shown = below_top(shown, resource.write_only)
    resource.taken = below_top(strip_for(document, entity, "readOnly"), resource.read_only)
    declared_unique = [u for p in members for u in p.declared.unique]
    flagged = [
        n
        for n, s in properties.items()
        if isinstance(deref(document, s), dict) and deref(document, s).get(X_UNIQUE) is True
    ]
    resource.unique = tuple(dict.fromkeys(u for u in [*declared_unique, *flagged] if u != resource.id_field))
    _apply_declared(resource, [p.declared for p in members])
    owned = resource.read_only | frozenset(resource.hidden) | {resource.id_field or ""}
    resource.lifelike = lifelike_for(document, entity, owned)
    return resource


def _apply_declared(resource: Resource, declared: list[Declared]) -> None:
    """The behaviour extensions: discard, hidden, derive, expires, messages, ordering."""
    resource.discard = frozenset(n for d in declared for n in d.discard)
    for d in declared:
        for name, schema in d.hidden.items():
            resource.hidden.setdefault(name, schema)
        resource.messages = {**d.messages, **resource.messages}
    resource.derive = tuple({x.target: x for d in declared for x in d.derive}.values())
    resource.expires = next((d.expires for d in declared if d.expires is not None), None)
    resource.ordering = next((d.ordering for d in declared if d.ordering), ())


def entity_properties(document: dict[str, Any], schema: Schema) -> tuple[dict[str, Schema], Any]:
    """Properties of the entity, with those of every ``oneOf``/``anyOf`` variant (first one wins)."""
    properties, _, additional = merged_object(document, schema)
    node = deref(document, schema)
    variants = [*(node.get("oneOf") or ()), *(node.get("anyOf") or ())] if isinstance(node, dict) else []
    for variant in variants:
        inner, _, _ = merged_object(document, variant)
        for name, sub in inner.items():
            properties.setdefault(name, sub)
    return properties, (additional if not variants else True)


def _cannot_say_not_found(operation: Operation) -> bool:
    """No documented answer says "not found" (404, 410, 4XX or default, as the pipeline picks one for
    a NOT_FOUND): a 400 or a 401 does not."""
    return documented_key(operation.responses, NOT_FOUND) is None


def _write_only(document: dict[str, Any], entity: Schema, bodies: list[Schema | None]) -> set[str]:
    """writeOnly in the entity, or in a request body for a field the entity does not declare readable."""
    declared, _, _ = merged_object(document, entity)
    names = {n for n, s in declared.items() if is_write_only(document, s)}
    for schema in bodies:
        if schema is None:
            continue
        node = deref(document, schema)
        variants = (
            [schema, *(node.get("oneOf") or ()), *(node.get("anyOf") or ())] if isinstance(node, dict) else []
        )
        for variant in variants:
            properties, _, _ = merged_object(document, variant)
            names |= {n for n, s in properties.items() if is_write_only(document, s) and n not in declared}
    return names
