"""authentik core tokens, as a frontend drives them: create, filter, order, page, duplicate, delete."""

from __future__ import annotations

import math
from typing import Any

from starlette.testclient import TestClient

from tests.bundled.conftest import AUTHENTIK, AUTHENTIK_KEY, client_for

TOKENS = f"{AUTHENTIK}/core/tokens/"


def page(client: TestClient, **query: Any) -> dict[str, Any]:
    response = client.get(TOKENS, headers=AUTHENTIK_KEY, params=query)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def create(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(TOKENS, headers=AUTHENTIK_KEY, json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_create_filter_order_page_duplicate_delete(authentik: TestClient) -> None:
    made = create(authentik, identifier="frontend-ci", intent="api", user=7, description="CI pipeline")
    assert made["identifier"] == "frontend-ci"
    assert made["user_obj"]["pk"] == made["user"] == 7

    one = page(authentik, identifier="frontend-ci")
    assert [t["identifier"] for t in one["results"]] == ["frontend-ci"]
    assert one["pagination"]["count"] == 1
    api = page(authentik, intent="api")["results"]
    assert "frontend-ci" in [t["identifier"] for t in api]
    assert {t["intent"] for t in api} == {"api"}
    by_user = page(authentik, user__username=made["user_obj"]["username"])["results"]
    assert "frontend-ci" in [t["identifier"] for t in by_user]
    assert [t["identifier"] for t in page(authentik, search="ci pipeline")["results"]] == ["frontend-ci"]
    ordered = [t["identifier"] for t in page(authentik, ordering="identifier")["results"]]
    assert ordered == sorted(ordered, key=str.lower)
    assert [t["identifier"] for t in page(authentik, ordering="-identifier")["results"]] == ordered[::-1]
    assert [t["identifier"] for t in page(authentik)["results"]] == ordered  # TokenViewSet.ordering

    seen = []
    count = page(authentik)["pagination"]["count"]
    pages = math.ceil(count / 6)
    for number in range(1, pages + 1):
        body = page(authentik, page=number, page_size=6, ordering="identifier")
        assert body["pagination"] == {
            "next": number + 1 if number < pages else 0,
            "previous": number - 1 if number > 1 else 0,
            "count": count,
            "current": number,
            "total_pages": pages,
            "start_index": (number - 1) * 6 + 1,
            "end_index": min(number * 6, count),
        }
        assert len(body["results"]) <= 6
        seen += [t["identifier"] for t in body["results"]]
    assert seen == ordered
    beyond = authentik.get(TOKENS, headers=AUTHENTIK_KEY, params={"page": pages + 1, "page_size": 6})
    assert (beyond.status_code, beyond.json()["detail"]) == (404, "Invalid page.")

    duplicate = authentik.post(TOKENS, headers=AUTHENTIK_KEY, json={"identifier": "frontend-ci"})
    assert duplicate.status_code == 400
    assert duplicate.json() == {"identifier": ["Token with this identifier already exists."]}

    item = f"{TOKENS}frontend-ci/"
    assert authentik.delete(item, headers=AUTHENTIK_KEY).status_code == 204
    for path in (item, f"{item}view_key/", f"{item}used_by/"):
        gone = authentik.get(path, headers=AUTHENTIK_KEY)
        assert gone.status_code == 404
        assert gone.json()["detail"] == "No Token matches the given query."
    assert page(authentik, identifier="frontend-ci")["pagination"]["count"] == 0


def test_view_key_returns_the_tokens_own_key_and_set_key_changes_it(authentik: TestClient) -> None:
    create(authentik, identifier="app-pw", intent="app_password")
    view = f"{TOKENS}app-pw/view_key/"
    key = authentik.get(view, headers=AUTHENTIK_KEY).json()["key"]
    assert len(key) == 60
    assert key.isalnum()
    assert authentik.get(view, headers=AUTHENTIK_KEY).json() == {"key": key}
    other = page(authentik)["results"][0]["identifier"]
    assert authentik.get(f"{TOKENS}{other}/view_key/", headers=AUTHENTIK_KEY).json()["key"] != key
    assert "key" not in authentik.get(f"{TOKENS}app-pw/", headers=AUTHENTIK_KEY).json()
    changed = authentik.post(f"{TOKENS}app-pw/set_key/", headers=AUTHENTIK_KEY, json={"key": "chosen-key"})
    assert changed.status_code == 204
    assert authentik.get(view, headers=AUTHENTIK_KEY).json() == {"key": "chosen-key"}
    patched = authentik.patch(
        f"{TOKENS}app-pw/", headers=AUTHENTIK_KEY, json={"key": "sneaky", "description": "x"}
    )
    assert patched.status_code == 200
    assert authentik.get(view, headers=AUTHENTIK_KEY).json() == {"key": "chosen-key"}  # server-owned


def test_user_obj_follows_user(authentik: TestClient) -> None:
    for token in page(authentik)["results"]:
        assert token["user_obj"]["pk"] == token["user"]
    first = create(authentik, identifier="a1", user=42)
    second = create(authentik, identifier="a2", user=42)
    assert first["user_obj"] == second["user_obj"]  # same user, same object
    moved = authentik.patch(f"{TOKENS}a1/", headers=AUTHENTIK_KEY, json={"user": 43}).json()
    assert moved["user_obj"]["pk"] == 43
    replaced = authentik.put(
        f"{TOKENS}a2/", headers=AUTHENTIK_KEY, json={"identifier": "a2", "user": 43}
    ).json()
    assert replaced["user_obj"] == moved["user_obj"]


def test_invalid_filter_and_body_give_drf_400(authentik: TestClient) -> None:
    bad = authentik.get(TOKENS, headers=AUTHENTIK_KEY, params={"intent": "nope"})
    assert bad.status_code == 400
    assert "intent" in bad.json()
    missing = authentik.post(TOKENS, headers=AUTHENTIK_KEY, json={"intent": "api"})
    assert missing.status_code == 400


def test_missing_or_wrong_credentials_give_authentiks_403() -> None:
    client = client_for("authentik", api_keys=("right",))
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Token right"}):
        response = client.get(TOKENS, headers=headers)
        assert response.status_code == 403
        assert set(response.json()) <= {"detail", "code"}
        assert response.json()["detail"]
    assert client.get(TOKENS, headers={"Authorization": "Bearer right"}).status_code == 200
