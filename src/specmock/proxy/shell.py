"""The proxy's I/O shell: Granian calls it through RSGI; request bodies are handed to the relay
unread (``proxy/body.py`` reads or streams them), answers are sent whole or streamed.

``create_proxy(config)`` builds it; ``serve_proxy(config)`` serves it from a thread (tests, scripts).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from specmock.config import MockConfig
from specmock.errors import ConfigError
from specmock.messages.problems import internal_error
from specmock.messages.requests import header_pairs_to_dict
from specmock.messages.responses import MockResponse
from specmock.proxy.config import ProxyConfig
from specmock.proxy.relay import Answer, Incoming, Proxy, Relayed
from specmock.request_body import RequestBody, declared_length
from specmock.server import create_app, free_port, in_background

log = logging.getLogger("specmock")


class ProxyApp:
    """An RSGI application: every request through ``Proxy.handle``."""

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self.journal = proxy.mock.journal
        self.config = proxy.mock.config  # the connection limits Granian is started with

    async def shutdown(self) -> None:
        await self.proxy.upstream.close()

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return
        pairs = scope.headers.items()
        headers = header_pairs_to_dict(pairs)
        body = RequestBody(protocol, declared_length(headers, scope.http_version), self.config.max_body)
        incoming = Incoming(
            scope.method, scope.path, scope.query_string, headers, pairs, body, scope.client, scope.scheme
        )
        try:
            answer = await self.proxy.handle(incoming)
        except Exception:
            log.exception("%s %s: internal error in specmock proxy", incoming.method, incoming.full_path)
            answer = Answer(internal_error("relay"))
        await _send(protocol, answer)


async def _send(protocol: Any, answer: Answer) -> None:
    response = answer.response
    if isinstance(response, MockResponse):
        protocol.response_bytes(response.status, response.text_headers() + answer.extra, response.body)
        return
    await _relay(protocol, response, answer.extra)


async def _relay(protocol: Any, relayed: Relayed, extra: list[tuple[str, str]]) -> None:
    headers = relayed.headers + extra
    if relayed.rest is None:
        await relayed.upstream.close()
        protocol.response_bytes(relayed.status, headers, relayed.body)
        return
    transport = protocol.response_stream(relayed.status, headers)
    try:
        if relayed.body:
            await transport.send_bytes(relayed.body)
        async for chunk in relayed.rest:
            await transport.send_bytes(chunk)
    except Exception as error:  # the client left, or the upstream broke off: nothing more can be said
        log.warning("streaming %s bytes broke off: %s", relayed.status, error)
    finally:
        await relayed.upstream.close()


def create_proxy(config: ProxyConfig) -> ProxyApp:
    """The proxy for ``config.spec`` in front of ``config.upstream``; the mock it falls back on (and
    whose routing and validators it uses) is built from the same spec."""
    mock_config = MockConfig(
        seed=config.seed,
        records=config.records,
        base_path=config.base_path,
        cors=False,
        quiet=config.quiet,
        max_body=config.max_body,
    )
    mock = create_app(config.spec, config=mock_config)
    if len(mock.apis) != 1:
        raise ConfigError("specmock proxy takes exactly one spec")
    return ProxyApp(Proxy(config, mock))


@dataclass
class RunningProxy:
    app: ProxyApp
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def journal(self, limit: int | None = None) -> list[dict[str, Any]]:
        return self.app.journal.entries(limit)


@contextlib.contextmanager
def serve_proxy(
    config: ProxyConfig, host: str = "127.0.0.1", port: int | None = None
) -> Iterator[RunningProxy]:
    """Serve the proxy in a background thread for the duration of the ``with`` block."""
    app = create_proxy(config)
    port = port or free_port(host)
    with in_background(app, host, port):
        yield RunningProxy(app, host, port)
