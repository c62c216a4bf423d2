"""A shared sandbox after N creates: Redis memory, the log's length, and a late replica's start-up.

    python bench/compaction.py [--creates 50000] [--bound 10000] [--churn]

Starts its own redis-server (no persistence) on a free 127.0.0.1 port, makes N creates through one
replica (each one round trip that logs it, as a request's write does), then starts a second replica
on the same Redis and reports how long it took to be ready (catching up: restoring the snapshot and
applying the log's tail, or replaying the whole log where nothing compacts it), Redis's
``used_memory``, the log's length, and what a snapshot of the writer's state costs. Run it with
``PYTHONPATH=<checkout>/src`` to measure another checkout (one without compaction ignores ``--bound``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import redis
import yaml

from specmock.server import create_app, free_port

CLOCK = 1_700_000_000.0


def document() -> dict[str, Any]:
    book = {
        "type": "object",
        "required": ["title"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "title": {"type": "string", "maxLength": 80},
            "author": {"type": "string", "maxLength": 40},
            "isbn": {"type": "string", "maxLength": 20},
            "pages": {"type": "integer", "minimum": 1, "maximum": 2000},
        },
    }
    one = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}},
    }
    many = {"type": "array", "items": {"$ref": "#/components/schemas/Book"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "books", "version": "1"},
        "components": {"schemas": {"Book": book}},
        "paths": {
            "/books": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": many}}}
                    }
                },
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Book"}}}
                    },
                    "responses": {"201": one},
                },
            },
            "/books/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {"responses": {"200": one, "404": {"description": "no"}}},
                "delete": {"responses": {"204": {"description": "gone"}, "404": {"description": "no"}}},
            },
        },
    }


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2) as client:
                client.ping()
                return process, port
        except redis.RedisError:
            time.sleep(0.05)
    process.terminate()
    raise SystemExit("redis-server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=50_000)
    parser.add_argument("--bound", type=int, default=10_000, help="replica.LOG_BOUND, where there is one")
    parser.add_argument("--churn", action="store_true", help="delete each record right after its create")
    args = parser.parse_args()
    from specmock.sharing import replica

    compacts = hasattr(replica, "LOG_BOUND")
    if compacts:
        replica.LOG_BOUND = args.bound  # type: ignore[attr-defined,unused-ignore]
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "books.yaml"
        spec.write_text(yaml.safe_dump(document(), sort_keys=False))
        process, port = start_redis(Path(folder))
        url = f"redis://127.0.0.1:{port}/0"
        try:
            options: dict[str, Any] = {
                "store": url,
                "records": 0,
                "max_records": 2 * args.creates,
                "clock": CLOCK,
            }
            writer = create_app(spec, **options)
            api = writer.apis[0]
            create = next(op for op in api.operations.values() if op.method == "POST")
            delete = next(op for op in api.operations.values() if op.method == "DELETE")
            started = time.perf_counter()
            for n in range(args.creates):
                body = {
                    "title": f"Book number {n}",
                    "author": "Ann Writer",
                    "isbn": f"978-{n:09d}",
                    "pages": 300,
                }
                made = api.sandbox.handle(create, {}, {}, body)
                if args.churn and made is not None and isinstance(made.body, dict):
                    api.sandbox.handle(delete, {"id": str(made.body["id"])}, {}, None)
            writing = time.perf_counter() - started
            time.sleep(2)  # a compaction on its way
            with redis.Redis(host="127.0.0.1", port=port) as client:
                (log_key,) = client.keys("specmock:*:log")
                length = client.llen(log_key)
                snapshot = client.hstrlen(log_key.replace(b":log", b":snapshot"), "blob")
                memory = client.info("memory")["used_memory"]
            capture, encode = snapshot_cost(api)
            started = time.perf_counter()
            late = create_app(spec, **options)
            ready = time.perf_counter() - started
            kept = 0 if args.churn else args.creates
            assert late.apis[0].sandbox.count(late.apis[0].sandbox.collections()[0]) == kept
            empty_started = time.perf_counter()
            create_app(spec, **{**options, "store": f"redis://127.0.0.1:{port}/1"})
            empty = time.perf_counter() - empty_started
        finally:
            process.terminate()
            process.wait(10)
    bound = f"log bound {args.bound:,}" if compacts else "no compaction"
    deleted = ", each deleted right after" if args.churn else ""
    print(f"{args.creates:,} creates{deleted} ({bound}) in {writing:.1f} s")
    held = f"log {length:,} entries; snapshot {snapshot / 2**20:.1f} MiB"
    print(f"Redis used_memory {memory / 2**20:.1f} MiB; {held}")
    print(f"late replica ready in {ready:.2f} s (on an empty store: {empty:.2f} s)")
    if capture is not None:
        print(
            f"snapshot of {kept:,} stored records: capture {capture * 1000:.1f} ms (between two requests), "
            f"encode {encode * 1000:.0f} ms (a thread)"
        )


def snapshot_cost(api: Any) -> tuple[float | None, float]:  # api: runtime.Api
    """How long taking a snapshot of the writer's state takes: the capture, which runs between two
    requests, and the encoding, which a thread does (None, 0 for a checkout without snapshots)."""
    try:
        from specmock.sharing import snapshot
    except ImportError:
        return None, 0.0
    api.shared.sync()  # the last deletes' round applied
    started = time.perf_counter()
    encode = snapshot.capture(api)
    captured = time.perf_counter()
    encode()
    return captured - started, time.perf_counter() - captured


if __name__ == "__main__":
    main()
