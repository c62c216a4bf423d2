"""Swagger 2.0 → OpenAPI 3.0 for one operation: parameters, the request body, responses."""

from __future__ import annotations

import copy
from typing import Any

from jsonpointer import escape

from specmock.openapi.swagger2_values import (
    DEFAULT_MEDIA,
    Conversion,
    is_array,
    is_extension,
    media_list,
    schema,
    simple_schema,
    style,
)
from specmock.types import Document

OPERATION_KEYS = frozenset(
    {"tags", "summary", "description", "externalDocs", "operationId", "deprecated", "security"}
)
PARAMETER_KEYS = frozenset({"name", "in", "description", "required", "allowEmptyValue"})
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
Located = tuple[Document, str]  # a body or formData parameter and its pointer in the source


def operation(op: Document, pointer: str, inherited: list[Located], conversion: Conversion) -> Document:
    """``inherited``: the body and formData parameters of the path item (an operation may override)."""
    out: Document = {k: v for k, v in op.items() if k in OPERATION_KEYS or is_extension(k)}
    consumes = media_list(op["consumes"]) if "consumes" in op else conversion.consumes
    produces = media_list(op["produces"]) if "produces" in op else conversion.produces
    _check_schemes(op, pointer, conversion)
    parameters, bodies = split_parameters(op.get("parameters"), f"{pointer}/parameters", conversion)
    if parameters or "parameters" in op:
        out["parameters"] = parameters if isinstance(op.get("parameters"), list) else op["parameters"]
    own = {_identity(p) for p, _ in bodies}
    bodies += [(p, w) for p, w in inherited if _identity(p) not in own]
    body = request_body(bodies, consumes, conversion)
    if body is not None:
        out["requestBody"] = body
    if "responses" in op:
        out["responses"] = responses(op["responses"], f"{pointer}/responses", produces, conversion)
    return out


def _check_schemes(op: Document, pointer: str, conversion: Conversion) -> None:
    schemes = op.get("schemes")
    declared = conversion.source.get("schemes")
    if isinstance(schemes, list) and isinstance(declared, list) and _texts(schemes) != _texts(declared):
        conversion.lose(
            f"{pointer}/schemes",
            "OpenAPI 3 has no schemes per operation; it is served under the document's servers",
        )


def split_parameters(raw: Any, pointer: str, conversion: Conversion) -> tuple[list[Any], list[Located]]:
    """(the 3.0 parameters, the body and formData parameters) of a Swagger 2.0 parameter list."""
    if not isinstance(raw, list):
        return [], []
    parameters: list[Any] = []
    bodies: list[Located] = []
    for i, node in enumerate(raw):
        where = f"{pointer}/{i}"
        target = conversion.target(node)
        if isinstance(target, dict) and target.get("in") in ("body", "formData"):
            bodies.append((target, where))
        elif isinstance(node, dict) and _names_component(node.get("$ref"), "parameters"):
            parameters.append({"$ref": node["$ref"]})  # pointed at components with every other ref
        else:
            parameters.append(parameter(target, where, conversion))
    return parameters, bodies


def parameter(node: Any, pointer: str, conversion: Conversion) -> Any:
    """A query, path or header parameter: its type keywords become a schema, collectionFormat a style."""
    if not isinstance(node, dict):
        return node
    out: Document = {k: v for k, v in node.items() if k in PARAMETER_KEYS or is_extension(k)}
    out.pop("x-example", None)
    if "x-example" in node:
        out["example"] = node["x-example"]
    out["schema"] = simple_schema(node, pointer, conversion)
    if is_array(node):
        out["style"], out["explode"] = style(node, str(node.get("in")), pointer, conversion)
    return out


def request_body(bodies: list[Located], consumes: list[str], conversion: Conversion) -> Document | None:
    body = [(p, w) for p, w in bodies if p.get("in") == "body"]
    form = [(p, w) for p, w in bodies if p.get("in") == "formData"]
    for _, where in body[1:]:
        conversion.lose(where, "a second body parameter; an operation has one body, the first is kept")
    if body and form:
        for _, where in form:
            conversion.lose(where, "a form field beside a body parameter (2.0 forbids both); dropped")
    if body:
        return _json_body(body[0][0], consumes)
    if form:
        return _form_body(form, consumes, conversion)
    return None


def _json_body(param: Document, consumes: list[str]) -> Document:
    out: Document = {k: v for k, v in param.items() if k == "description" or is_extension(k)}
    examples = out.pop("x-examples", None)
    examples = examples if isinstance(examples, dict) else {}
    converted = schema(param.get("schema", {}))
    content: Document = {}
    for media in consumes or [DEFAULT_MEDIA]:
        content[media] = {"schema": copy.deepcopy(converted)}
        if media in examples:
            content[media]["example"] = examples[media]
    out["content"] = content
    if param.get("required") is True:
        out["required"] = True
    return out


