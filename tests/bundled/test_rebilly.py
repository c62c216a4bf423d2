"""Rebilly customer authentication, as a frontend drives it: options, login, list, verify, logout."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.testclient import TestClient

from tests.bundled.conftest import REBILLY, REBILLY_KEY, Clock, client_for

OPTIONS = {"passwordPattern": None, "credentialTtl": 10, "authTokenTtl": 600, "resetTokenTtl": 30}


def at(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def login(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(
        f"{REBILLY}/authentication-tokens",
        headers=REBILLY_KEY,
        json={"mode": "password", "username": "ann", "password": "s3cret", **body},
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(f"/authentication-tokens/{response.json()['token']}")
    return response.json()  # type: ignore[no-any-return]


def listed(client: TestClient, **query: Any) -> list[dict[str, Any]]:
    response = client.get(f"{REBILLY}/authentication-tokens", headers=REBILLY_KEY, params=query)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    if not query:
        assert int(response.headers["pagination-total"]) == len(body)
    return body


def verify(client: TestClient, token: str) -> Any:
    return client.get(f"{REBILLY}/authentication-tokens/{token}", headers=REBILLY_KEY)


def test_login_list_verify_logout_verify_gives_404(rebilly: TestClient, clock: Clock) -> None:
    put = rebilly.put(f"{REBILLY}/authentication-options", headers=REBILLY_KEY, json=OPTIONS)
    assert put.status_code == 200
    token = login(rebilly)
    assert token["username"] == "ann"
    assert "password" not in token
    assert token["expiredTime"] == at(clock() + 600)  # from the options' authTokenTtl
    assert token["token"] in [t["token"] for t in listed(rebilly)]
    verified = verify(rebilly, token["token"])
    assert verified.status_code == 200
    assert verified.json() == token
    assert (
        rebilly.delete(f"{REBILLY}/authentication-tokens/{token['token']}", headers=REBILLY_KEY).status_code
        == 204
    )
    gone = verify(rebilly, token["token"])
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/json"
    problem = gone.json()
    assert problem["status"] == 404
    assert problem["instance"].endswith(token["token"])
    assert token["token"] not in [t["token"] for t in listed(rebilly)]
    again = rebilly.delete(f"{REBILLY}/authentication-tokens/{token['token']}", headers=REBILLY_KEY)
    assert again.status_code == 404


def test_a_token_expires_with_its_expired_time(rebilly: TestClient, clock: Clock) -> None:
    rebilly.put(f"{REBILLY}/authentication-options", headers=REBILLY_KEY, json=OPTIONS)
    token = login(rebilly)["token"]
    clock.advance(599)
    assert verify(rebilly, token).status_code == 200
    assert token in [t["token"] for t in listed(rebilly)]
    clock.advance(1)
    assert verify(rebilly, token).status_code == 404  # no stale cached 200
    assert token not in [t["token"] for t in listed(rebilly)]
    exchange = rebilly.post(
        f"{REBILLY}/authentication-tokens/{token}/exchange", headers=REBILLY_KEY, json={"invalidate": True}
    )
    assert exchange.status_code == 404


def test_expiry_defaults_without_options_and_respects_a_sent_time(rebilly: TestClient, clock: Clock) -> None:
    options = rebilly.get(f"{REBILLY}/authentication-options", headers=REBILLY_KEY).json()
    assert "authTokenTtl" not in options  # seed 1 leaves it out: the declared ttl (3600 s) applies
    assert login(rebilly)["expiredTime"] == at(clock() + 3600)
    chosen = at(clock() + 86_400)
    token = login(rebilly, expiredTime=chosen)
    assert token["expiredTime"] == chosen
    past = login(rebilly, expiredTime=at(clock() - 1))
    assert verify(rebilly, past["token"]).status_code == 404


def test_listed_tokens_are_live(rebilly: TestClient, clock: Clock) -> None:
    tokens = listed(rebilly)
    assert tokens
    assert all(t.get("expiredTime") is None or t["expiredTime"] > at(clock()) for t in tokens)
    for token in tokens[:3]:
        assert verify(rebilly, token["token"]).json() == token


def test_options_read_back_exactly_what_was_put(rebilly: TestClient) -> None:
    for body in (OPTIONS, {"authTokenTtl": 5}, {"passwordPattern": "^[0-9]+$", "otpRequired": True}):
        put = rebilly.put(f"{REBILLY}/authentication-options", headers=REBILLY_KEY, json=body)
        assert put.status_code == 200
        got = rebilly.get(f"{REBILLY}/authentication-options", headers=REBILLY_KEY).json()
        assert {k: v for k, v in got.items() if k != "_links"} == body
        assert put.json() == got


def test_the_store_never_keeps_the_password(rebilly: TestClient) -> None:
    token = login(rebilly, password="do-not-keep")["token"]
    stored = rebilly.app.apis[0].sandbox.dump("authentication-tokens")  # type: ignore[attr-defined]
    mine = next(r for r in stored if r["token"] == token)
    assert "password" not in mine
    assert "do-not-keep" not in repr(stored)


def test_paging_headers_and_bounds(rebilly: TestClient) -> None:
    total = len(listed(rebilly))
    page = rebilly.get(f"{REBILLY}/authentication-tokens?limit=5&offset=5", headers=REBILLY_KEY)
    assert len(page.json()) == min(5, max(total - 5, 0))
    assert page.headers["pagination-limit"] == "5"
    assert page.headers["pagination-offset"] == "5"
    assert page.headers["pagination-total"] == str(total)
    bad = rebilly.get(f"{REBILLY}/authentication-tokens?limit=1001", headers=REBILLY_KEY)
    assert bad.status_code == 422
    assert [f["field"] for f in bad.json()["invalidFields"]] == ["query.limit"]


def test_missing_or_wrong_credentials_give_rebillys_401() -> None:
    client = client_for("rebilly", api_keys=("sk_live_right",))
    for headers in ({}, {"REB-APIKEY": "sk_wrong"}, {"Authorization": "Bearer nope"}):
        response = client.get(f"{REBILLY}/authentication-tokens", headers=headers)
        assert response.status_code == 401
        problem = response.json()
        assert problem["status"] == 401
        assert problem["title"] == "Unauthorized"
    ok = client.get(f"{REBILLY}/authentication-tokens", headers={"REB-APIKEY": "sk_live_right"})
    assert ok.status_code == 200


def test_the_same_seed_gives_the_same_tokens(clock: Clock) -> None:
    bodies = []
    for _ in range(2):
        client = client_for("rebilly")
        client.app.apis[0].sandbox.now = clock  # type: ignore[attr-defined]
        bodies.append(client.get(f"{REBILLY}/authentication-tokens", headers=REBILLY_KEY).content)
    assert bodies[0] == bodies[1]
