"""Through real uvicorn on 127.0.0.1 (the scope differs from TestClient's: no `extensions` key)."""

from __future__ import annotations

import httpx

from specmock import serve


def test_hellgate_over_http_error_shape_and_success() -> None:
    with serve("hellgate", seed=1) as server:
        ok = httpx.get(server.url + "/authentications", headers={"X-API-Key": "k"})
        assert ok.status_code == 200
        assert ok.json()["data"]
        invalid = httpx.get(server.url + "/authentications?limit=9999", headers={"X-API-Key": "k"})
        assert invalid.status_code == 422
        [violation] = invalid.json()["validation_errors"]
        assert "limit" in violation["path"]
        assert "500" in violation["message"]
        assert httpx.get(server.url + "/authentications").json()["code"] == 401
        assert httpx.post(server.url + "/authentications").status_code == 405
        assert [e["status"] for e in server.journal()] == [200, 422, 401, 405]
