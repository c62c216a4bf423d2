"""MockResponse: an answer as the shell sends it (status, body bytes, media type, headers), and the
header forms it is sent in."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

NO_CONTENT_STATUSES = frozenset({204, 205, 304})


Headers = list[tuple[str, str]]  # as sent: lower-case names, printable-ASCII values, in order


@dataclass(slots=True)
class MockResponse:
    status: int
    body: bytes = b""
    media_type: str | None = None
    headers: Headers = field(default_factory=list)  # Content-Type and -Length follow from the fields above
    violations: tuple[str, ...] = ()  # the engine's own findings, sent in `Specmock-Violations`
    _text: Headers | None = field(default=None, repr=False, compare=False)
    _raw: list[tuple[bytes, bytes]] | None = field(default=None, repr=False, compare=False)

    def text_headers(self) -> Headers:
        """The headers with ``Content-Type``, ``Content-Length`` left to the server (RSGI). Built
        once per response (answers are served again from the response cache); shared, so callers
        must not change the list."""
        if self._text is None:
            if self.media_type and self.status not in NO_CONTENT_STATUSES:
                self._text = [*self.headers, ("content-type", content_type(self.media_type))]
            else:
                self._text = self.headers
        return self._text

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The header list for ASGI, ``Content-Length`` included (a fresh list: the caller may append)."""
        if self._raw is None:
            raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in self.text_headers()]
            if self.status not in (204, 304):  # RFC 9110 §8.6: no Content-Length on a 204
                raw.append((b"content-length", b"%d" % len(self.body)))
            self._raw = raw
        return list(self._raw)


def wire_headers(headers: Mapping[str, str]) -> Headers:
    """Headers by name (as a spec or a store spells them) in the form ``MockResponse`` carries."""
    return [(header_name(name), header_text(value)) for name, value in headers.items()]


@functools.lru_cache(maxsize=256)  # the few extra pairs a shell adds (CORS) repeat
def encode_pairs(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[bytes, bytes], ...]:
    """Text header pairs as ASGI's bytes."""
    return tuple((name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs)


@functools.lru_cache(maxsize=64)
def content_type(media_type: str) -> str:
    """The Content-Type value for a media type: text gets its charset."""
    return media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")


@functools.lru_cache(maxsize=1024)  # names come from the spec
def header_name(name: str) -> str:
    """The lower-case wire form of a header name."""
    return name.lower()


def header_text(value: str) -> str:
    """A header value HTTP/1.1 can carry: printable ASCII, everything else backslash-escaped."""
    if value.isascii() and value.isprintable():
        return value
    return "".join(c if " " <= c <= "~" else c.encode("unicode_escape").decode("ascii") for c in value)
