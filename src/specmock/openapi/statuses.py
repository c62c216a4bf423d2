"""Which documented response answers a status: the exact code, its range (``4XX``) or ``default``.
The pipeline asks it for every answer (``negotiate``), the store's plan whether an operation can say
"not found" at all (``state``): one rule for both, so what the plan expects is what is answered."""

from __future__ import annotations

from collections.abc import Collection, Iterable

NOT_FOUND = (404, 410)  # the statuses that say "not found", in order of preference


def documented_key(documented: Collection[str], codes: Iterable[int]) -> tuple[int, str] | None:
    """Exact code, then its range key ("4XX"), code by code; "default" as the last resort."""
    codes = tuple(codes)
    for code in codes:
        for key in (str(code), f"{code // 100}XX"):
            if key in documented:
                return code, key
    if "default" in documented and codes:
        return codes[0], "default"
    return None
