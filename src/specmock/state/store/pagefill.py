"""The numbers of one page, written into the fields and headers the API declares, with their types."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Header
from specmock.state.inferred.naming import norm
from specmock.state.inferred.paging import encode_token
from specmock.state.inferred.shapes import BY_NAME, Slot

HEADER_ALIASES = {
    "xtotal": "total",
    "totalcount": "total",
    "xtotalitems": "total",
    "xresultcount": "total",
    "xtotalpages": "pages",
    "paginationtotalpages": "pages",
    "xpages": "pages",
    "xlimit": "size",
    "xpagesize": "size",
    "paginationperpage": "size",
    "paginationpagesize": "size",
    "xoffset": "offset",
    "xcurrentpage": "page",
    "paginationpage": "page",
    "paginationcurrentpage": "page",
    "xnextcursor": "next_cursor",
    "xcontinuation": "next_cursor",
    "xhasmore": "has_more",
}
Linker = Callable[[int], str]  # offset → URL of the page starting there


@dataclass(frozen=True, slots=True)
class Page:
    total: int
    offset: int
    limit: int | None
    returned: int
    base: int  # number of the first page (0 or 1)

    @property
    def size(self) -> int:
        return self.limit if self.limit is not None else max(self.total - self.offset, self.returned, 1)

    @property
    def current(self) -> int:
        return self.base + (self.offset // self.size if self.size else 0)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size)) if self.size else 1

    @property
    def next_offset(self) -> int | None:
        end = self.offset + self.returned
        return end if end < self.total and self.limit else None

    @property
    def prev_offset(self) -> int | None:
        if self.offset <= 0:
            return None
        return max(self.offset - self.size, 0)


def _numbers(page: Page) -> dict[str, Any]:
    return {
        "total": page.total,
        "pages": page.pages,
        "page": page.current,
        "size": page.size,
        "offset": page.offset,
        "returned": page.returned,
        "start": page.offset + 1 if page.returned else 0,
        "end": page.offset + page.returned,
        "has_more": page.next_offset is not None,
        "has_previous": page.offset > 0,
        "first": page.offset == 0,
        "last": page.next_offset is None,
        "empty": page.returned == 0,
    }


def _page_number(page: Page, offset: int | None) -> int | None:
    return None if offset is None else page.base + (offset // page.size if page.size else 0)


def slot_value(slot: Slot, page: Page, link: Linker) -> Any:
    meaning, types = slot.meaning, slot.types
    if meaning in ("next", "previous", "next_cursor", "prev_cursor"):
        offset = page.next_offset if meaning.startswith("next") else page.prev_offset
        if offset is None:
            return None if "null" in types else ("" if "string" in types else 0)
        if meaning.endswith("cursor"):
            return encode_token(offset) if "string" in types else offset
        if "string" in types:
            return link(offset)
        return _page_number(page, offset)
    value = _numbers(page).get(meaning)
    if isinstance(value, bool) or value is None:
        return value
    if "integer" in types or "number" in types:
        return value
    return str(value) if "string" in types else value


def fill(envelope: dict[str, Any], slots: Iterable[Slot], page: Page, link: Linker) -> None:
    """Write the page's numbers into the envelope (a fresh copy the caller owns)."""
    for slot in slots:
        target = envelope
        if slot.container is not None:
            inner = envelope.get(slot.container)
            target = envelope[slot.container] = dict(inner) if isinstance(inner, dict) else {}
        target[slot.name] = slot_value(slot, page, link)


def headers(declared: Iterable[Header], page: Page, link: Linker) -> dict[str, str]:
    out: dict[str, str] = {}
    for header in declared:
        key = norm(header.name)
        if key == "link":
            out[header.name] = link_header(page, link)
            continue
        meaning = HEADER_ALIASES.get(key) or BY_NAME.get(key)
        if meaning is None:
            continue
        value = slot_value(Slot(None, header.name, meaning, frozenset({"integer", "string"})), page, link)
        if value is None or value == "":
            continue
        out[header.name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def link_header(page: Page, link: Linker) -> str:
    rels: list[tuple[str, int]] = [("first", 0)]
    if page.prev_offset is not None:
        rels.append(("prev", page.prev_offset))
    if page.next_offset is not None:
        rels.append(("next", page.next_offset))
    if page.limit:
        rels.append(("last", max(page.pages - 1, 0) * page.size))
    return ", ".join(f'<{link(offset)}>; rel="{rel}"' for rel, offset in rels)
