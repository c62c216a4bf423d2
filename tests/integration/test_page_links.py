"""Page links a client can follow: absolute, on the server and mount the client reached, and leading
to the next page (a frontend pages by following ``next`` or ``Link``, not by rebuilding URLs)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from specmock import serve

SPEC = """
openapi: 3.1.0
info: {title: things, version: "1"}
servers: [{url: /v2}]
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 10, default: 3}}
        - {name: offset, in: query, schema: {type: integer, minimum: 0, default: 0}}
      responses:
        "200":
          description: a page
          headers:
            Link: {schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                required: [items, total, next]
                properties:
                  items: {type: array, items: {$ref: "#/components/schemas/Thing"}}
                  total: {type: integer}
                  next: {type: [string, "null"], format: uri}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
"""


def test_next_links_lead_to_the_next_page_on_this_server(tmp_path: Path) -> None:
    spec = tmp_path / "things.yaml"
    spec.write_text(SPEC)
    with serve(spec, records=7, seed=3) as server, httpx.Client(timeout=10) as client:
        seen: list[int] = []
        url: str | None = f"{server.url}/v2/things?limit=3"
        while url is not None:
            assert url.startswith(f"{server.url}/v2/things?"), url
            answer = client.get(url)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            seen += [thing["id"] for thing in page["items"]]
            link = re.search(r'<([^>]+)>;\s*rel="next"', answer.headers.get("link", ""))
            assert (link.group(1) if link else None) == page["next"]
            url = page["next"]
        assert sorted(seen) == list(range(1, 8))
        assert len(seen) == len(set(seen)) == 7
