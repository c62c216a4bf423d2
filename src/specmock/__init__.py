"""specmock: a stateful, deterministic mock and contract-test server driven by OpenAPI documents.

from specmock import create_app, serve

app = create_app("specs/hellgate", seed=1)          # an ASGI app
with serve("hellgate", seed=1) as server:           # a real server on a free port
    httpx.get(server.url + "/authentications", headers={"X-API-Key": "k"})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from specmock.config import MockConfig
from specmock.errors import ConfigError, SpecError, SpecmockError
from specmock.version import __version__

if TYPE_CHECKING:
    from specmock.server import create_app, serve

__all__ = ["ConfigError", "MockConfig", "SpecError", "SpecmockError", "__version__", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    # The server stack (connexion, granian) loads only when asked for, so `specmock.openapi` stays light.
    if name in ("create_app", "serve"):
        from specmock import server

        return getattr(server, name)
    raise AttributeError(name)
