"""The API's own list shape, read from a 200 schema: a bare array, or an object wrapping one.

Pagination fields are recognised by name wherever the schema declares them, at the top level or in a
nested object (``pagination``, ``meta``, ``page_info`` …), and keep the declared type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.refs import deref
from specmock.openapi.views import items_schema, merged_object, schema_types
from specmock.state.inferred.naming import norm, singular
from specmock.types import Schema

ARRAY_NAMES = (
    "data",
    "results",
    "items",
    "content",
    "records",
    "entries",
    "values",
    "elements",
    "rows",
    "hits",
    "list",
    "resources",
    "objects",
    "nodes",
)
MEANINGS: dict[str, tuple[str, ...]] = {
    "total": (
        "count",
        "total",
        "totalcount",
        "totalitems",
        "totalresults",
        "totalelements",
        "totalrecords",
        "totalentries",
        "totalsize",
        "recordcount",
        "totalhits",
        "xtotalcount",
        "paginationtotal",
    ),
    "pages": ("totalpages", "pages", "numpages", "lastpage", "pagestotal", "pagecount"),
    "page": ("current", "currentpage", "page", "pagenumber", "number", "pageindex", "xpage"),
    "size": (
        "pagesize",
        "perpage",
        "size",
        "limit",
        "pagelimit",
        "itemsperpage",
        "xperpage",
        "paginationlimit",
    ),
    "offset": ("offset", "skip", "paginationoffset"),
    "next": ("next", "nextpage", "nexturl", "nextlink", "nextpageurl", "xnextpage"),
    "previous": (
        "previous",
        "prev",
        "previouspage",
        "prevpage",
        "previousurl",
        "prevurl",
        "previouspageurl",
        "prevpageurl",
        "previouslink",
        "prevlink",
        "xprevpage",
    ),
    "start": ("startindex", "from", "firstitem", "startitem"),
    "end": ("endindex", "to", "lastitem", "enditem"),
    "has_more": ("hasmore", "hasnext", "hasnextpage", "more"),
    "has_previous": ("hasprevious", "hasprev", "hasprevpage", "haspreviouspage"),
    "returned": ("numberofelements", "returned", "countonpage", "resultcount"),
    "next_cursor": ("nextcursor", "nextpagetoken", "nexttoken", "endcursor", "cursor", "after"),
    "prev_cursor": (
        "prevcursor",
        "previouscursor",
        "prevpagetoken",
        "previouspagetoken",
        "startcursor",
        "before",
    ),
    "first": ("first", "isfirst", "firstpage"),
    "last": ("last", "islast"),
    "empty": ("empty", "isempty"),
    "pages_header": ("xtotalpages", "xpagination-totalpages"),
}
NOT_LISTS = frozenset({"links", "errors", "warnings", "messages", "tags"})
BY_NAME = {alias: meaning for meaning, aliases in MEANINGS.items() for alias in aliases}
BOOLEAN_ONLY = {"first", "last", "empty", "has_more", "has_previous"}


@dataclass(frozen=True, slots=True)
class Slot:
    """One pagination field: where it lives, what it means, what JSON types it takes."""

    container: str | None  # nested object property, or None at the top level
    name: str
    meaning: str
    types: frozenset[str]
    uri: bool = False


@dataclass(frozen=True, slots=True)
class ListShape:
    array_property: str | None  # None: the body is the bare array
    item_schema: Schema
    envelope: Schema | None  # the wrapper's schema, to generate its other required fields
    slots: tuple[Slot, ...] = ()


def success_schema(
    document: Any, operation: Operation, statuses: tuple[str, ...] = ("200",)
) -> Schema | None:
    keys = [*statuses, *sorted(k for k in operation.responses if k.startswith("2") and k not in statuses)]
    for key in keys:
        response = operation.responses.get(key)
        if response is None:
            continue
        for media in response.media:
            if media.schema is not None and ("json" in media.name or media.name == "*/*"):
                return media.schema
        return None
    return None


def list_shape(
    document: Any, schema: Schema | None, collection_words: tuple[str, ...] = ()
) -> ListShape | None:
    """None when the schema is not a list of objects (then the GET is not a collection's list)."""
    if schema is None:
        return None
    types = schema_types(document, schema)
    if "array" in types:
        item = items_schema(document, schema)
        return ListShape(None, item, None) if _objectish(document, item) else None
    if "object" not in types:
        return None
    properties, _, _ = merged_object(document, schema)
    arrays = [n for n, s in properties.items() if "array" in schema_types(document, s)]
    words = {norm(w) for w in collection_words} | {norm(singular(w)) for w in collection_words}
    chosen = next((n for p in (*ARRAY_NAMES, *sorted(words)) for n in arrays if norm(n) == p), None)
    guessed = chosen is None and len(arrays) == 1 and norm(arrays[0]) not in NOT_LISTS
    if guessed:
        chosen = arrays[0]
    if chosen is None:
        return None
    item = items_schema(document, properties[chosen])
    slots = _slots(document, properties, chosen)
    if not _objectish(document, item) or (guessed and not slots):
        return None  # a lone array beside no paging field (``_links``) does not make a list
    return ListShape(chosen, item, deref(document, schema), slots)


def _slots(document: Any, properties: dict[str, Schema], array: str) -> tuple[Slot, ...]:
    found: list[Slot] = []
    for name, sub in properties.items():
        if name == array:
            continue
        slot = slot_for(document, None, name, sub)
        if slot is not None:
            found.append(slot)
        elif "object" in schema_types(document, sub):
            inner, _, _ = merged_object(document, sub)
            found += [s for n, p in inner.items() if (s := slot_for(document, name, n, p)) is not None]
    return tuple(found)


def slot_for(document: Any, container: str | None, name: str, schema: Schema) -> Slot | None:
    meaning = BY_NAME.get(norm(name))
    if meaning is None:
        return None
    types = frozenset(schema_types(document, schema)) or frozenset({"integer", "string", "null"})
    if meaning in BOOLEAN_ONLY and "boolean" not in types:
        meaning = {"last": "pages", "first": "start"}.get(meaning, "")
    if meaning in ("next", "previous") and types <= {"boolean", "null"}:
        meaning = "has_more" if meaning == "next" else "has_previous"
    if not meaning or (types <= {"object", "array", "null"}):
        return None
    uri = (
        deref(document, schema).get("format") in ("uri", "url", "uri-reference")
        if isinstance(deref(document, schema), dict)
        else False
    )
    return Slot(container, name, meaning, types, uri)


def _objectish(document: Any, schema: Schema) -> bool:
    types = schema_types(document, schema)
    return not types or "object" in types
