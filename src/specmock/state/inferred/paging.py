"""Pagination parameters recognised by name, and the page a query asks for.

Styles: ``limit``/``offset``; ``page`` with ``page_size``/``per_page``/``size``/``limit``; opaque cursor
tokens (``cursor``, ``page_token``, ``after``) that this module issues itself; id cursors
(``starting_after``/``ending_before``) that name a record.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Operation, Parameter
from specmock.openapi.refs import deref
from specmock.state.inferred.naming import norm
from specmock.text_numbers import ascii_int, ascii_number

DEFAULT_PAGE_SIZE = 100
LARGEST = 2**62  # page numbers, sizes and offsets beyond it read as it: offsets stay printable integers
OFFSET_NAMES = ("offset", "skip", "start", "startindex")
SIZE_NAMES = ("limit", "pagesize", "perpage", "size", "maxresults", "top", "pagelimit")
PAGE_NAMES = ("page", "pagenumber", "pageindex", "pagenum", "pageno")
TOKEN_NAMES = (
    "cursor",
    "pagetoken",
    "nexttoken",
    "continuation",
    "continuationtoken",
    "after",
    "marker",
    "pagecursor",
)
ID_CURSOR_NAMES = ("startingafter", "afterid", "sinceid")
BEFORE_NAMES = ("endingbefore", "before", "beforeid")


@dataclass(frozen=True, slots=True)
class Bound:
    name: str
    default: int | None
    minimum: int | None
    maximum: int | None

    def read(self, query: Mapping[str, Sequence[str]], fallback: int) -> int:
        raw = query.get(self.name)
        value = self.default if self.default is not None else fallback
        number = ascii_number(raw[-1]) if raw else None
        if number is not None:  # anything else (text, "inf", other scripts' digits) reads as not given
            value = max(-LARGEST, min(int(number), LARGEST))
        if self.minimum is not None:
            value = max(value, self.minimum)
        if self.maximum is not None:
            value = min(value, self.maximum)
        return value


@dataclass(frozen=True, slots=True)
class PagePlan:
    offset: Bound | None = None
    size: Bound | None = None
    page: Bound | None = None
    token: str | None = None  # opaque cursor parameter
    id_cursor: str | None = None  # starting_after: the id of the last record seen
    before: str | None = None  # ending_before: the id of the first record seen

    @property
    def names(self) -> frozenset[str]:
        bounds = (self.offset, self.size, self.page)
        return frozenset(
            [b.name for b in bounds if b] + [n for n in (self.token, self.id_cursor, self.before) if n]
        )

    @property
    def base(self) -> int:
        """First page number: 0 when the ``page`` parameter's minimum or default is 0, else 1."""
        if self.page is not None and 0 in (self.page.minimum, self.page.default):
            return 0
        return 1


@dataclass(frozen=True, slots=True)
class Window:
    offset: int
    limit: int | None  # None: everything from offset on
    after_key: str | None = None
    before_key: str | None = None


def page_plan(document: Any, operation: Operation) -> PagePlan:
    query = {norm(p.name): p for p in operation.parameters if p.location == "query"}

    def bound(names: tuple[str, ...]) -> Bound | None:
        param = next((query[n] for n in names if n in query), None)
        return _bound(document, param) if param is not None else None

    def name(names: tuple[str, ...]) -> str | None:
        return next((query[n].name for n in names if n in query), None)

    size = bound(SIZE_NAMES)
    return PagePlan(
        offset=bound(OFFSET_NAMES),
        size=size,
        page=bound(PAGE_NAMES),
        token=name(TOKEN_NAMES),
        id_cursor=name(ID_CURSOR_NAMES),
        before=name(BEFORE_NAMES),
    )


def _bound(document: Any, param: Parameter) -> Bound:
    schema = deref(document, param.schema)
    schema = schema if isinstance(schema, dict) else {}

    def number(key: str) -> int | None:
        value = schema.get(key)
        return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    minimum, maximum = number("minimum"), number("maximum")
    if minimum is None and isinstance(schema.get("exclusiveMinimum"), int | float):
        minimum = int(schema["exclusiveMinimum"]) + 1
    if maximum is None and isinstance(schema.get("exclusiveMaximum"), int | float):
        maximum = int(schema["exclusiveMaximum"]) - 1
    return Bound(param.name, number("default"), minimum, maximum)


def window(plan: PagePlan, query: Mapping[str, Sequence[str]]) -> Window:
    limit: int | None = None
    if plan.size is not None:
        fallback = min(DEFAULT_PAGE_SIZE, plan.size.maximum or DEFAULT_PAGE_SIZE)
        limit = max(plan.size.read(query, fallback), 0)
    elif plan.page is not None:
        limit = DEFAULT_PAGE_SIZE
    offset = 0
    if plan.offset is not None:
        offset = max(plan.offset.read(query, 0), 0)
    elif plan.page is not None and limit is not None:
        offset = max(plan.page.read(query, plan.base) - plan.base, 0) * limit
    if plan.token is not None and query.get(plan.token):
        decoded = decode_token(query[plan.token][-1])
        if decoded is None:
            return Window(0, limit, after_key=query[plan.token][-1])
        offset = decoded
    return Window(offset, limit, _last(query, plan.id_cursor), _last(query, plan.before))


def _last(query: Mapping[str, Sequence[str]], name: str | None) -> str | None:
    values = query.get(name) if name else None
    return values[-1] if values else None


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_token(token: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    offset = ascii_int(raw[2:]) if raw.startswith("o:") else None
    return offset if offset is not None and 0 <= offset <= LARGEST else None
