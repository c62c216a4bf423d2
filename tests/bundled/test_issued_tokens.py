"""With ``--api-key``, the tokens the sandbox issued pass too, the newest MAX_ISSUED_TOKENS of them:
issuing past the bound drops the oldest, one for one, however long the run."""

from __future__ import annotations

from specmock.runtime import MAX_ISSUED_TOKENS
from tests.bundled.conftest import REBILLY, client_for


def test_only_the_newest_issued_tokens_pass_once_past_the_bound() -> None:
    client = client_for("rebilly", api_keys=("sk_live_right",))
    api = client.app.apis[0]  # type: ignore[attr-defined]
    extra = 3
    for index in range(MAX_ISSUED_TOKENS + extra):
        api.issue_credentials({"token": f"issued-{index}"})
    assert len(api.issued_tokens) == MAX_ISSUED_TOKENS

    def status(token: str) -> int:
        url = f"{REBILLY}/authentication-tokens"
        return int(client.get(url, headers={"REB-APIKEY": token}).status_code)

    for dropped in range(extra):
        assert status(f"issued-{dropped}") == 401
    assert status(f"issued-{extra}") == 200  # the oldest still held
    assert status(f"issued-{MAX_ISSUED_TOKENS + extra - 1}") == 200
    assert status("sk_live_right") == 200
