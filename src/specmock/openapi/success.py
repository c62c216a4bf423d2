"""specmock's one preference among the successes an operation documents (a create documenting 200 and
201 answers 201), by what the request does. The pipeline asks it by method (``negotiate``), the store
by the role it inferred (``state``); both fall back to the operation's first documented 2xx."""

from __future__ import annotations

CREATE = (201, 200, 202)
DELETE = (204, 200, 202)
OTHER = (200, 201, 202, 204)


def success_order(method: str) -> tuple[int, ...]:
    """The preference for a request of ``method``: a POST creates, a DELETE deletes."""
    if method == "POST":
        return CREATE
    if method == "DELETE":
        return DELETE
    return OTHER
