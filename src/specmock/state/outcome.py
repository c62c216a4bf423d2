"""What the store answers: an ``Outcome`` value, and the success status an operation documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from specmock.diagnostics import Kind
from specmock.spec.model import Operation


class _NoContent:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_CONTENT"


NO_CONTENT: Final[Any] = _NoContent()


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int  # 200, 201, 204, or the error status hint
    body: Any  # JSON-able value, or NO_CONTENT for 204
    headers: dict[str, str] = field(default_factory=dict)
    error: Kind | None = None  # NOT_FOUND / CONFLICT → the pipeline renders the spec's error shape
    message: str = ""
    cache_key: tuple[Any, ...] | None = None  # stable while the data it depends on is unchanged


def not_found(what: str, key: str) -> Outcome:
    return Outcome(404, None, {}, Kind.NOT_FOUND, f"{what} {key!r} does not exist")


def conflict(what: str, name: str, value: Any) -> Outcome:
    return Outcome(409, None, {}, Kind.CONFLICT, f"{what}: {name}={value!r} is already taken")


def documented_success(operation: Operation, preferred: tuple[int, ...]) -> int | None:
    """The first of ``preferred`` the operation documents, else its first numeric 2xx; None if none."""
    keys = operation.responses
    for status in preferred:
        if str(status) in keys:
            return status
    numeric = sorted(int(k) for k in keys if k.isdigit() and 200 <= int(k) < 300)
    return numeric[0] if numeric else None


def has_body(operation: Operation, status: int) -> bool:
    response = operation.responses.get(str(status))
    return response is not None and bool(response.media)
