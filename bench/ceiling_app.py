"""The ceiling: the fastest a Python server on this stack can answer a request with fixed bytes.

Bare Starlette under uvicorn (1 worker, httptools + uvloop, access log off) returning one fixed
answer. Nothing specmock does per request (routing from the spec, validation, security, generation,
the store) is here, so ``specmock / ceiling`` is the share of the achievable throughput it keeps.

Two kinds of answer:

- default: a ≈4.3 KB JSON list shaped like Hellgate's ``GET /authentications`` page, serialised once
  at import (the ``starlette-ceiling`` context row);
- ``--replay SPEC --method M --path P [--header K:V] [--data BODY]``: specmock's own answer to that
  request (status, headers and body bytes), computed once in-process at start-up. This is the
  per-case ceiling: the same bytes on the wire (every header specmock sends, but the
  ``Content-Length`` the server adds: a 401's ``WWW-Authenticate`` and ``Specmock-Violations``, the
  CORS header), with none of the work (an 18 KB page costs the kernel
  and wrk several times what a 4 KB one does, so only the same answer makes a fair denominator).

Two servers:

- default: Starlette under uvicorn, the reference Python stack;
- ``--server granian [--workers N] [--read-body]``: bare Granian calling a few lines of RSGI that
  hand it the answer's bytes (``--read-body``: after awaiting the request's body), through
  specmock's own listener (``specmock.listener``: the same embedded server,
  event loop, connection limits and, for N > 1, the same worker processes): the stack specmock runs
  on, with none of specmock's work. ``÷ Granian ceiling`` is the share of it specmock keeps.

Only the benchmarked method and path get the answer; ``/__ceiling/ready`` answers 200 for the harness.
Run: ``python bench/ceiling_app.py --port 8000`` (always binds 127.0.0.1).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any, NamedTuple

import uvicorn
from app_call import call, http_scope
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ITEMS = 7


def _authentication(index: int) -> dict[str, Any]:
    """One list item, deterministic, about the size of a seeded Hellgate authentication."""
    suffix = f"{index:012d}"
    return {
        "id": f"7dcb4365-a948-4b41-a2d2-{suffix}",
        "amount": 1000 + index,
        "currency_code": "EUR",
        "action_requirement": {"type": "use_sdk", "session_id": f"d5b8e449-13da-4594-bf00-{suffix}"},
        "authentication_result": {
            "cardholder_data": {
                "authentication_value": "AAABBEg0VhI0VniQEjRWAAAAAAA=",
                "ds_transaction_id": f"f25084f0-5b16-4c0a-ae5d-{suffix}",
                "eci": "05",
            }
        },
        "created_at": "2023-10-10T00:00:00Z",
        "challenge_preference": "CHALLENGE",
        "merchant_id": f"0b8e6c1e-4f1d-4c39-9a53-{suffix}",
        "purchase_date": "20241010000000",
        "use_case": "ONE_OFF",
        "source": {"type": "token", "token_id": f"71820e49-6822-4df1-8db5-{suffix}"},
        "status": "COMPLETED",
    }


def build_body(items: int = ITEMS) -> bytes:
    """The fixed response body: a page of ``items`` authentications with its pagination block."""
    page = {
        "data": [_authentication(i) for i in range(items)],
        "pagination": {"current_page": 1, "page_size": items, "total_items": items, "total_pages": 1},
    }
    return json.dumps(page, separators=(",", ":")).encode()


class Answer(NamedTuple):
    status: int
    headers: list[tuple[str, str]]  # as specmock sends them, without Content-Length (the server's)
    body: bytes


def default_answer() -> Answer:
    return Answer(200, [("content-type", "application/json")], build_body())


def specmock_answer(spec: str, method: str, path: str, headers: list[str], data: str) -> Answer:
    """specmock's answer (status, headers, body) to one request, asked in-process."""
    from specmock.server import create_app

    app = create_app(spec, seed=1)
    raw = [(k.strip().lower().encode(), v.strip().encode()) for k, v in (h.split(":", 1) for h in headers)]
    raw.append((b"host", b"127.0.0.1"))
    if data:
        raw.append((b"content-length", str(len(data.encode())).encode()))
    sent = asyncio.run(call(app, http_scope(method, path, raw), data.encode()))
    start = sent[0]
    kept = [(k.decode(), v.decode("latin-1")) for k, v in start["headers"] if k.lower() != b"content-length"]
    return Answer(int(start["status"]), kept, b"".join(m.get("body", b"") for m in sent[1:]))


