"""The upstream: one pooled aiohttp session, and the headers that may cross the proxy in each direction.

Hop-by-hop headers (RFC 9110 §7.6.1: Connection and the headers it names, Keep-Alive, TE, Trailer,
Transfer-Encoding, Upgrade, Proxy-*) belong to one connection and are dropped both ways; everything
else, bytes included, passes unchanged. The body is relayed as the upstream sent it (no decompression).
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from aiohttp.payload import TOO_LARGE_BYTES_BODY
from yarl import URL

from specmock.errors import ConfigError
from specmock.types import Pairs

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Not forwarded as sent: the client computes Host and Content-Length for the upstream request.
REQUEST_ONLY = frozenset({"host", "content-length", "expect"})
# Headers aiohttp would add on its own: only what the client sent is forwarded.
NOT_ADDED = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
MAX_HEADER = 1 << 16


def upstream_base(url: str) -> str:
    """The upstream URL without a trailing slash; ConfigError when it is not an http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"--upstream {url}: expected an http:// or https:// URL such as http://127.0.0.1:8000"
        )
    if parts.query or parts.fragment:
        raise ConfigError(f"--upstream {url}: give the base URL only, without a query or fragment")
    return url.rstrip("/")


def _connection_tokens(pairs: Iterable[tuple[str, str]]) -> set[str]:
    return {
        token.strip().lower()
        for name, value in pairs
        if name.lower() == "connection"
        for token in value.split(",")
    }


def request_headers(pairs: Pairs, client: str, host: str | None, scheme: str) -> Pairs:
    """The client's headers as forwarded: hop-by-hop and Host dropped, X-Forwarded-* added."""
    named = _connection_tokens(pairs)
    out = [
        (name, value)
        for name, value in pairs
        if (lower := name.lower()) not in HOP_BY_HOP and lower not in REQUEST_ONLY and lower not in named
    ]
    if client:
        out.append(("x-forwarded-for", client.rsplit(":", 1)[0]))
    if host:
        out.append(("x-forwarded-host", host))
    out.append(("x-forwarded-proto", scheme))
    return out


def response_headers(raw: Iterable[tuple[bytes, bytes]]) -> Pairs:
    """The upstream's headers, in order and with repeats (Set-Cookie), hop-by-hop ones dropped."""
    pairs = [(name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in raw]
    named = _connection_tokens(pairs)
    return [(n, v) for n, v in pairs if n not in HOP_BY_HOP and n not in named]


class UpstreamError(Exception):
    """The upstream did not answer (refused, reset, timed out) or broke off its answer."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
        self.timeout = isinstance(error, TimeoutError)


@dataclass(slots=True)
class Reply:
    """The upstream's answer, its body still to be read (``chunks``, as sent: no decompression)."""

    status: int
    headers: Mapping[str, str]  # case-insensitive (for checking; a repeated header: its first value)
    raw: Pairs  # as relayed: in order, repeats kept, hop-by-hop ones dropped
    _response: aiohttp.ClientResponse

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as error:
            raise UpstreamError(error) from error

    async def close(self) -> None:
        """Back to the pool when read to its end, else the connection is closed."""
        self._response.release()


class Upstream:
    """A pooled aiohttp session for the upstream, created on first use inside the serving event loop.

    aiohttp rather than httpx: on this machine httpx spent about 0.8 ms of CPU per small request,
    aiohttp 0.2 ms (bench/proxy.py measures the whole proxy).
    """

    def __init__(self, base: str, timeout: float) -> None:
        self.base = upstream_base(base)
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=256, keepalive_timeout=30),
                timeout=aiohttp.ClientTimeout(total=None, connect=self.timeout, sock_read=self.timeout),
                cookie_jar=aiohttp.DummyCookieJar(),  # the clients' cookies are theirs: none kept here
                auto_decompress=False,  # relay the bytes as sent
                skip_auto_headers=NOT_ADDED,
                max_line_size=MAX_HEADER,
                max_field_size=MAX_HEADER,
                max_headers=256,
            )
        return self._session

    async def send(
        self, method: str, target: str, headers: Pairs, body: bytes | io.BytesIO | AsyncIterator[bytes]
    ) -> Reply:
        """The upstream's answer to ``target`` (path and query as received); UpstreamError when none.
        A body given as chunks is sent as they come (with the Content-Length in ``headers``, else
        chunked); when they break off, the request is cut short, never ended as if complete."""
        url = URL(self.base + target, encoded=True)  # the path and query exactly as the client sent them
        if isinstance(body, bytes) and len(body) > TOO_LARGE_BYTES_BODY:
            body = io.BytesIO(body)  # aiohttp writes it in pieces (and warns about raw bytes this large)
        try:
            response = await self.session.request(
                method, url, headers=headers, data=body or None, allow_redirects=False
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            raise UpstreamError(error) from error
        return Reply(response.status, response.headers, response_headers(response.raw_headers), response)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
