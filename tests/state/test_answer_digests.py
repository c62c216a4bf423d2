"""The same seed and the same requests give the same bytes: a fixed walk of mixed requests (creates with
valid, empty, malformed and mistyped bodies, reads, lists with queries, replaces, patches, deletes, actions,
requests without credentials, ``Prefer`` and ``Accept`` variations) against each bundled API and the
bookstore document, its answers (status, headers, body) and the store's records afterwards hashed and
compared with the digests recorded from main before the create path was restructured for speed.

A changed digest is a changed answer somewhere in the walk: ``python -m tests.state.test_answer_digests
NAME`` prints the walk's transcript, to diff against the same command run on main.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from specmock.openapi.model import Operation
from specmock.runtime import Api
from specmock.server import create_app
from specmock.state.inferred.identity import key_of
from tests.state.specs import bookstore

STEPS = 300
START = 1_800_000_000.0  # 2027-01-15T08:00:00Z; the clock moves 97 s a step (expiry happens in the walk)
JUNK = ("missing-7", "0", "zz%20top")
QUERY_VALUES = ("1", "2", "0", "-1", "abc", "true", "")
PREFERENCES = ("code=404", "code=201", "dynamic=false", "example=nope", "code=500")

# answers digest, store digest: recorded from main (84b02b4)
EXPECTED = {
    "rebilly": (
        "17b2fe623742ba47c73fb361409863adfbdb7558259e57c3d8f07f8caef31aaf",
        "c8936984019c41e650fb2e6d61db822629b396cd459bb6d4ef6a640fc7543b17",
    ),
    "authentik": (
        "f7f215a8668539551d1cebadaa6e9152e41a069b18e772102473886abc6b9a07",
        "c7da30307d0328546136dcf7927672fa9b89bf1da689dc896b254bef0d48670a",
    ),
    "hellgate": (
        "1e4d454f3f5c36581e4c979a1404e507e582b9740ff51c8bfa5eb3c52f44f5af",
        "82eb3f6be3e94d29ecda3c9880313f8dbabaf5d677b70786897d4d04df692a4f",
    ),
    "bookstore": (
        "6fa8d6ca6ea765a928584419241017068a42e8f1181c7166798fbd3e8d42a71d",
        "cb0e9dbe73abe8062260aaca4e228c330d3ef64cbd7b4e40ea4209b3923b24ff",
    ),
}


class Clock:
    def __init__(self) -> None:
        self.value = START

    def __call__(self) -> float:
        return self.value


@dataclass
class Walk:
    """What the walk has seen: the keys each resource's answers showed, by parent path."""

    api: Api
    rng: random.Random
    known: dict[str, dict[tuple[tuple[str, ...], str], None]] = field(default_factory=dict)

    def keys(self, resource: str) -> list[tuple[tuple[str, ...], str]]:
        return list(self.known.get(resource, {}))

    def parent_path(self, resource: str, depth: int) -> tuple[str, ...]:
        parent = self.api.sandbox.plan.resources[resource].parent
        fitting = [(*path, key) for path, key in self.keys(parent or "") if len(path) + 1 == depth]
        if not fitting or self.rng.random() < 0.15:
            return tuple(self.rng.choice(JUNK) for _ in range(depth))
        return self.rng.choice(fitting)

    def item_key(self, resource: str, path: tuple[str, ...]) -> str:
        same = [key for at, key in self.keys(resource) if at == path]
        if not same or self.rng.random() < 0.15:
            return self.rng.choice(JUNK)
        return self.rng.choice(same)

    def remember(self, resource: str, path: tuple[str, ...], value: Any) -> None:
        id_field = self.api.sandbox.plan.resources[resource].id_field
        if id_field is None:
            return
        for record in _objects(value):
            if record.get(id_field) is not None:
                self.known.setdefault(resource, {})[path, key_of(record[id_field])] = None


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _objects(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _objects(inner)


def credentials(api: Api) -> dict[str, str]:
    """A well-formed credential for every declared scheme (any passes: no keys are configured)."""
    out = {}
    for scheme in api.document.get("components", {}).get("securitySchemes", {}).values():
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            out[scheme["name"]] = "Bearer k-1"
        elif scheme.get("type") in ("http", "oauth2", "openIdConnect"):
            out["Authorization"] = "Bearer k-1"
    return out


def body_for(walk: Walk, op: Operation) -> bytes | None:
    media = op.body.media[0] if op.body is not None and op.body.media else None
    if media is None or "json" not in media.name:
        return None
    draw = walk.rng.random()
    if draw < 0.1:
        return None
    if draw < 0.2:
        return b"{}"
    if draw < 0.28:
        return b'{"broken":'
    value = walk.api.generator.compile(media.schema or {}, direction="request")(
        random.Random(walk.rng.random())
    )
    if draw < 0.38 and isinstance(value, dict) and value:
        value[walk.rng.choice(sorted(value))] = walk.rng.choice([12345, [1, 2], None, "text"])
    return json.dumps(value, default=str).encode()


@dataclass
class Request:
    url: str  # path and query
    headers: dict[str, str]
    body: bytes | None
    parent: tuple[str, ...]  # the store's parent path: where the answer's records are filed


def request_for(walk: Walk, op: Operation) -> Request:
    rng, plan = walk.rng, walk.api.sandbox.plan
    route = plan.routes.get(op.key)
    values: dict[str, str] = {}
    parent: tuple[str, ...] = ()
    if route is not None:
        parent = walk.parent_path(route.resource, len(route.scope_params)) if route.scope_params else ()
        values.update(zip(route.scope_params, parent, strict=True))
        if route.item_param:
            values[route.item_param] = walk.item_key(route.resource, parent)
    path = op.route
    for param in op.parameters:
        if param.location == "path":
            path = path.replace("{" + param.name + "}", values.get(param.name, "1"))
    query = [
        f"{param.name}={rng.choice(QUERY_VALUES)}"
        for param in op.parameters
        if param.location == "query" and rng.random() < 0.3
    ]
    if rng.random() < 0.05:
        query.append("unknown=x")
    headers = credentials(walk.api) if rng.random() < 0.9 else {}
    if rng.random() < 0.05:
        headers["Accept"] = "text/csv"
    if rng.random() < 0.06:
        headers["Prefer"] = rng.choice(PREFERENCES)
    body = body_for(walk, op)
    if body is not None:
        headers["Content-Type"] = "application/json"
    url = walk.api.base_path + path + ("?" + "&".join(query) if query else "")
    return Request(url, headers, body, parent)


def run_walk(
    app_source: str | Path, seed: int = 1, store: str | None = None
) -> Iterator[tuple[str, int, bytes]]:
    """Each request's line, status and answer as bytes (status, headers, body); then the store
    (``store``: records shared through that Redis, see tests/sharing/test_shared_digests.py)."""
    app = create_app(app_source, seed=seed, store=store)
    api = app.apis[0]
    clock = Clock()
    api.sandbox.now = clock
    client = TestClient(app, base_url="http://testserver")
    walk = Walk(api, random.Random(f"walk-{seed}"))
    ops = sorted(api.operations.values(), key=lambda o: o.key)
    weights = [4 if api.sandbox.handles(op.key) else 1 for op in ops]
    for _ in range(STEPS):
        op = walk.rng.choices(ops, weights)[0]
        sent = request_for(walk, op)
        response = client.request(op.method, sent.url, content=sent.body, headers=sent.headers)
        clock.value += 97
        answer = b"%d\n" % response.status_code
        answer += b"".join(b"%s: %s\n" % pair for pair in response.headers.raw) + b"\n" + response.content
        yield f"{op.method} {sent.url} {sent.body!r}", response.status_code, answer
        route = api.sandbox.plan.routes.get(op.key)
        if (
            route is not None
            and 200 <= response.status_code < 300
            and "json" in response.headers.get("content-type", "")
        ):
            walk.remember(route.resource, sent.parent, response.json())
    for name in api.sandbox.collections():
        yield f"store {name}", 0, json.dumps(api.sandbox.dump(name), default=str).encode()


def bookstore_file(folder: Path) -> Path:
    path = folder / "bookstore.yaml"
    path.write_text(yaml.safe_dump(bookstore(), sort_keys=False))
    return path


def source(name: str, folder: Path) -> str | Path:
    return bookstore_file(folder) if name == "bookstore" else name


def digests(app_source: str | Path, store: str | None = None) -> tuple[tuple[str, str], Counter[int]]:
    answers, stored = hashlib.sha256(), hashlib.sha256()
    statuses: Counter[int] = Counter()
    for line, status, answer in run_walk(app_source, store=store):
        (stored if line.startswith("store ") else answers).update(line.encode() + b"\n" + answer + b"\n--\n")
        statuses[status] += 1
    return (answers.hexdigest(), stored.hexdigest()), statuses


@pytest.mark.parametrize("name", ["rebilly", "authentik", "hellgate", "bookstore"])
def test_the_walk_answers_as_recorded(name: str, tmp_path: Path) -> None:
    found, statuses = digests(source(name, tmp_path))
    assert len({s for s in statuses if 400 <= s < 500}) >= 2, statuses  # the walk reaches refusals …
    assert sum(n for s, n in statuses.items() if 200 <= s < 300) > STEPS // 4, statuses  # … and the store
    assert found == EXPECTED[name]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for line, _, answer in run_walk(source(sys.argv[1], Path(folder))):
            print(line)
            print(answer.decode(errors="replace"))
            print("--")