def _form_body(form: list[Located], consumes: list[str], conversion: Conversion) -> Document:
    properties: Document = {}
    required: list[str] = []
    encoding: Document = {}
    for param, where in form:
        name = str(param.get("name"))
        properties[name] = simple_schema(param, where, conversion)
        if "description" in param:
            properties[name]["description"] = param["description"]
        if param.get("required") is True:
            required.append(name)
        if param.get("allowEmptyValue") is True:
            conversion.lose(f"{where}/allowEmptyValue", "OpenAPI 3 has no allowEmptyValue for form fields")
        if is_array(param):
            form_style, explode = style(param, "formData", where, conversion)
            encoding[name] = {"style": form_style, "explode": explode}
    fields: Document = {"type": "object", "properties": properties}
    if required:
        fields["required"] = required
    files = any(param.get("type") == "file" for param, _ in form)
    content: Document = {}
    for media in form_media(consumes, files):
        content[media] = {"schema": copy.deepcopy(fields)}
        if encoding and media == URLENCODED:  # 3.0 applies style/explode to this media type only
            content[media]["encoding"] = copy.deepcopy(encoding)
    return {"content": content, "required": True} if required else {"content": content}


def form_media(consumes: list[str], files: bool) -> list[str]:
    """The media types formData is sent as: the form types consumed, multipart alone when a file is sent."""
    forms = [m for m in consumes if m == URLENCODED or m.startswith("multipart/")]
    if files:
        return [m for m in forms if m.startswith("multipart/")] or [MULTIPART]
    return forms or [URLENCODED]


def responses(raw: Any, pointer: str, produces: list[str], conversion: Conversion) -> Any:
    if not isinstance(raw, dict):
        return raw
    out: Document = {}
    for key, node in raw.items():
        where = f"{pointer}/{escape(str(key))}"
        if is_extension(str(key)):
            out[key] = node
        elif isinstance(node, dict) and _names_component(node.get("$ref"), "responses"):
            # A shared response is written with the document's `produces`; another list needs a copy.
            shared = produces == conversion.produces
            target = conversion.target(node)
            out[key] = {"$ref": node["$ref"]} if shared else response(target, where, produces, conversion)
        else:
            out[key] = response(conversion.target(node), where, produces, conversion)
    return out


def response(node: Any, pointer: str, produces: list[str], conversion: Conversion) -> Any:
    if not isinstance(node, dict):
        return node
    out: Document = {k: v for k, v in node.items() if is_extension(k)}
    out["description"] = node.get("description", "")
    headers = node.get("headers")
    if isinstance(headers, dict):
        out["headers"] = {
            name: _header(h, f"{pointer}/headers/{escape(name)}", conversion) for name, h in headers.items()
        }
    content = _content(node, produces)
    if content:
        out["content"] = content
    if "schema" in node:
        conversion.moved[f"{pointer}/schema"] = f"{pointer}/content/{escape(next(iter(content)))}/schema"
    return out


def _content(node: Document, produces: list[str]) -> Document:
    """One media type per `produces` entry when there is a schema, plus any an example is given for."""
    examples = node["examples"] if isinstance(node.get("examples"), dict) else {}
    media = (produces or [DEFAULT_MEDIA]) if "schema" in node else []
    entry: Document = {"schema": schema(node["schema"])} if "schema" in node else {}
    content: Document = {}
    for name in [*media, *(m for m in examples if m not in media)]:
        content[name] = copy.deepcopy(entry)
        if name in examples:
            content[name]["example"] = examples[name]
    return content


def _header(node: Any, pointer: str, conversion: Conversion) -> Any:
    if not isinstance(node, dict):
        return node
    out: Document = {k: v for k, v in node.items() if k == "description" or is_extension(k)}
    out["schema"] = simple_schema(node, pointer, conversion)
    if is_array(node):
        out["style"], out["explode"] = style(node, "header", pointer, conversion)
    return out


def _identity(param: Document) -> tuple[str, str]:
    """What makes an operation's parameter override the path item's: its location and name."""
    return str(param.get("in")), str(param.get("name"))


def _texts(values: list[Any]) -> set[str]:
    return {v for v in values if isinstance(v, str)}


def _names_component(ref: Any, section: str) -> bool:
    """``#/<section>/<name>``: a reference to a whole shared parameter or response."""
    if not isinstance(ref, str):
        return False
    head, _, name = ref.partition(f"#/{section}/")
    return head == "" and bool(name) and "/" not in name
