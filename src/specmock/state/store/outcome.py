"""What the store answers: an ``Outcome`` value, and the success status an operation documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from specmock.diagnostics import Kind
from specmock.openapi.model import Operation
from specmock.types import Schema


class _NoContent:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_CONTENT"


NO_CONTENT: Final[Any] = _NoContent()


@dataclass(slots=True)  # not frozen (5× cheaper to build); never changed after it is made
class Outcome:
    status: int  # 200, 201, 204, or the error status hint
    body: Any  # JSON-able value, or NO_CONTENT for 204
    headers: dict[str, str] = field(default_factory=dict)
    error: Kind | None = None  # NOT_FOUND / CONFLICT → the pipeline renders the spec's error shape
    message: str = ""
    cache_key: tuple[Any, ...] | None = None  # stable while the data it depends on is unchanged
    field: str = ""  # what an error is about: CONFLICT the body field taken, NOT_FOUND the path parameter
    valid_as: Schema | None = None  # a schema the body was checked against (response direction) as it is


def not_found(what: str, key: str, template: str | None = None, param: str = "") -> Outcome:
    """NOT_FOUND; ``template`` (``x-specmock-resource.messages.not-found``) may use {resource}, {id};
    ``param`` names the path parameter that held the id, when one did."""
    message = _format(template, resource=what, id=key) if template else f"{what} {key!r} does not exist"
    return Outcome(404, None, {}, Kind.NOT_FOUND, message, field=param)


def conflict(what: str, name: str, value: Any, template: str | None = None) -> Outcome:
    """CONFLICT naming the field; ``template`` may use {resource}, {field}, {value}."""
    message = (
        _format(template, resource=what, field=name, value=value)
        if template
        else f"{what}: {name}={value!r} is already taken"
    )
    return Outcome(409, None, {}, Kind.CONFLICT, message, field=name)


def storage_full(what: str, limit: int) -> Outcome:
    """STORAGE_FULL: the collection holds its limit of records; nothing was stored."""
    message = (
        f"{what} holds {limit} records, the sandbox's limit per collection (--max-records): "
        "delete some or reset the sandbox"
    )
    return Outcome(507, None, {}, Kind.STORAGE_FULL, message)


def _format(template: str, **values: Any) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


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
