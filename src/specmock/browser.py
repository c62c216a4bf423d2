"""What a web browser may do with the sandbox: CORS for the mocked API, nothing for the admin API.

The mocked API answers any origin, credentials included (a frontend on another port needs that),
unless ``cors_origins`` narrows it. The admin API (``/__specmock/``) is for the developer's own tools
(curl, test runners, the pages it serves itself): a page on another origin must neither read nor
change it. Browsers tell us where a request comes from (``Origin``, ``Sec-Fetch-Site``); DNS
rebinding (a hostile name resolving to 127.0.0.1) is told apart by the ``Host`` it sends.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterable

from specmock.messages.problems import problem_response
from specmock.messages.responses import MockResponse, wire_headers

HeaderTuple = tuple[tuple[str, str], ...]
ORIGIN = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]{1,255}")  # scheme://host[:port], as browsers send
ANY_ORIGIN: HeaderTuple = (("access-control-allow-origin", "*"),)
VARY_ORIGIN: HeaderTuple = (("vary", "Origin"),)
# Headers a frontend sends without the spec naming them (content negotiation, credentials, our Prefer).
SENSIBLE_HEADERS = frozenset(
    {
        "accept",
        "accept-language",
        "authorization",
        "cache-control",
        "content-language",
        "content-type",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "prefer",
        "x-requested-with",
    }
)
CROSS_SITE = frozenset({"cross-site", "same-site"})  # same-site: another port of localhost too
SAFE = frozenset({"GET", "HEAD"})


class CorsPolicy:
    """Which origins may read the mocked API (all when ``origins`` is empty)."""

    def __init__(self, origins: Iterable[str]) -> None:
        self.origins = frozenset(o.rstrip("/").lower() for o in origins)

    def headers(self, origin: str | None) -> HeaderTuple:
        """The CORS headers of an answer to a request from ``origin`` (None: not a CORS request)."""
        if origin is None:
            return () if self.origins else ANY_ORIGIN
        if not ORIGIN.fullmatch(origin) or (self.origins and origin.lower() not in self.origins):
            return VARY_ORIGIN
        return (
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "*"),
            ("vary", "Origin"),
        )


def preflight(methods: Collection[str], documented_headers: Iterable[str], requested: str) -> MockResponse:
    """The answer to a preflight for a path: its documented methods, and of the requested headers
    those the path's operations read or any frontend sends."""
    allowed = SENSIBLE_HEADERS.union(documented_headers)
    asked = [h.strip().lower() for h in requested.split(",") if h.strip()]
    answer = {"Access-Control-Allow-Methods": ", ".join(sorted(methods)), "Access-Control-Max-Age": "600"}
    granted = [h for h in asked if h in allowed]
    if granted:
        answer["Access-Control-Allow-Headers"] = ", ".join(granted)
    return MockResponse(204, b"", None, wire_headers(answer))


def admin_refusal(
    method: str, headers: dict[str, str], own_hosts: Collection[str], content_type: str
) -> MockResponse | None:
    """Why an admin request is refused (a 403/415 problem), or None when it may go on."""
    host = headers.get("host")
    if host is not None and not host_allowed(host, own_hosts):
        return problem_response(
            403,
            f"the admin API answers requests for this sandbox's own address, not Host {host[:100]!r} "
            "(allow a name with --allow-host)",
        )
    origin = headers.get("origin")
    if (origin is not None and not same_origin(origin, host)) or _cross_site(method, headers):
        return problem_response(403, "the admin API does not answer requests from other origins' web pages")
    if method == "PUT" and content_type != "application/json" and not content_type.endswith("+json"):
        return problem_response(415, "the admin API takes JSON bodies (Content-Type: application/json)")
    return None


def _cross_site(method: str, headers: dict[str, str]) -> bool:
    """A request a page of another site made (a link followed to a page is a navigation: shown to the
    user, never to the page, and it changes nothing)."""
    if headers.get("sec-fetch-site") not in CROSS_SITE:
        return False
    return not (method in SAFE and headers.get("sec-fetch-mode") == "navigate")


def same_origin(origin: str, host: str | None) -> bool:
    """``Origin`` names the address the request was sent to (a page this sandbox served)."""
    scheme, _, authority = origin.partition("://")
    return host is not None and scheme in ("http", "https") and authority.lower() == host.lower()


def host_allowed(host: str, own_hosts: Collection[str]) -> bool:
    """Loopback names, IP literals (a rebinding attack sends a name) and the configured names."""
    name = host_name(host)
    if name == "localhost" or name.endswith(".localhost") or name in own_hosts:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_name(host: str) -> str:
    """``[::1]:4010`` → ``::1``, ``Example.test:80`` → ``example.test``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() else host
