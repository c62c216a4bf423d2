"""The upstream: one pooled httpx client, and the headers that may cross the proxy in each direction.

Hop-by-hop headers (RFC 9110 §7.6.1: Connection and the headers it names, Keep-Alive, TE, Trailer,
Transfer-Encoding, Upgrade, Proxy-*) belong to one connection and are dropped both ways; everything
else, bytes included, passes unchanged. The body is relayed as the upstream sent it (no decompression).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from specmock.errors import ConfigError

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
Pairs = list[tuple[str, str]]


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


def response_headers(raw: list[tuple[bytes, bytes]]) -> Pairs:
    """The upstream's headers, in order and with repeats (Set-Cookie), hop-by-hop ones dropped."""
    pairs = [(name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in raw]
    named = _connection_tokens(pairs)
    return [(n, v) for n, v in pairs if n not in HOP_BY_HOP and n not in named]


class UpstreamError(Exception):
    """The upstream did not answer (refused, reset, timed out) or broke off its answer."""

    def __init__(self, error: Exception, timeout: bool) -> None:
        super().__init__(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
        self.timeout = timeout


@dataclass(slots=True)
class Reply:
    """The upstream's answer, its body still to be read (``chunks``, as sent: no decompression)."""

    status: int
    headers: Mapping[str, str]  # case-insensitive; repeated headers joined with ", " (for checking)
    raw: Pairs  # as relayed: in order, repeats kept, hop-by-hop ones dropped
    _response: httpx.Response

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_raw():
                yield chunk
        except httpx.HTTPError as error:
            raise UpstreamError(error, isinstance(error, httpx.TimeoutException)) from error

    async def close(self) -> None:
        await self._response.aclose()


class Upstream:
    """A pooled client for the upstream, created on first use inside the serving event loop."""

    def __init__(self, base: str, timeout: float) -> None:
        self.base = upstream_base(base)
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout),
                limits=httpx.Limits(max_connections=256, max_keepalive_connections=64, keepalive_expiry=30),
                follow_redirects=False,  # a redirect is the upstream's answer: the client follows it
                trust_env=False,  # HTTP(S)_PROXY variables would route around the upstream given
            )
            for name in list(client.headers):  # no Accept-Encoding or User-Agent the client did not send
                del client.headers[name]
            self._client = client
        return self._client

    async def send(self, method: str, target: str, headers: Pairs, body: bytes) -> Reply:
        """The upstream's answer to ``target`` (path and query as received); UpstreamError when none."""
        request = self.client.build_request(method, self.base + target, headers=headers, content=body)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise UpstreamError(error, isinstance(error, httpx.TimeoutException)) from error
        return Reply(response.status_code, response.headers, response_headers(response.headers.raw), response)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
