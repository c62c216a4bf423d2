"""Swagger 2.0 → OpenAPI 3.0 for the small things: schemas, the type keywords of simple values,
collectionFormat, security schemes. Shared by ``swagger2`` and ``swagger2_operations``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from specmock.openapi.refs import UnresolvableRef, deref
from specmock.openapi.repairs import Repair
from specmock.types import Document

DEFAULT_MEDIA = "application/json"
# Keywords a non-body parameter, an items object or a header carries that belong in its `schema`.
SIMPLE_SCHEMA_KEYS = frozenset(
    {
        "type",
        "format",
        "default",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "enum",
        "multipleOf",
        "x-nullable",
    }
)
# collectionFormat → (style, explode) per parameter location; a pair absent here has no 3.0 equivalent.
STYLES: dict[tuple[str, str], tuple[str, bool]] = {
    ("csv", "query"): ("form", False),
    ("csv", "path"): ("simple", False),
    ("csv", "header"): ("simple", False),
    ("csv", "formData"): ("form", False),
    ("multi", "query"): ("form", True),
    ("multi", "formData"): ("form", True),
    ("ssv", "query"): ("spaceDelimited", False),
    ("ssv", "formData"): ("spaceDelimited", False),
    ("pipes", "query"): ("pipeDelimited", False),
    ("pipes", "formData"): ("pipeDelimited", False),
}
OAUTH_FLOWS = {  # Swagger 2.0 flow → (3.0 flow, the URLs it carries)
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_SINGLES = ("items", "additionalProperties", "not")


@dataclass(slots=True)
class Conversion:
    """What the conversion of one document shares: the source, and what it found on the way."""

    source: Document
    losses: list[Repair] = field(default_factory=list)
    # Old pointer prefix → new one, for $refs into places that moved (the longest prefix wins).
    moved: dict[str, str] = field(
        default_factory=lambda: {
            "/definitions": "/components/schemas",
            "/parameters": "/components/parameters",
            "/responses": "/components/responses",
        }
    )

    def lose(self, pointer: str, message: str) -> None:
        self.losses.append(Repair(pointer, message))

    def target(self, node: Any) -> Any:
        """``node`` with its $ref chain followed (the loader checked every ref before converting)."""
        try:
            return deref(self.source, node)
        except UnresolvableRef:
            return node  # a cycle of references: left for the 3.0 checks to name

    @property
    def consumes(self) -> list[str]:
        return media_list(self.source.get("consumes"))

    @property
    def produces(self) -> list[str]:
        return media_list(self.source.get("produces"))


def schema(node: Any) -> Any:
    """A Swagger 2.0 schema in 3.0 words: x-nullable, type: file, the discriminator's shape."""
    if not isinstance(node, dict):
        return node
    out: Document = {}
    for key, value in node.items():
        if key in SCHEMA_SINGLES and isinstance(value, dict):
            out[key] = schema(value)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [schema(item) for item in value]
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: schema(s) for name, s in value.items()}
        elif key == "discriminator" and isinstance(value, str):
            out[key] = {"propertyName": value}
        elif key == "type" and value == "file":
            out.update(type="string", format="binary")
        elif key != "x-nullable":
            out.setdefault(key, value)
    if node.get("x-nullable") is True:
        if "$ref" in out:  # 3.0 ignores keywords beside $ref
            return {"nullable": True, "allOf": [{"$ref": out.pop("$ref")}], **out}
        out["nullable"] = True
    return out


def simple_schema(node: Document, pointer: str, conversion: Conversion) -> Document:
    """The schema of a non-body parameter, an items object or a header, from its type keywords."""
    if isinstance(node.get("$ref"), str):  # not allowed on items in 2.0, but written in the wild
        return {"$ref": node["$ref"]}
    out: Document = schema({k: v for k, v in node.items() if k in SIMPLE_SCHEMA_KEYS})
    items = node.get("items")
    if isinstance(items, dict):
        if is_array(items) and items.get("collectionFormat", "csv") != "csv":
            conversion.lose(
                f"{pointer}/items/collectionFormat",
                "OpenAPI 3 cannot say how the inner values of nested arrays are separated; "
                "the inner array is read comma-separated",
            )
        out["items"] = simple_schema(items, f"{pointer}/items", conversion)
    elif "items" in node:
        out["items"] = items
    return out


def style(node: Document, location: str, pointer: str, conversion: Conversion) -> tuple[str, bool]:
    """The 3.0 (style, explode) of an array's collectionFormat (csv when absent) at ``location``."""
    written = str(node.get("collectionFormat", "csv"))
    found = STYLES.get((written, location))
    if found is not None:
        return found
    fallback = STYLES.get(("csv", location), ("simple", False))
    conversion.lose(
        f"{pointer}/collectionFormat",
        f"collectionFormat {written!r} has no OpenAPI 3 equivalent for a {location} value; "
        "read comma-separated",
    )
    return fallback


def security_scheme(node: Any, pointer: str, conversion: Conversion) -> Any:
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    out: Document = {k: v for k, v in node.items() if k == "description" or is_extension(k)}
    if kind == "basic":
        out.update(type="http", scheme="basic")
    elif kind == "apiKey":
        out.update({k: node[k] for k in ("name", "in") if k in node}, type="apiKey")
    elif kind == "oauth2" and isinstance(node.get("flow"), str) and node["flow"] in OAUTH_FLOWS:
        flow, urls = OAUTH_FLOWS[node["flow"]]
        settings = {url: node[url] for url in urls if url in node}
        settings["scopes"] = node.get("scopes") or {}
        out.update(type="oauth2", flows={flow: settings})
    else:
        detail = f"type {kind!r}" + (f" with flow {node.get('flow')!r}" if kind == "oauth2" else "")
        conversion.lose(pointer, f"a security scheme of {detail} has no OpenAPI 3 reading; copied as it is")
        return node
    return out


def media_list(value: Any) -> list[str]:
    return [m for m in value if isinstance(m, str)] if isinstance(value, list) else []


def is_array(node: Document) -> bool:
    return node.get("type") == "array"


def is_extension(key: str) -> bool:
    return key.startswith("x-")
