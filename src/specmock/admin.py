"""The admin API under the reserved prefix ``/__specmock/`` (no API path can start with it).

| method + path | what |
| --- | --- |
| GET `/` or `/__specmock/` | what is mounted (JSON), or the dashboard for browsers (Accept: text/html) |
| GET `/__specmock/journal?limit=N&after=ID` | the last requests (status, violations, faults, curl) |
| DELETE `/__specmock/journal` | clear the journal |
| POST `/__specmock/reset` | every API back to its seeded state (and the journal cleared) |
| GET `/__specmock/apis/{api}/openapi.json` | the served document |
| GET `/__specmock/apis/{api}/state/{collection}` | the stored records of a resource |
| PUT `/__specmock/apis/{api}/state/{collection}` | replace them with the JSON array (422 when one misfits) |
| GET `/__specmock/apis/{api}` | the API described: operations, inferred resources |
| GET `/__specmock/settings` | seed, latency and fault settings, the last reload |
| GET `/__specmock/ui/{api}` | Swagger UI for that API (shipped with the package: no network) |
| GET `/__specmock/assets/{file}` | the dashboard's and Swagger UI's files |

Who may call it is decided before ``handle`` (``browser.admin_refusal``): the sandbox's own Host
names, no other origin's web page, JSON bodies only; its answers carry no CORS headers.
"""

from __future__ import annotations

from typing import Any, Protocol

from specmock import json_exact
from specmock.config import MockConfig
from specmock.devloop import assets, views
from specmock.devloop.disruption import Disruptor
from specmock.journal import Journal
from specmock.messages.problems import problem_response
from specmock.messages.requests import MockRequest
from specmock.messages.responses import MockResponse
from specmock.pipeline.serialize import dumps_json
from specmock.record_check import record_violations
from specmock.runtime import Api
from specmock.text_numbers import ascii_int

PREFIX = "/__specmock"
MAX_LISTED = 200  # violations listed in one answer (the detail counts the records)
READS = ("GET", "HEAD")


class Mount(Protocol):
    disruptor: Disruptor


class Served(Protocol):
    journal: Journal
    config: MockConfig
    reload_status: dict[str, Any] | None

    @property
    def apis(self) -> list[Api]: ...

    @property
    def mounted(self) -> Mount: ...

    def reset(self) -> None: ...


def _json(value: Any, status: int = 200) -> MockResponse:
    return MockResponse(status, dumps_json(value), "application/json")


def handle(app: Served, request: MockRequest) -> MockResponse:
    parts = [p for p in request.path.removeprefix(PREFIX).split("/") if p]
    method = request.method
    if not parts:
        return _index(app, request)
    if parts == ["journal"]:
        if method == "DELETE":
            app.journal.clear()
            return MockResponse(204)
        if method not in READS:
            return _not_allowed(request, "GET, HEAD, DELETE")
        return _json(app.journal.entries(_number(request, "limit"), _number(request, "after")))
    if parts == ["reset"]:
        if method != "POST":
            return _not_allowed(request, "POST")
        app.reset()
        return MockResponse(204)
    if parts == ["settings"]:
        return _json(views.settings(app.config, app.mounted.disruptor, app.reload_status))
    if parts[0] == "assets":
        found = assets.asset("/".join(parts[1:]))
        return found if found is not None else problem_response(404, f"no asset at {request.path}")
    named: Api | None = next((a for a in app.apis if len(parts) > 1 and a.name == parts[1]), None)
    if parts[0] == "ui" and named is not None:
        return assets.swagger_ui_page(named.name)
    if parts[0] == "apis" and named is not None:
        if len(parts) == 2:
            return _json(views.describe_api(named, app.mounted.disruptor))
        return _api_admin(named, parts[2:], request)
    return problem_response(404, f"no admin endpoint at {request.path}")


def _number(request: MockRequest, name: str) -> int | None:
    value = ascii_int((request.query.get(name) or [""])[-1])
    return value if value is not None and value >= 0 else None


def _api_admin(api: Api, rest: list[str], request: MockRequest) -> MockResponse:
    if rest == ["openapi.json"]:
        if "local" in request.query.get("servers", ()):
            # For Swagger UI's "Try it out" and contract runs: requests go to this sandbox.
            return _json(local_servers(api.document, api.base_path or "/"))
        return _json(api.document)
    if len(rest) == 2 and rest[0] == "state":
        collection = rest[1]
        if collection not in api.sandbox.collections():
            return problem_response(404, f"{api.name} has no inferred resource named {collection!r}")
        if request.method not in ("PUT", *READS):
            return _not_allowed(request, "GET, HEAD, PUT")
        if request.method == "PUT":
            return _replace_state(api, collection, request.body)
        return _json(api.sandbox.dump(collection))
    return problem_response(404, f"no admin endpoint at {request.path}")


def _replace_state(api: Api, collection: str, body: bytes) -> MockResponse:
    """The resource's records become the body's, when every one fits the schema; else 422 listing
    each violation, and nothing is replaced."""
    try:
        records = json_exact.loads(body)
    except ValueError as exc:
        return problem_response(400, f"the body must be a JSON array of records ({exc})")
    if not isinstance(records, list):
        return problem_response(400, "the body must be a JSON array of records")
    found = record_violations(api, collection, records)
    if found:
        listed = [{"record": v.index, "path": v.path, "message": v.message} for v in found]
        records_named = len({v.index for v in found})
        detail = (
            f"{records_named} of the {len(records)} records do not fit the {collection} schema; "
            "nothing replaced"
        )
        return problem_response(422, detail, violations=listed[:MAX_LISTED])
    try:
        api.sandbox.load(collection, records)
    except ValueError as exc:  # duplicate ids, a parent that does not exist
        return problem_response(422, f"records not loaded: {exc}; nothing replaced")
    return MockResponse(204)


def _not_allowed(request: MockRequest, allowed: str) -> MockResponse:
    return problem_response(405, f"{request.path} takes {allowed}", {"Allow": allowed})


def local_servers(document: dict[str, Any], url: str) -> dict[str, Any]:
    """The document with every `servers` list (top, path and operation level) pointing at the sandbox,
    where all its operations are mounted."""
    paths = {}
    for path, item in (document.get("paths") or {}).items():
        if isinstance(item, dict):
            item = {k: _without_servers(v) for k, v in item.items() if k != "servers"}
        paths[path] = item
    return {**document, "servers": [{"url": url}], "paths": paths}


def _without_servers(node: Any) -> Any:
    return {k: v for k, v in node.items() if k != "servers"} if isinstance(node, dict) else node


def _index(app: Served, request: MockRequest) -> MockResponse:
    mounted = [
        {
            "name": api.name,
            "title": str((api.document.get("info") or {}).get("title", api.name)),
            "base_path": api.base_path or "/",
            "operations": len(api.operations),
            "openapi": f"{PREFIX}/apis/{api.name}/openapi.json",
            "swagger_ui": f"{PREFIX}/ui/{api.name}",
            "describe": f"{PREFIX}/apis/{api.name}",
        }
        for api in app.apis
    ]
    if "text/html" not in request.headers.get("accept", ""):
        return _json({"apis": mounted, "admin": PREFIX})
    return assets.dashboard_page()
