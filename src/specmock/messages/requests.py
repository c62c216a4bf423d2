"""MockRequest: the plain value every stage reads. Built once per request by the shell (RSGI or ASGI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookies import SimpleCookie
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