def build_app(path: str, method: str, fixed: Answer) -> Starlette:
    async def answer(request: Request) -> Response:
        return Response(fixed.body, status_code=fixed.status, headers=dict(fixed.headers))

    async def ready(request: Request) -> Response:
        return Response(b"ok")

    return Starlette(
        routes=[Route("/__ceiling/ready", ready), Route(path.partition("?")[0], answer, methods=[method])]
    )


ANSWER_ENV = "SPECMOCK_CEILING_ANSWER"  # the answer, for the worker processes of --workers N


class FixedAnswer:
    """An RSGI app: the answer's bytes for the benchmarked method and path, ``ok`` for readiness.
    ``read_body``: it first awaits the request's body from Granian (what any app that looks at a
    body must do), the one piece of a create's work a server cannot spare."""

    def __init__(self, path: str, method: str, answer: Answer, read_body: bool = False) -> None:
        from specmock.config import MockConfig

        self.config = MockConfig()  # the listener reads its connection limits from it
        self.path, self.method = path.partition("?")[0], method
        self.status, self.headers, self.body = answer
        self.read_body = read_body

    async def shutdown(self) -> None:
        return None

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.path == self.path and scope.method == self.method:
            if self.read_body:
                await protocol()
            protocol.response_bytes(self.status, self.headers, self.body)
        elif scope.path == "/__ceiling/ready":
            protocol.response_bytes(200, [("content-type", "text/plain")], b"ok")
        else:
            protocol.response_bytes(404, [("content-type", "text/plain")], b"")


def granian_from_environment() -> FixedAnswer:
    """The app factory of the Granian worker processes (``--server granian --workers N``)."""
    path, method, status, headers, body, read_body = json.loads(os.environ[ANSWER_ENV])
    answer = Answer(status, [(k, v) for k, v in headers], base64.b64decode(body))
    return FixedAnswer(path, method, answer, read_body)


def serve_granian(
    path: str, method: str, answer: Answer, port: int, workers: int, read_body: bool = False
) -> None:
    from specmock import listener

    app = FixedAnswer(path, method, answer, read_body)
    gc.collect()
    gc.freeze()
    if workers == 1:
        listener.run(app, "127.0.0.1", port, access_log=False)
        return
    config = app.config.merge(host="127.0.0.1", port=port, workers=workers)
    encoded = base64.b64encode(answer.body).decode()
    os.environ[ANSWER_ENV] = json.dumps([path, method, answer.status, answer.headers, encoded, read_body])
    bench = str(Path(__file__).resolve().parent)  # the workers import this module by name
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [bench, os.environ.get("PYTHONPATH")]))
    sys.path.insert(0, bench)
    listener.run_workers("ceiling_app:granian_from_environment", config, access_log=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--replay", metavar="SPEC", help="answer what specmock answers on SPEC")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", default="/")
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE")
    parser.add_argument("--data", default="")
    parser.add_argument("--server", choices=("starlette", "granian"), default="starlette")
    parser.add_argument("--workers", type=int, default=1, help="Granian worker processes")
    parser.add_argument(
        "--read-body", action="store_true", help="Granian: await the request body before answering"
    )
    args = parser.parse_args()
    if args.server == "granian":
        if args.replay:
            fixed = specmock_answer(args.replay, args.method, args.path, args.header, args.data)
        else:
            args.path, args.method = "/authentications", "GET"
            fixed = default_answer()
        serve_granian(args.path, args.method, fixed, args.port, args.workers, args.read_body)
        return
    if args.replay:
        app = build_app(
            args.path,
            args.method,
            specmock_answer(args.replay, args.method, args.path, args.header, args.data),
        )
        gc.collect()
        gc.freeze()  # what specmock serve does too: the objects made at start-up are never scanned
    else:
        app = build_app("/authentications", "GET", default_answer())
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        workers=1,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="off",
    )


if __name__ == "__main__":
    main()
