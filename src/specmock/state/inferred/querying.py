"""Filtering, search and ordering of a list, driven by the query parameters an operation declares.

A declared parameter named like a field filters by it (``intent=api``, ``expiring=true``,
``user__username=ann`` → ``user_obj.username`` or ``user.username``; Django-style suffixes ``__in``,
``__icontains``, ``__gt``/``__gte``/``__lt``/``__lte``); ``search``/``q`` matches any string field
(case-insensitive substring); ``ordering``/``sort`` take ``field,-other``. Unknown names are ignored.
A parameter with ``x-specmock-filter: source.type`` filters by that (dotted) field whatever its name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.views import schema_types
from specmock.state.inferred.extensions import parameter_extensions
from specmock.state.inferred.naming import norm, singular
from specmock.text_numbers import ascii_number as query_number

Record = dict[str, Any]
SEARCH_NAMES = ("search", "q", "query", "keyword", "keywords", "term", "searchterm", "text")
ORDER_NAMES = ("ordering", "orderby", "order", "sort", "sortby", "sorting")
SUFFIXES = (
    "in",
    "icontains",
    "contains",
    "iexact",
    "exact",
    "gte",
    "gt",
    "lte",
    "lt",
    "startswith",
    "istartswith",
)
MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Filter:
    param: str
    path: tuple[str, ...]
    op: str  # exact | in | icontains | contains | gt | gte | lt | lte | startswith
    split: bool  # comma-separated values (array parameters, __in)


@dataclass(frozen=True, slots=True)
class QueryPlan:
    filters: tuple[Filter, ...] = ()
    search: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ()
    default_order: str = ""  # x-specmock-resource.ordering: applied when no ordering parameter is sent

    @property
    def names(self) -> frozenset[str]:
        return frozenset([f.param for f in self.filters] + list(self.search) + list(self.ordering))

    def apply(self, records: list[Record], query: Mapping[str, Sequence[str]]) -> list[Record]:
        for flt in self.filters:
            wanted = _values(query.get(flt.param), flt.split)
            if wanted:
                test = _matcher(flt.op, wanted)
                records = [r for r in records if _test(resolve(r, flt.path), test)]
        for name in self.search:
            term = (query.get(name) or [""])[-1].strip().lower()
            if term:
                records = [r for r in records if _contains_text(r, term)]
        asked = False
        for name in self.ordering:
            order = (query.get(name) or [""])[-1]
            if order:
                records = order_by(records, order)
                asked = True
        if self.default_order and not asked:
            records = order_by(records, self.default_order)
        return records


def query_plan(
    document: Any, operation: Operation, fields: set[str], reserved: frozenset[str], default_order: str = ""
) -> QueryPlan:
    filters, search, ordering = [], [], []
    for param in operation.parameters:
        if param.location != "query" or param.name in reserved:
            continue
        key = norm(param.name)
        declared = parameter_extensions(document, operation, param.name)
        if isinstance(declared, str) and declared:
            is_array = "array" in schema_types(document, param.schema)
            filters.append(Filter(param.name, tuple(declared.split(".")), "exact", is_array))
        elif key in SEARCH_NAMES:
            search.append(param.name)
        elif key in ORDER_NAMES:
            ordering.append(param.name)
        else:
            flt = _filter(param.name, fields, "array" in schema_types(document, param.schema))
            if flt is not None:
                filters.append(flt)
    return QueryPlan(tuple(filters), tuple(search), tuple(ordering), default_order)


def _filter(name: str, fields: set[str], is_array: bool) -> Filter | None:
    parts = name.split("__")
    op = "exact"
    if len(parts) > 1 and parts[-1] in SUFFIXES:
        op = parts.pop()
    op = {"iexact": "exact", "istartswith": "startswith"}.get(op, op)
    if len(parts) == 1:
        for prefix, bound in (("min_", "gte"), ("max_", "lte")):
            if parts[0].startswith(prefix) and parts[0][len(prefix) :] in fields:
                return Filter(name, (parts[0][len(prefix) :],), bound, False)
    head = _field(parts[0], fields)
    if head is None:
        return None
    return Filter(name, (head, *parts[1:]), op, is_array or op == "in")


def _field(name: str, fields: set[str]) -> str | None:
    for candidate in (name, f"{name}_obj", f"{name}Obj", singular(name)):
        if candidate in fields:
            return candidate if candidate != f"{name}_obj" and candidate != f"{name}Obj" else name
    by_norm = {norm(f): f for f in fields}
    return by_norm.get(norm(name))


def resolve(record: Any, path: tuple[str, ...]) -> Any:
    current = record
    for index, segment in enumerate(path):
        if not isinstance(current, dict):
            return MISSING
        more = index < len(path) - 1
        options = (segment, f"{segment}_obj", f"{segment}Obj") if more else (segment,)
        found = [current[o] for o in options if o in current]
        if more:
            found = [v for v in found if isinstance(v, dict)] or found
        if not found:
            singular_name = singular(segment)
            if singular_name in current and not more:
                found = [current[singular_name]]
            else:
                return MISSING
        current = found[0]
    return current


def _values(raw: Sequence[str] | None, split: bool) -> list[str]:
    if not raw:
        return []
    return [part for value in raw for part in (value.split(",") if split else [value])]


def _test(value: Any, test: Callable[[Any], bool]) -> bool:
    if value is MISSING:
        return False
    if isinstance(value, list):
        return any(test(v) for v in value)
    return test(value)


def _matcher(op: str, wanted: list[str]) -> Callable[[Any], bool]:
    if op in ("icontains", "contains"):
        needles = [w.lower() for w in wanted]
        return lambda v: v is not None and any(n in str(v).lower() for n in needles)
    if op == "startswith":
        return lambda v: v is not None and any(str(v).lower().startswith(w.lower()) for w in wanted)
    if op in ("gt", "gte", "lt", "lte"):
        return lambda v: _compare(v, wanted[-1], op)
    return lambda v: any(equal(v, w) for w in wanted)


def equal(value: Any, raw: str) -> bool:
    if value is None:
        return raw.lower() in ("null", "none", "")
    if isinstance(value, bool):
        return raw.lower() in (("true", "1", "yes") if value else ("false", "0", "no"))
    if isinstance(value, int | float):
        number = query_number(raw)
        return number is not None and number == value  # int == float compares exactly, never overflows
    return str(value) == raw


def _compare(value: Any, raw: str, op: str) -> bool:
    if value is None or isinstance(value, dict | list):
        return False
    left: Any = value
    right: Any = raw
    if isinstance(value, int | float) and not isinstance(value, bool):
        right = query_number(raw)
        if right is None:
            return False
    else:
        left = str(value)
    if op == "gt":
        return bool(left > right)
    if op == "gte":
        return bool(left >= right)
    if op == "lt":
        return bool(left < right)
    return bool(left <= right)


def _contains_text(record: Record, term: str) -> bool:
    for value in record.values():
        if isinstance(value, str) and term in value.lower():
            return True
        if isinstance(value, dict) and any(isinstance(v, str) and term in v.lower() for v in value.values()):
            return True
    return False


def order_by(records: list[Record], spec: str) -> list[Record]:
    keys = [k.strip() for k in spec.split(",") if k.strip()]
    ordered = list(records)
    for key in reversed(keys):
        descending = key.startswith("-") or key.lower().endswith((":desc", " desc"))
        name = key.lstrip("+-").split(":")[0].split(" ")[0]
        path = tuple(name.replace(".", "__").split("__"))
        ordered.sort(key=lambda r, p=path: _sort_key(resolve(r, p)), reverse=descending)  # type: ignore[misc]
    return ordered


def _sort_key(value: Any) -> tuple[int, int, Any]:
    if value is MISSING or value is None:
        return (1, 0, 0)
    if isinstance(value, bool):
        return (0, 0, int(value))
    if isinstance(value, int | float):
        return (0, 1, value)
    if isinstance(value, str):
        return (0, 2, value.lower())
    return (0, 3, str(value))
