"""MockRequest: the plain value every stage reads. Built once per request by the shell (RSGI or ASGI)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, NoReturn
from urllib.parse import parse_qsl


@dataclass(slots=True)
class MockRequest:
    method: str
    path: str  # relative to the API's mount point, as matched against path templates
    raw_query: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes = b""
    full_path: str = ""  # as the client sent it, for Location headers and problem `instance`
    _query: dict[str, list[str]] | None = field(default=None, repr=False)
    _cookies: dict[str, str] | None = field(default=None, repr=False)

    @property
    def query(self) -> dict[str, list[str]]:
        if self._query is None:
            parsed: dict[str, list[str]] = {}
            if not self.raw_query:
                self._query = parsed
                return parsed
            for name, value in parse_qsl(self.raw_query, keep_blank_values=True):
                parsed.setdefault(name, []).append(value)
            self._query = parsed
        return self._query

    @property
    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(self.headers.get("cookie", ""))
            except Exception:  # a malformed Cookie header is just "no cookies"
                jar = SimpleCookie()
            self._cookies = {k: v.value for k, v in jar.items()}
        return self._cookies

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def header_items_to_dict(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """ASGI's header bytes, decoded as ``header_pairs_to_dict`` reads them."""
    return header_pairs_to_dict(
        [(name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in raw]
    )


def header_pairs_to_dict(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Header pairs already decoded, names in lower case (RSGI's ``scope.headers.items()``); the
    values of a repeated header joined with ", " in order."""
    headers = dict(pairs)
    if len(headers) == len(pairs):
        return headers
    headers = {}
    for name, value in pairs:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


class ConsultedHeaders(dict[str, str]):
    """A request's headers that remember which names were looked up (``get``, ``[]``, ``in``), as
    HTTP's ``Vary`` names what an answer depended on: an answer produced from them depends on those
    headers alone (absent ones included), not on the others. Anything that reads them whole
    (iterating, copying, comparing, printing) sets ``whole``: then the answer may depend on any.
    Nothing changes them (a write raises)."""

    __slots__ = ("names", "whole")

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(headers)
        self.names: set[str] = set()
        self.whole = False

    def get(self, key: str, default: Any = None) -> Any:
        self.names.add(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: str) -> str:
        self.names.add(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        self.names.add(key)  # type: ignore[arg-type]  # a non-str key is never a header: kept as read
        return dict.__contains__(self, key)

    def _read_whole(self) -> dict[str, str]:
        self.whole = True
        return dict(dict.items(self))

    def __iter__(self) -> Iterator[str]:
        return iter(self._read_whole())

    def __len__(self) -> int:
        return len(self._read_whole())

    def __repr__(self) -> str:
        return repr(self._read_whole())

    def __eq__(self, other: object) -> bool:
        return self._read_whole() == other

    def __ne__(self, other: object) -> bool:
        return self._read_whole() != other

    __hash__ = None  # as dict's

    def keys(self) -> Any:
        return self._read_whole().keys()

    def values(self) -> Any:
        return self._read_whole().values()

    def items(self) -> Any:
        return self._read_whole().items()

    def copy(self) -> dict[str, str]:
        return self._read_whole()

    def __or__(self, other: Any) -> Any:
        return self._read_whole() | other

    def __ror__(self, other: Any) -> Any:
        return other | self._read_whole()

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._read_whole())

    def __reduce__(self) -> Any:
        return (dict, (self._read_whole(),))

    def _unchanged(self, *_: Any, **__: Any) -> NoReturn:
        raise TypeError("a request's headers are not changed")

    __setitem__ = __delitem__ = __ior__ = update = pop = popitem = setdefault = clear = _unchanged
