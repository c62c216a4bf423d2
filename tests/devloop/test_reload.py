"""Hot reload (`serve --watch`) against a real server: edits are served, unchanged resources keep
their records, a broken edit keeps the last good version, a reload is atomic."""

from __future__ import annotations

import concurrent.futures
import copy
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from specmock import serve
from specmock.server import free_port
from tests.devloop.specs import pets_spec, write

SPECMOCK = Path(sys.executable).parent / "specmock"
BROKEN = (
    "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
    "        '200': {$ref: '#/components/responses/Missing'}\n"
)


def eventually(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the reload was not served in time")
        time.sleep(0.05)


def answers(client: httpx.Client, path: str, status: int = 200) -> Callable[[], bool]:
    return lambda: client.get(path).status_code == status


def with_new_path(document: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["paths"]["/new"] = {"get": {"operationId": "fresh", "responses": {"200": {"description": "ok"}}}}
    return changed


def test_an_edit_is_served_and_unchanged_resources_keep_their_records(tmp_path: Path) -> None:
    path = write(tmp_path, pets_spec())
    with serve(path, watch=True, seed=4) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        created = client.post("/pets", json={"name": "Rex"}).json()
        owners_before = client.get("/owners").json()
        assert client.get("/new").status_code == 404
        changed = with_new_path(pets_spec())
        owner = changed["components"]["schemas"]["Owner"]
        owner["properties"]["age"] = {"type": "integer", "minimum": 1, "maximum": 99}
        owner["required"] = ["id", "name", "age"]
        write(tmp_path, changed)
        eventually(answers(client, "/new"))
        assert client.get(f"/pets/{created['id']}").json() == created  # pets: the same schema, kept
        owners = client.get("/owners").json()
        assert owners != owners_before
        assert all("age" in o for o in owners)
        status = server.app.reload_status
        assert status is not None
        assert status["ok"]
        assert "kept the records of pets" in status["message"]
        assert "re-seeded owners" in status["message"]


def test_a_changed_sibling_file_is_reloaded(tmp_path: Path) -> None:
    document = pets_spec()
    pet = document["components"]["schemas"].pop("Pet")
    (tmp_path / "pet.yaml").write_text(yaml.safe_dump(pet))
    text = yaml.safe_dump(document, sort_keys=False).replace("'#/components/schemas/Pet'", "pet.yaml")
    (tmp_path / "openapi.yaml").write_text(text)
    with serve(tmp_path / "openapi.yaml", watch=True) as server, httpx.Client(base_url=server.url) as client:
        created = client.post("/pets", json={"name": "Rex"}).json()
        assert client.get(f"/pets/{created['id']}").status_code == 200
        pet["properties"]["species"] = {"type": "string", "enum": ["cat", "dog"]}
        pet["required"] = ["id", "name", "species"]
        (tmp_path / "pet.yaml").write_text(yaml.safe_dump(pet))
        # The pet changed: records are seeded again (each with a species), the created one is gone.
        eventually(lambda: all("species" in p for p in client.get("/pets").json()))
        assert client.get(f"/pets/{created['id']}").status_code == 404
        refused = client.post("/pets", json={"name": "Tom"})
        assert refused.status_code == 422  # the new schema is enforced
        assert client.post("/pets", json={"name": "Tom", "species": "cat"}).status_code == 201


def test_a_broken_edit_keeps_the_last_good_version_serving(tmp_path: Path) -> None:
    path = write(tmp_path, pets_spec())
    with serve(path, watch=True) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        created = client.post("/pets", json={"name": "Rex"}).json()
        path.write_text(BROKEN)
        eventually(lambda: server.app.reload_status is not None)
        status = server.app.reload_status
        assert status["ok"] is False
        assert str(path) in status["message"]
        assert "/paths/~1a/get/responses/200" in status["message"]
        assert "\n" not in status["message"]
        assert client.get(f"/pets/{created['id']}").json() == created  # still the last good version
        assert client.get("/__specmock/settings").json()["reload"] == status  # what the dashboard shows
        write(tmp_path, with_new_path(pets_spec()))
        eventually(answers(client, "/new"))
        assert server.app.reload_status["ok"] is True
        assert client.get(f"/pets/{created['id']}").json() == created


def test_a_reload_is_atomic(tmp_path: Path) -> None:
    """Two versions move one operation between paths; requests during reloads see one version or
    the other, never a mix (a route of one with the answer of the other) and never a 500."""

    def version(name: str) -> dict[str, Any]:
        schema = {"type": "object", "required": ["v"], "properties": {"v": {"const": name}}}
        answer = {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
        return pets_spec(paths={f"/{name}": {"get": {"operationId": "which", "responses": answer}}})

    path = write(tmp_path, version("alpha"))
    seen: list[tuple[str, int, Any]] = []
    stop = threading.Event()

    def hammer(url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            while not stop.is_set():
                for name in ("alpha", "beta"):
                    response = client.get(f"/{name}")
                    body = response.json() if response.status_code == 200 else None
                    seen.append((name, response.status_code, body))

    with serve(path, watch=True) as server, concurrent.futures.ThreadPoolExecutor(2) as pool:
        workers = [pool.submit(hammer, server.url) for _ in range(2)]
        for name in ("beta", "alpha", "beta", "alpha", "beta"):
            write(tmp_path, version(name))
            eventually(lambda n=name: httpx.get(f"{server.url}/{n}").status_code == 200)  # type: ignore[misc]
        stop.set()
        for worker in workers:
            worker.result()
    assert {status for _, status, _ in seen} <= {200, 404}
    assert all(body == {"v": name} for name, status, body in seen if status == 200)
    served = {name for name, status, _ in seen if status == 200}
    assert served == {"alpha", "beta"}


def test_the_command_prints_the_refusal_and_each_worker_reloads(tmp_path: Path) -> None:
    path = write(tmp_path, pets_spec())
    port = free_port()
    command = [str(SPECMOCK), "serve", str(path), "--watch", "--workers", "2", "--port", str(port)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: _accepts(url), timeout=60)
        path.write_text(BROKEN)
        time.sleep(2)
        write(tmp_path, with_new_path(pets_spec()))
        # Both processes reload: every one of many requests finds the new path.
        eventually(lambda: all(httpx.get(url + "/new").status_code == 200 for _ in range(20)))
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    refusals = [line for line in output.splitlines() if "reload refused" in line]
    assert refusals, output
    assert all(str(path) in line and "/paths/~1a/get/responses/200" in line for line in refusals)


def _accepts(url: str) -> bool:
    try:
        httpx.get(url + "/__specmock/", timeout=1)
    except httpx.TransportError:
        return False
    return True
