"""The ceiling: the fastest a Python server on this stack can answer the benchmark's list request.

Bare Starlette under uvicorn (1 worker, httptools + uvloop, access log off) returning fixed bytes: a
≈4.3 KB JSON list shaped like Hellgate's ``GET /authentications`` page, serialised once at import.
Nothing specmock does per request (routing from the spec, validation, security, generation) is here,
so ``specmock / ceiling`` is the share of the achievable throughput that specmock keeps.

Run: ``python bench/ceiling_app.py --port 8000`` (always binds 127.0.0.1).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import uvicorn
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


BODY = build_body()


async def authentications(request: Request) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/authentications", authentications)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
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
