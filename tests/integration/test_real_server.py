"""Through the real server on 127.0.0.1: Granian calls the app through RSGI (TestClient: ASGI)."""

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


def test_the_wire_shell_sends_what_the_asgi_shell_sends() -> None:
    """HEAD, CORS, preflight and 404 over RSGI: the same status, headers and bytes as in-process ASGI."""
    from starlette.testclient import TestClient

    with serve("hellgate", seed=1) as server:
        local = TestClient(server.app)
        key = {"X-API-Key": "k"}
        origin = {"Origin": "http://front.test"}
        preflight = {**origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "a"}
        requests = [
            ("GET", "/authentications?limit=3", key),
            ("HEAD", "/authentications?limit=3", key),
            ("GET", "/authentications", origin),
            ("GET", "/nowhere", origin),
            ("DELETE", "/authentications", key),
            ("OPTIONS", "/authentications", preflight),
        ]
        for method, path, headers in requests:
            wire = httpx.request(method, server.url + path, headers=headers)
            asgi = local.request(method, path, headers=headers)
            assert (wire.status_code, wire.content) == (asgi.status_code, asgi.content), (method, path)
            ours = {k: v for k, v in wire.headers.items() if k not in ("server", "date")}
            assert ours == dict(asgi.headers), (method, path)
            assert len(wire.headers.get_list("content-length")) == (0 if wire.status_code == 204 else 1)
        head = httpx.head(server.url + "/authentications?limit=3", headers=key)
        get = httpx.get(server.url + "/authentications?limit=3", headers=key)
        assert head.content == b""
        assert head.headers["content-length"] == str(len(get.content))
