"""List operations: filter, order, page, and shape the result the way the API declares it.

Each answer is cached per collection version, operation, parent and the query parameters that matter
to it; any write to the collection drops the cache. ``Outcome.cache_key`` lets the caller cache bytes.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from specmock.diagnostics import Kind
from specmock.generation import rng_for
from specmock.openapi.model import Header, Operation
from specmock.openapi.success import OTHER
from specmock.state.inferred.answers import same
from specmock.state.inferred.naming import shape_of
from specmock.state.inferred.paging import PagePlan, Window, encode_token, page_plan, window
from specmock.state.inferred.querying import QueryPlan, query_plan
from specmock.state.inferred.resources import Record, Resource
from specmock.state.inferred.shapes import ListShape, list_shape, success_schema
from specmock.state.store import pagefill
from specmock.state.store.adapt import Adapter
from specmock.state.store.collection import Collection
from specmock.state.store.outcome import Outcome, documented_success
from specmock.state.store.pagefill import Page
from specmock.state.store.seeding import Seeder
from specmock.state.store.storage.protocol import ParentPath
from specmock.state.store.storage.stored import StoredRecord, record_of
from specmock.text_numbers import ascii_int

LOCAL_ORIGIN = "http://localhost"  # when the caller does not say where the API is mounted


@dataclass(frozen=True, slots=True)
class ListPlan:
    status: int
    shape: ListShape | None
    paging: PagePlan
    query: QueryPlan
    headers: tuple[Header, ...]
    relevant: frozenset[str]
    envelope: dict[str, Any] | None
    invalid_page: str | None = None  # the NOT_FOUND message for a page out of range (404 documented)
    adapt: Adapter | None = None  # items described otherwise than the entity: shown through this


def compile_list(document: Any, operation: Operation, resource: Resource, seeder: Seeder) -> ListPlan:
    status = documented_success(operation, OTHER) or 200
    words = shape_of(operation.path).literals[-1:]
    shape = list_shape(document, success_schema(document, operation, (str(status),)), words)
    paging = page_plan(document, operation)
    query = query_plan(
        document, operation, set(resource.properties), paging.names, ",".join(resource.ordering)
    )
    response = operation.responses.get(str(status))
    envelope = None
    if shape is not None and shape.envelope is not None:
        draw = seeder.generator.compile(shape.envelope, direction="response", name=f"{resource.name}.list")
        generated = draw(rng_for(seeder.seed, resource.name, "list", operation.key))
        envelope = generated if isinstance(generated, dict) else {}
    adapt = None
    if shape is not None and shape.item_schema and not same(document, shape.item_schema, resource.entity):
        adapt = Adapter(seeder, shape.item_schema, f"{resource.name}.{operation.key}", resource.id_field)
    invalid_page = None
    if paging.page is not None and "404" in operation.responses:
        invalid_page = resource.messages.get("invalid-page", "page {page} does not exist")
    return ListPlan(
        status,
        shape,
        paging,
        query,
        response.headers if response else (),
        paging.names | query.names,
        envelope,
        invalid_page,
        adapt,
    )


def normalized(query: Mapping[str, Sequence[str]], relevant: frozenset[str]) -> tuple[Any, ...]:
    return tuple(sorted((k, tuple(v)) for k, v in query.items() if k in relevant))


def answer(
    plan: ListPlan,
    collection: Collection,
    records: Mapping[str, StoredRecord],
    operation: Operation,
    path_values: Mapping[str, str],
    query: Mapping[str, Sequence[str]],
    origin: str = LOCAL_ORIGIN,
) -> Outcome:
    win = window(plan.paging, query)
    plain = not plan.query.default_order and not any(n in query for n in plan.query.names)
    if win.after_key is None and win.before_key is None and plain:
        # Nothing to filter or order: slice the stored order without copying the whole collection.
        total = len(records)
        start = min(win.offset, total)
        end = total if win.limit is None else min(start + win.limit, total)
        public = collection.public
        page_items = [public(record_of(s)) for s in itertools.islice(records.values(), start, end)]
    else:
        public = collection.public
        matched = plan.query.apply([public(record_of(s)) for s in records.values()], query)
        total, start = len(matched), _start(win, matched, collection)
        end = len(matched) if win.limit is None else start + win.limit
        if win.before_key is not None:
            stop = _position(matched, collection, win.before_key)
            end, start = stop, max(stop - (win.limit if win.limit is not None else stop), 0)
        page_items = matched[start:end]
    missing = _invalid_page(plan, query, total, win.limit)
    if missing is not None:
        return missing
    if plan.adapt is not None:
        page_items = [plan.adapt(item) for item in page_items]
    # Past the end the page is empty but keeps the request's own offset (a client pages on from it).
    past_end = win.after_key is None and win.before_key is None and win.offset > start
    page = Page(total, win.offset if past_end else start, win.limit, len(page_items), plan.paging.base)
    link = _linker(plan.paging, operation, path_values, query, origin)
    body: Any = page_items
    shape = plan.shape
    if shape is not None and shape.array_property is not None:
        body = copy.copy(plan.envelope) if plan.envelope is not None else {}
        body[shape.array_property] = page_items
        pagefill.fill(body, shape.slots, page, link)
    headers = pagefill.headers(plan.headers, page, link)
    return Outcome(plan.status, body, headers)


def _invalid_page(
    plan: ListPlan, query: Mapping[str, Sequence[str]], total: int, size: int | None
) -> Outcome | None:
    """NOT_FOUND for a page number before the first or after the last (the first always exists), as
    Django REST framework's ``PageNumberPagination`` answers; only when the operation documents 404."""
    bound = plan.paging.page
    if plan.invalid_page is None or bound is None or not query.get(bound.name):
        return None
    number = ascii_int(query[bound.name][-1])
    requested = plan.paging.base - 1 if number is None else number
    pages = max(1, -(-total // size)) if size else 1
    if plan.paging.base <= requested < plan.paging.base + pages:
        return None
    message = plan.invalid_page.replace("{page}", query[bound.name][-1])
    return Outcome(404, None, {}, Kind.NOT_FOUND, message)


def _start(win: Window, matched: list[Record], collection: Collection) -> int:
    if win.after_key is None:
        return min(win.offset, len(matched))
    return (
        _position(matched, collection, win.after_key) + 1 if _has(matched, collection, win.after_key) else 0
    )


def _has(matched: list[Record], collection: Collection, key: str) -> bool:
    return any(collection.key_for(r, "") == key for r in matched)


def _position(matched: list[Record], collection: Collection, key: str) -> int:
    return next((i for i, r in enumerate(matched) if collection.key_for(r, "") == key), len(matched))


def _linker(
    plan: PagePlan,
    operation: Operation,
    path_values: Mapping[str, str],
    query: Mapping[str, Sequence[str]],
    origin: str,
) -> pagefill.Linker:
    path = operation.path
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))

    def link(offset: int) -> str:
        params = {k: list(v) for k, v in query.items() if k not in plan.names}
        if plan.token is not None and query.get(plan.token):
            params[plan.token] = [encode_token(offset)]
        elif plan.offset is not None:
            params[plan.offset.name] = [str(offset)]
        elif plan.page is not None:
            size = plan.size.read(query, 100) if plan.size is not None else 100
            params[plan.page.name] = [str(plan.base + (offset // size if size else 0))]
        elif plan.token is not None:
            params[plan.token] = [encode_token(offset)]
        if plan.size is not None and query.get(plan.size.name):
            params[plan.size.name] = list(query[plan.size.name])
        encoded = urlencode([(k, v) for k, values in params.items() for v in values])
        return f"{origin}{path}" + (f"?{encoded}" if encoded else "")

    return link


def cache_key(
    operation: Operation,
    collection: Collection,
    version: int,
    path: ParentPath,
    normal: tuple[Any, ...],
    origin: str,
) -> tuple[Any, ...]:
    return ("list", operation.key, collection.name, version, path, normal, origin)
