"""With ``--api-key``, the tokens the sandbox issued pass too, the newest MAX_ISSUED_TOKENS of them:
issuing past the bound drops the oldest, one for one, however long the run."""

from __future__ import annotations

from specmock.pipeline.security import MAX_ISSUED_TOKENS
from tests.bundled.conftest import REBILLY, client_for


def test_only_the_newest_issued_tokens_pass_once_past_the_bound() -> None:
    client = client_for("rebilly", api_keys=("sk_live_right",))
    api = client.app.apis[0]  # type: ignore[attr-defined]
    extra = 3
    for index in range(MAX_ISSUED_TOKENS + extra):
        api.credentials.issue_from({"token": f"issued-{index}"})
    assert len(api.credentials.issued) == MAX_ISSUED_TOKENS

    def status(token: str) -> int:
        url = f"{REBILLY}/authentication-tokens"
        return int(client.get(url, headers={"REB-APIKEY": token}).status_code)

    for dropped in range(extra):
        assert status(f"issued-{dropped}") == 401
    assert status(f"issued-{extra}") == 200  # the oldest still held
    assert status(f"issued-{MAX_ISSUED_TOKENS + extra - 1}") == 200
    assert status("sk_live_right") == 200


def test_a_reload_keeps_the_newest_tokens_of_both_versions_within_the_bound() -> None:
    previous = client_for("rebilly", api_keys=("sk_live_right",)).app.apis[0]  # type: ignore[attr-defined]
    reloaded = client_for("rebilly", api_keys=("sk_live_right",)).app.apis[0]  # type: ignore[attr-defined]
    for index in range(MAX_ISSUED_TOKENS):
        previous.credentials.issue_from({"token": f"old-{index}"})
    for index in range(3):
        reloaded.credentials.issue_from({"token": f"new-{index}"})
    reloaded.credentials.issue_from({"token": f"old-{MAX_ISSUED_TOKENS - 1}"})  # again: now among the newest
    before = reloaded.version()

    reloaded.credentials.adopt(previous.credentials)

    tokens = list(reloaded.credentials.issued)
    assert len(tokens) == MAX_ISSUED_TOKENS
    assert tokens[-4:] == ["new-0", "new-1", "new-2", f"old-{MAX_ISSUED_TOKENS - 1}"]
    assert "old-0" not in reloaded.credentials.issued  # the oldest make room
    assert f"old-{MAX_ISSUED_TOKENS - 2}" in reloaded.credentials.issued
    assert reloaded.version() != before  # answers cached under the old credentials are not reused
