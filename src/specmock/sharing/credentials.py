"""``SharedCredentials``: with ``--api-key`` on a shared store, a write's second pipeline run accepts
the credentials its first run accepted (``deferral``).

Between the two runs the round trip applies what other processes logged before the write: a reset
forgets every issued token, newer tokens evict the oldest. Deciding again would answer 401 to a
write the log already holds; the verdict belongs to the moment the request was checked, as one
request against the real API is checked once.
"""

from __future__ import annotations

from specmock.pipeline.security import Credentials
from specmock.sharing import deferral


class SharedCredentials(Credentials):
    def accepts(self, secret: str) -> bool:
        slot = deferral.CURRENT.get()
        if slot is None:
            return super().accepts(secret)
        decided = slot.verdicts.get(secret)
        if decided is not None:  # the second run: as the first decided
            return decided
        verdict = super().accepts(secret)
        if not slot.filled:
            slot.verdicts[secret] = verdict
        return verdict
