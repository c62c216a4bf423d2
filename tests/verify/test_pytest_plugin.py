"""A user's test package that only uses the plugin's fixtures (run by pytester in a temporary directory).

The plugin comes in through the `pytest11` entry point, as it does for a user: nothing here loads it.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import httpx
import pytest

KEY = {"X-API-Key": "k"}


@pytest.fixture(scope="session")
def hellgate(specmock_session):
    return specmock_session("hellgate", seed=1)


def test_a_served_sandbox_answers_records_and_resets(specmock):
    server = specmock("hellgate", seed=1)
    assert server.url.startswith("http://127.0.0.1:")
    first = httpx.get(server.url + "/authentications", params={"limit": 2}, headers=KEY)
    assert first.status_code == 200
    assert len(first.json()["data"]) == 2
    assert httpx.get(server.url + "/authentications", params={"limit": 0}, headers=KEY).status_code == 422
    assert httpx.get(server.url + "/authentications").status_code == 401
    assert len(server.journal()) == 3
    server.reset()
    assert server.journal() == []
    again = httpx.get(server.url + "/authentications", params={"limit": 2}, headers=KEY)
    assert again.json() == first.json()          # seeded: the same data after a reset


def test_two_servers_in_one_test_get_their_own_ports(specmock):
    one, two = specmock("hellgate", seed=1), specmock("hellgate", seed=2)
    assert one.port != two.port
    assert httpx.get(two.url + "/authentications", headers=KEY).status_code == 200


def test_a_session_server_is_shared(hellgate):
    assert httpx.get(hellgate.url + "/authentications", headers=KEY).status_code == 200


def test_in_process_without_a_port(specmock_asgi):
    sandbox = specmock_asgi("hellgate", seed=1)
    response = sandbox.client.get("/authentications", params={"limit": 3}, headers=KEY)
    assert response.status_code == 200
    assert len(response.json()["data"]) == 3
    assert len(sandbox.journal()) == 1
    sandbox.reset()
    assert sandbox.journal() == []


async def _async_list(sandbox):
    async with sandbox.async_client() as client:
        return await client.get("/authentications", headers=KEY)


def test_in_process_async_client(specmock_asgi):
    import asyncio

    sandbox = specmock_asgi("hellgate", seed=1)
    assert asyncio.run(_async_list(sandbox)).status_code == 200
"""


def test_the_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    registered = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert registered.get("specmock") == "specmock.pytest_plugin", (
        "reinstall the package (pip install -e .) so that its pytest11 entry point is registered"
    )


def test_a_user_test_package_runs_with_the_fixtures_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sandbox=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)
