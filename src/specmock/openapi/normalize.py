"""Repairs of documents that are slightly off but have an obvious reading, one named pass per repair.

Each pass changes the document in place and returns a ``Repair`` for every change (or note). They run
after bundling and after every ``$ref`` has been checked, so following references cannot fail.
"""

from __future__ import annotations

import re

from jsonpointer import escape

from specmock.openapi import normalize_params, normalize_schemas
from specmock.openapi.refs import deref
from specmock.openapi.repairs import Pass, Repair, operations
from specmock.openapi.scan import DocumentIndex
from specmock.types import Document

__all__ = ["PASSES", "Repair", "normalize"]


def version_field(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    if isinstance(document["openapi"], str):
        return []
    document["openapi"] = str(document["openapi"])
    return [
        Repair("/openapi", f"`openapi` is the number {document['openapi']}, not text; read as the string")
    ]


def empty_path_items(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    repairs = []
    for area in ("paths", "webhooks"):
        items = document.get(area) or {}
        for name in [name for name, item in items.items() if item is None]:
            del items[name]
            repairs.append(Repair(f"/{area}/{escape(name)}", "the path item is empty; dropped"))
    paths = document.get("paths") or {}
    for name in [n for n in paths if not n.startswith(("/", "x-")) and f"/{n}" not in paths]:
        paths[f"/{name}"] = paths.pop(name)
        repairs.append(
            Repair(f"/paths/{escape(name)}", f"the path does not start with '/'; served as '/{name}'")
        )
    return repairs


def missing_responses(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    repairs = []
    for op in operations(document):
        if op.node.get("responses") in (None, {}):
            op.node["responses"] = {"default": {"description": "No responses were documented."}}
            repairs.append(
                Repair(
                    f"{op.pointer}/responses",
                    "the operation documents no responses; a `default` response without content was added",
                )
            )
    return repairs


def response_keys(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """Ranges in upper case (``2xx`` → ``2XX``); status codes written as YAML numbers are noted."""
    repairs = []
    for op in operations(document):
        responses = op.node["responses"]
        for key in responses:
            pointer = f"{op.pointer}/responses/{escape(str(key))}"
            if pointer in index.numeric_keys:
                repairs.append(
                    Repair(pointer, f"status {key} is an unquoted YAML number; read as the text {key!r}")
                )
        renamed = {key: _status_key(key) for key in responses}
        if all(key == new for key, new in renamed.items()):
            continue
        op.node["responses"] = {renamed[key]: value for key, value in responses.items()}
        repairs += [
            Repair(
                f"{op.pointer}/responses/{escape(str(key))}",
                f"response key {key!r} is a lowercase range; read as {new!r}",
            )
            for key, new in renamed.items()
            if key != new
        ]
    return repairs


def _status_key(key: str) -> str:
    return key.upper() if re.fullmatch(r"[1-5]xx", key, re.IGNORECASE) else key


BODILESS_STATUSES = ("204", "205", "304")


def bodiless_statuses(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """HTTP forbids a body on 204/205/304: a documented one cannot be served, so it is dropped."""
    repairs = []
    for op in operations(document):
        responses = op.node.get("responses") or {}
        for key in BODILESS_STATUSES:
            node = deref(document, responses.get(key))
            if isinstance(node, dict) and node.get("content"):
                # A copy: the response object may be a shared component used by other statuses.
                responses[key] = {k: v for k, v in node.items() if k != "content"}
                repairs.append(
                    Repair(
                        f"{op.pointer}/responses/{key}",
                        f"a {key} response cannot carry a body; its content is ignored",
                    )
                )
    return repairs


def operation_ids(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    ops = [op for op in operations(document) if isinstance(op.node.get("operationId"), str)]
    taken = {op.node["operationId"] for op in ops}
    first: dict[str, str] = {}
    repairs = []
    for op in ops:
        op_id = op.node["operationId"]
        if op_id not in first:
            first[op_id] = op.pointer
            continue
        n = 2
        while f"{op_id}_{n}" in taken:
            n += 1
        op.node["operationId"] = new = f"{op_id}_{n}"
        taken.add(new)
        repairs.append(
            Repair(
                f"{op.pointer}/operationId",
                f"operationId {op_id!r} is already used by "
                f"{first[op_id]}; this operation is known as {new!r}",
            )
        )
    return repairs


def server_variables(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    places = [("", document)] + [(op.pointer, op.node) for op in operations(document)]
    repairs = []
    for pointer, owner in places:
        servers = owner.get("servers")
        for i, server in enumerate(servers if isinstance(servers, list) else ()):
            variables = server.get("variables") if isinstance(server, dict) else None
            for name, variable in (variables if isinstance(variables, dict) else {}).items():
                default = variable.get("default") if isinstance(variable, dict) else None
                if isinstance(default, str) and ("{" in default or "}" in default):
                    repairs.append(
                        Repair(
                            f"{pointer}/servers/{i}/variables/{escape(name)}/default",
                            f"server variable {name!r} defaults to {default!r}, braces included, so the "
                            "expanded URL keeps a literal template; kept as written",
                        )
                    )
    return repairs


def media_examples(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """Media type ``examples`` written as a list (JSON Schema style) become named Example objects."""
    repairs = []
    for pointer, media in _media_types(document):
        examples = media.get("examples")
        if examples is None or isinstance(examples, dict):
            continue
        if isinstance(examples, list):
            media["examples"] = {f"example{i + 1}": {"value": value} for i, value in enumerate(examples)}
            what = "named example1, example2…"
        else:
            del media["examples"]
            what = "dropped"
        repairs.append(Repair(f"{pointer}/examples", f"`examples` must map names to Example objects; {what}"))
    return repairs


MEDIA_TYPE = re.compile(r"^\s*[\w.+*-]+/[\w.+*-]+\s*(;.*)?$")


def content_keys(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """A ``content`` key that is not a media type (``description: ok`` written one level too deep)
    would become the answer's Content-Type: dropped, its text kept as the description if there is none."""
    repairs = []
    for pointer, owner in _content_owners(document):
        content = owner.get("content")
        if not isinstance(content, dict):
            continue
        for key in [k for k in content if not MEDIA_TYPE.match(str(k))]:
            value = content.pop(key)
            kept = ""
            if str(key).lower() == "description" and isinstance(value, str) and not owner.get("description"):
                owner["description"] = value
                kept = "; its text is the description"
            repairs.append(
                Repair(f"{pointer}/content/{escape(str(key))}", f"{key!r} is not a media type; dropped{kept}")
            )
    return repairs


def _content_owners(document: Document) -> list[tuple[str, Document]]:
    """Request bodies, responses and parameters that may carry a ``content`` map."""
    found = []
    for op in operations(document):
        owners = [(f"{op.pointer}/requestBody", op.node.get("requestBody"))]
        owners += [(f"{op.pointer}/responses/{escape(str(k))}", v) for k, v in op.node["responses"].items()]
        params = op.node.get("parameters")
        owners += [
            (f"{op.pointer}/parameters/{i}", p)
            for i, p in enumerate(params if isinstance(params, list) else ())
        ]
        for pointer, raw in owners:
            owner = deref(document, raw)
            if isinstance(owner, dict):
                found.append((pointer, owner))
    return found


def _media_types(document: Document) -> list[tuple[str, Document]]:
    found = []
    for op in operations(document):
        owners = [(f"{op.pointer}/requestBody", op.node.get("requestBody"))]
        owners += [(f"{op.pointer}/responses/{escape(k)}", v) for k, v in op.node["responses"].items()]
        for pointer, raw in owners:
            owner = deref(document, raw)
            content = owner.get("content") if isinstance(owner, dict) else None
            for name, media in (content or {}).items():
                if isinstance(media, dict):
                    found.append((f"{pointer}/content/{escape(name)}", media))
    return found


PASSES: tuple[Pass, ...] = (
    version_field,
    empty_path_items,
    missing_responses,
    response_keys,
    bodiless_statuses,
    content_keys,
    operation_ids,
    normalize_params.reference_siblings,
    normalize_params.path_parameters,
    normalize_params.missing_schemas,
    media_examples,
    server_variables,
    normalize_schemas.discriminator_mappings,
    normalize_schemas.duplicate_required,
    normalize_schemas.unfit_defaults,
)


def normalize(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """Run every pass in order; the document is changed in place."""
    repairs: list[Repair] = []
    for run in PASSES:
        repairs.extend(run(document, version, index))
    return repairs
