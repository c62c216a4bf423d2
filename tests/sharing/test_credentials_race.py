"""With ``--api-key`` on a shared store, a write is answered by what its credential was worth when
it was checked, before the write: a reset (or the eviction of the oldest issued token) logged by
another process while the write waits for its round trip never turns a committed write into a 401.

The real API could not answer that: it either refuses the request (nothing written) or writes it
and says so. Two apps on one real redis-server; the reset is logged through the first app's admin
API at a fixed point, just before the second app's round trip that carries the write (after the
write's credential was checked), so the race is hit on every run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from starlette.testclient import TestClient

from specmock.server import create_app
from specmock.sharing.address import StoreAddress, parse_store
from specmock.sharing.redis_client import Batch, RedisStore
from specmock.sharing.replica import Replica
from tests.sharing.documents import login_document

KEY = {"X-Key": "admin"}


class ResetBeforeTheWrite(RedisStore):
    """The real store, where ``reset`` runs once, right before the first round trip that appends
    an entry: after the write's pipeline checked its credential, before the write is logged."""

    def __init__(self, address: StoreAddress, reset: Callable[[], None]) -> None:
        super().__init__(address)
        self.reset = reset
        self.fired = False

    def sync(
        self,
        prefix: str,
        epoch: str,
        position: int,
        appended: Sequence[tuple[bytes, bool]] = (),
        *rest: Any,
        **options: Any,
    ) -> Batch:
        if appended and not self.fired:
            self.fired = True
            self.reset()
        return super().sync(prefix, epoch, position, appended, *rest, **options)


def test_a_write_whose_token_a_reset_forgot_while_it_waited_is_answered_as_written(
    tmp_path: Path, redis_url: str
) -> None:
    path = tmp_path / "login.yaml"
    path.write_text(yaml.safe_dump(login_document(), sort_keys=False))
    first = TestClient(create_app(path, store=redis_url, api_keys=("admin",)), base_url="http://testserver")
    second_app = create_app(path, store=redis_url, api_keys=("admin",))
    token = first.post("/sessions", json={"user": "ann"}, headers=KEY).json()["token"]
    store = ResetBeforeTheWrite(_address(redis_url), lambda: _reset(first))
    _replica(second_app).rounds.store = store
    with TestClient(second_app, base_url="http://testserver") as second:  # served on its own event loop
        made = second.post("/sessions", json={"user": "bob"}, headers={"X-Key": token})
        assert store.fired
        assert made.status_code == 201, made.text
        assert second.get("/sessions", headers={"X-Key": made.json()["token"]}).status_code == 200
    users = [session.get("user") for session in first.get("/sessions", headers=KEY).json()]
    assert "bob" in users  # written after the reset
    assert "ann" not in users


def _reset(client: TestClient) -> None:
    assert client.post("/__specmock/reset").status_code == 204


def _replica(app: Any) -> Replica:
    shared = app.apis[0].shared
    assert isinstance(shared, Replica)
    return shared


def _address(url: str) -> StoreAddress:
    address = parse_store(url)
    assert address is not None
    return address
