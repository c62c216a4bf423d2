"""Real-world documents, the schemas to generate from, and validators to check the values with.

Values are checked the way schemathesis checks responses: ``oneOf`` / ``anyOf`` / ``allOf`` as
plain JSON Schema (openapi-schema-validator would only try the branch a discriminator names), and
every discriminator value reached through ``$ref`` / ``properties`` / ``items`` must be a name the
discriminator knows (a mapping key, or the schema name of one of its oneOf/anyOf branches).

Documents are read with PyYAML's C loader where available (the same safe subset as
``yaml.safe_load``, ten times faster) and cached per process.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator, FormatChecker, _keywords
from jsonschema.validators import extend
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from tests.corpus import HELLGATE_SEED, corpus_file, hellgate_yaml

DOCUMENTS: dict[str, str] = {  # name → file in tests/corpus/ (see its INDEX.md)
    "petstore": "oai-petstore-expanded.yaml",
    "link": "oai-link-example.yaml",
    "kratos": "ory-kratos.json",
    "overseerr": "overseerr.yaml",
    "twilio": "twilio-api-v2010.yaml",
    "discord": "discord.json",
    "rebilly": "reference/rebilly/openapi.json",
    "authentik": "reference/authentik/schema.yml",
    "hellgate": HELLGATE_SEED,
}
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Direction = Literal["request", "response"]


@dataclass(frozen=True)
class Target:
    """One schema to generate from: where it is, its node, and the direction of its values."""

    pointer: str
    node: dict[str, Any]
    direction: Direction


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _read(relative: str) -> dict[str, Any]:
    text = hellgate_yaml() if relative == HELLGATE_SEED else corpus_file(relative).read_text(encoding="utf-8")
    if relative.endswith(".json"):
        loaded: dict[str, Any] = json.loads(text)
    else:
        loaded = yaml.load(text, Loader=_LOADER)  # CSafeLoader is the safe loader
    return loaded


@functools.cache
def document(name: str) -> dict[str, Any]:
    """The raw document, as published (not repaired: the generator must cope)."""
    return _read(DOCUMENTS[name])


def version(doc: dict[str, Any]) -> Literal["3.0", "3.1"]:
    return "3.1" if str(doc.get("openapi", "")).startswith("3.1") else "3.0"


def _pointer(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for token in ref.lstrip("#/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def _bodies(doc: dict[str, Any], holder: Any, base: str, direction: Direction) -> Iterator[Target]:
    while isinstance(holder, dict) and isinstance(holder.get("$ref"), str):
        base = holder["$ref"]
        holder = _pointer(doc, base)
    content = holder.get("content") if isinstance(holder, dict) else None
    for media, spec in (content or {}).items():
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if isinstance(schema, dict):
            ref = schema.get("$ref") if len(schema) == 1 else None
            pointer = ref if isinstance(ref, str) else f"{base}/content/{_escape(media)}/schema"
            yield Target(pointer, schema, direction)


def _operation_targets(doc: dict[str, Any], section: str) -> Iterator[Target]:
    for path, item in (doc.get(section) or {}).items():
        for method in _METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            base = f"#/{section}/{_escape(path)}/{method}"
            if "requestBody" in operation:
                yield from _bodies(doc, operation["requestBody"], f"{base}/requestBody", "request")
            for status, response in (operation.get("responses") or {}).items():
                yield from _bodies(doc, response, f"{base}/responses/{_escape(str(status))}", "response")


def targets(doc: dict[str, Any]) -> list[Target]:
    """Every components schema (both directions) and every request / response body schema,
    each (pointer, direction) once: a body that is only a ``$ref`` counts as its target."""
    found: dict[tuple[str, str], Target] = {}
    for name, node in (doc.get("components", {}).get("schemas") or {}).items():
        if isinstance(node, dict):
            pointer = f"#/components/schemas/{_escape(name)}"
            for direction in ("response", "request"):
                found[(pointer, direction)] = Target(pointer, node, direction)
    for section in ("paths", "webhooks"):
        for target in _operation_targets(doc, section):
            found.setdefault((target.pointer, target.direction), target)
    return list(found.values())


# --- validation -------------------------------------------------------------------------------


def _repair_mappings(node: Any) -> None:
    """What the loader does before validation: discriminator mapping values as plain strings."""
    if isinstance(node, dict):
        mapping = (
            node.get("discriminator", {}).get("mapping")
            if isinstance(node.get("discriminator"), dict)
            else None
        )
        if isinstance(mapping, dict):
            for key, value in mapping.items():
                if isinstance(value, dict) and isinstance(value.get("$ref"), str):
                    mapping[key] = value["$ref"]
        for value in node.values():
            _repair_mappings(value)
    elif isinstance(node, list):
        for value in node:
            _repair_mappings(value)


def _flagged(doc: dict[str, Any], node: Any, flag: str, depth: int = 0) -> bool:
    if not isinstance(node, dict) or depth > 8:
        return False
    if node.get(flag) is True:
        return True
    if isinstance(node.get("$ref"), str) and _flagged(doc, _pointer(doc, node["$ref"]), flag, depth + 1):
        return True
    return any(_flagged(doc, m, flag, depth + 1) for m in node.get("allOf") or [])


def _flagged_names(doc: dict[str, Any], node: dict[str, Any], flag: str) -> set[str]:
    """Properties flagged in this schema object or, through allOf, in any schema merged with it."""
    members = [node, *(_resolve(doc, m) for m in node.get("allOf") or [])]
    names: set[str] = set()
    for member in members:
        props = member.get("properties") if isinstance(member, dict) else None
        if isinstance(props, dict):
            names |= {name for name, sub in props.items() if _flagged(doc, sub, flag)}
    return names


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    for _ in range(16):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        node = _pointer(doc, node["$ref"])
    return node


def _drop_required(
    doc: dict[str, Any], node: Any, flag: str, inherited: frozenset[str] = frozenset()
) -> None:
    """3.1 has no read/write-aware validator: ``required`` stops naming the properties the
    generator omits (flagged here, or in a schema this one is allOf-merged with)."""
    if isinstance(node, dict):
        flagged = inherited | _flagged_names(doc, node, flag)
        required = node.get("required")
        if isinstance(required, list):
            node["required"] = [r for r in required if r not in flagged]
        members = node.get("allOf")
        if flagged and isinstance(members, list):
            # A referenced member is shared with other schemas: drop from a private copy of it.
            node["allOf"] = [copy.deepcopy(_resolve(doc, m)) for m in members]
        for key, value in node.items():
            _drop_required(doc, value, flag, frozenset(flagged) if key == "allOf" else frozenset())
    elif isinstance(node, list):
        for value in node:
            _drop_required(doc, value, flag, inherited)


@functools.cache
def validation_document(name: str, direction: Direction) -> dict[str, Any]:
    doc = copy.deepcopy(document(name))
    _repair_mappings(doc)
    if version(doc) == "3.1":
        flagged = copy.deepcopy(doc)
        _drop_required(doc, flagged, "writeOnly" if direction == "response" else "readOnly")
        return flagged
    return doc


# jsonschema's own applicators: every branch is checked, whatever a discriminator says.
_PLAIN = {"oneOf": _keywords.oneOf, "anyOf": _keywords.anyOf, "allOf": _keywords.allOf}
_OAS31 = extend(OAS31Validator, _PLAIN)
_OAS30_READ = extend(OAS30ReadValidator, _PLAIN)
_OAS30_WRITE = extend(OAS30WriteValidator, _PLAIN)


def validator_for(name: str, target: Target) -> Any:
    """An openapi-schema-validator validator (plain JSON Schema applicators) for the target, with
    the document as its root."""
    doc = validation_document(name, target.direction)
    root = {**doc, "$ref": target.pointer}
    if version(doc) == "3.1":
        return _OAS31(root, format_checker=RFC3339_TIME(oas31_format_checker))
    cls = _OAS30_READ if target.direction == "response" else _OAS30_WRITE
    return cls(root, format_checker=RFC3339_TIME(oas30_format_checker))


def RFC3339_TIME(checker: FormatChecker) -> FormatChecker:
    """openapi-schema-validator's ``time`` rejects ``08:15:02Z``; JSON Schema (RFC 3339 full-time,
    as jsonschema, jsonschema-rs and schemathesis check it) requires the offset."""
    patched = copy.deepcopy(checker)
    patched.checkers["time"] = Draft202012Validator.FORMAT_CHECKER.checkers["time"]
    return patched


@functools.cache
def _schema_names(name: str, direction: Direction) -> dict[int, str]:
    schemas = validation_document(name, direction).get("components", {}).get("schemas") or {}
    return {id(node): key for key, node in schemas.items()}


def errors(name: str, target: Target, value: Any) -> list[str]:
    """One line per problem, with the failing keyword; a problem at a components schema names it
    (``[Schema]``)."""
    names = _schema_names(name, target.direction)
    found = validator_for(name, target).iter_errors(value)
    lines = [
        f"{'/'.join(map(str, e.absolute_path))}: [{names.get(id(e.schema), '')}] {_keyword(e)}: "
        f"{_short(e.message)}"
        for e in found
    ]
    return lines + discriminator_errors(name, target, value)


def _keyword(error: Any) -> str:
    """The failing keyword; a oneOf says which way it failed (the message is often shortened)."""
    if error.validator == "oneOf":
        return "oneOf (none)" if error.context else "oneOf (more than one)"
    return str(error.validator)


def discriminator_errors(name: str, target: Target, value: Any) -> list[str]:
    """schemathesis's discriminator check: walk the schema along the value (``$ref``,
    ``properties``, ``items``) and report discriminator values no mapping or branch names."""
    doc = validation_document(name, target.direction)
    names = _schema_names(name, target.direction)
    found: list[str] = []
    stack: list[tuple[Any, Any, str, str]] = [(target.node, value, "", "")]
    seen: set[tuple[int, int]] = set()
    while stack:
        schema, data, path, owner = stack.pop()
        key = (id(schema), id(data))
        if not isinstance(schema, dict) or not isinstance(data, dict | list) or key in seen:
            continue
        seen.add(key)
        owner = names.get(id(schema), owner)
        if isinstance(schema.get("$ref"), str):
            target_node = _pointer(doc, schema["$ref"])
            stack.append((target_node, data, path, names.get(id(target_node), owner)))
        if isinstance(data, dict):
            problem = _unknown_name(schema, data)
            if problem:
                found.append(f"{path}: [{owner}] {problem}")
            for key, sub in (schema.get("properties") or {}).items():
                if key in data:
                    stack.append((sub, data[key], f"{path}/{key}", owner))
        elif isinstance(schema.get("items"), dict):
            stack.extend((schema["items"], item, f"{path}/{i}", owner) for i, item in enumerate(data))
    return found


def _unknown_name(schema: dict[str, Any], data: dict[str, Any]) -> str | None:
    discriminator = schema.get("discriminator")
    prop = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
    if not isinstance(prop, str) or not isinstance(data.get(prop), str):
        return None
    known = {str(k) for k in (discriminator.get("mapping") or {})}
    for keyword in ("anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                known.add(ref.rsplit("/", 1)[-1])
    if not known or data[prop] in known:
        return None
    return f"discriminator {prop}={data[prop]!r} is not a known name"


def _short(message: str) -> str:
    return message if len(message) <= 400 else f"{message[:200]} ... {message[-200:]}"
