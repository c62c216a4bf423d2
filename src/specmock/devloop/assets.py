"""The files the dashboard and the Swagger UI pages load, shipped inside the package (``static/``):
no build step, no network. Swagger UI is swagger-ui-dist from npm, vendored unchanged with its
licence (``static/swagger-ui/VENDORED.json`` names the version; ``tools/vendor_swagger_ui.py``
refreshes it)."""

from __future__ import annotations

import functools
import html
import json
from importlib import resources
from urllib.parse import quote

from specmock.messages.responses import MockResponse

PREFIX = "/__specmock"
ASSETS = f"{PREFIX}/assets"
# Every file that may be served, by its path under static/ (nothing else is reachable).
MEDIA = {
    "dashboard/index.html": "text/html",
    "dashboard/dashboard.js": "text/javascript",
    "dashboard/dashboard.css": "text/css",
    "swagger-ui/swagger-ui-bundle.js": "text/javascript",
    "swagger-ui/swagger-ui.css": "text/css",
    "swagger-ui/favicon-32x32.png": "image/png",
    "swagger-ui/LICENSE": "text/plain",
    "swagger-ui/NOTICE": "text/plain",
    "swagger-ui/swagger-ui-bundle.js.LICENSE.txt": "text/plain",
    "swagger-ui/VENDORED.json": "application/json",
}
# The vendored files change only with the package; the dashboard's own are read fresh each time.
CACHING = {"swagger-ui": "public, max-age=3600", "dashboard": "no-cache"}


@functools.cache
def _read(name: str) -> bytes:
    return (resources.files("specmock.devloop") / "static" / name).read_bytes()


def asset(name: str) -> MockResponse | None:
    """The file ``static/<name>``, or None when there is no such asset."""
    media = MEDIA.get(name)
    if media is None:
        return None
    caching = CACHING[name.split("/", 1)[0]]
    return MockResponse(200, _read(name), media, [("cache-control", caching)])


def swagger_ui_version() -> str:
    return str(json.loads(_read("swagger-ui/VENDORED.json"))["version"])


def dashboard_page() -> MockResponse:
    response = asset("dashboard/index.html")
    assert response is not None
    return response


SWAGGER_UI = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · specmock</title>
<link rel="icon" type="image/png" href="{assets}/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="{assets}/swagger-ui/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="{assets}/swagger-ui/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: {spec},
  dom_id: "#ui",
  tryItOutEnabled: true,
  validatorUrl: null
}});
</script></body></html>"""


def swagger_ui_page(api_name: str) -> MockResponse:
    """Swagger UI for one API: its document with the servers pointed at this sandbox, so "Try it
    out" calls the sandbox; ``validatorUrl: null`` keeps the page off the network."""
    page = SWAGGER_UI.format(
        title=html.escape(api_name),
        assets=ASSETS,
        spec=json.dumps(f"{PREFIX}/apis/{quote(api_name)}/openapi.json?servers=local").replace("</", "<\\/"),
    )
    return MockResponse(200, page.encode(), "text/html", [("cache-control", "no-cache")])
