"""What the fields of an error schema are for, and the questions the error shaper asks of a schema.

The vocabulary: which property names carry the status, the description, a classifier, a list of
violations, where a violation is. The questions (types, merged properties, the lead text field,
whether a list's items are violation-shaped, whether ``additionalProperties`` is written) are
answered once per schema object: every error answer walks the same error schemas again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from specmock.memo import Memo
from specmock.openapi.refs import deref
from specmock.openapi.views import items_schema, merged_object, schema_types

T = TypeVar("T")
MAX_DEPTH = 6

STATUS_FIELDS = {"status", "code", "statuscode", "httpstatus", "httpcode", "errorcode", "httpstatuscode"}
TEXT_FIELDS = {
    "message",
    "detail",
    "details",
    "description",
    "error",
    "errormessage",
    "errordescription",
    "reason",
    "msg",
    "errormsg",
}
CLASSIFIER_FIELDS = {"code", "classifier", "errorcode", "errortype", "kind", "category", "reason"}
LIST_FIELDS = {
    "validationerrors",
    "errors",
    "nonfielderrors",
    "invalidparams",
    "invalidfields",
    "violations",
    "fielderrors",
    "issues",
    "details",
    "problems",
    "causes",
    "messages",
}
# The text field that carries the whole description, best first; other text fields beside it get the
# short reason phrase, so no answer repeats a long text.
LEAD_TEXT = (
    "message",
    "detail",
    "description",
    "errormessage",
    "errordescription",
    "details",
    "msg",
    "errormsg",
    "error",
    "reason",
)
# A list whose items have one of each is a violation list, whatever the list is called.
NAME_LIKE = {"name", "field", "path", "pointer", "parameter", "param", "location"}
MESSAGE_LIKE = {"message", "reason", "description", "detail", "msg"}
LOCATION_FIELDS = {"location", "in", "loc"}  # beside a name field: the parameter's location only
WHERE_FIELDS = {
    "path",
    "field",
    "name",
    "param",
    "parameter",
    "pointer",
    "location",
    "loc",
    "property",
    "source",
    "jsonpath",
    "propertypath",
    "key",
    "attribute",
}


@functools.lru_cache(maxsize=1024)
def norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class PerSchema(Generic[T]):
    """A question about a document's schema, answered once per schema object: every error answer
    walks the same error schemas again. Entries hold their schema, so an id is never reused
    while it is a key."""

    def __init__(self, question: Callable[[Any, Any], T]) -> None:
        self.question = question
        self.answers = Memo()  # (id(document), id(schema)) → (document, schema, answer)

    def __call__(self, document: Any, schema: Any) -> T:
        key = (id(document), id(schema))
        found = self.answers.get(key)
        if found is not None and found[0] is document and found[1] is schema:
            return found[2]  # type: ignore[no-any-return]
        return self.answers.put(key, (document, schema, self.question(document, schema)))[2]


types_of: PerSchema[set[str]] = PerSchema(schema_types)  # callers only read the answers
merged: PerSchema[tuple[dict[str, Any], set[str], Any]] = PerSchema(merged_object)
deref_of: PerSchema[Any] = PerSchema(deref)
items_of: PerSchema[dict[str, Any]] = PerSchema(items_schema)


def _string_properties(document: Any, node: Any) -> list[str]:
    properties, _, _ = merged(document, node)
    return [p for p, sub in properties.items() if not types_of(document, sub) - {"string", "null"}]


def _lead_of(document: Any, node: Any) -> str | None:
    """The text property that carries the whole description (``message`` before ``error`` …)."""
    by_key = {norm(p): p for p in _string_properties(document, node)}
    return next((by_key[key] for key in LEAD_TEXT if key in by_key), None)


def _lead_item_of(document: Any, node: Any) -> str | None:
    by_key = {norm(p): p for p in _string_properties(document, node)}
    return next((by_key[key] for key in (*LEAD_TEXT, *MESSAGE_LIKE) if key in by_key), None)


def _violation_shaped(document: Any, node: Any) -> bool:
    """Objects with a name-like and a message-like text property: one violation per item."""
    keys = {norm(p) for p in _string_properties(document, node)}
    return "object" in types_of(document, node) and bool(keys & NAME_LIKE) and bool(keys & MESSAGE_LIKE)


def _declares_additional_of(document: Any, node: Any) -> bool:
    """``additionalProperties`` written in the schema (or an ``allOf`` part), not merely allowed."""
    node = deref(document, node)
    if not isinstance(node, dict):
        return False
    return "additionalProperties" in node or any(
        _declares_additional_of(document, sub) for sub in node.get("allOf") or ()
    )


lead_text: PerSchema[str | None] = PerSchema(_lead_of)
lead_item: PerSchema[str | None] = PerSchema(_lead_item_of)
violation_list_items: PerSchema[bool] = PerSchema(_violation_shaped)
declares_additional: PerSchema[bool] = PerSchema(_declares_additional_of)
