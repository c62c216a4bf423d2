"""Which documented response answers this request: status, response key and media type.

The rules, in order:
1. ``Prefer: code=4xx/5xx`` forces that error state when the operation documents it, exactly, by a
   range (``4XX``) or by ``default`` (Prism's convention); ``unmatched_code`` says when it does not.
2. Findings win over success, most fundamental first: SECURITY, MEDIA_TYPE, INVALID,
   NOT_ACCEPTABLE, NOT_FOUND, CONFLICT. Each kind has an ordered list of statuses; the first
   one the operation documents (exactly, as a range like ``4XX``, or ``default``) is used.
   When none is documented the natural status is used with an RFC 9457 problem body.
3. Otherwise ``Prefer: code`` (matched the same way), else the operation's success status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from specmock.diagnostics import Diagnostic, Kind
from specmock.openapi.model import MediaType, Operation, Response
from specmock.openapi.statuses import NOT_FOUND, documented_key
from specmock.openapi.success import success_order

ERROR_STATUSES: dict[Kind, tuple[int, ...]] = {
    Kind.SECURITY: (401, 403),
    Kind.MEDIA_TYPE: (415, 400, 422),
    Kind.INVALID: (422, 400),
    Kind.NOT_ACCEPTABLE: (406,),
    Kind.NOT_FOUND: NOT_FOUND,
    Kind.CONFLICT: (409, 400, 422),
    Kind.TOO_LARGE: (413,),
    # A full sandbox is no fault of the request: 507 when documented, else the state conflict a client
    # already handles (409); never 429, which invites a retry that cannot succeed until a reset.
    Kind.STORAGE_FULL: (507, 409),
}
PRECEDENCE = (
    Kind.TOO_LARGE,
    Kind.SECURITY,
    Kind.MEDIA_TYPE,
    Kind.INVALID,
    Kind.NOT_FOUND,
    Kind.CONFLICT,
    Kind.STORAGE_FULL,
    Kind.NOT_ACCEPTABLE,
)


@dataclass(frozen=True, slots=True)
class ResponseChoice:
    """The documented response that answers: its status, and for an error the findings it reports."""

    status: int
    key: str | None  # the documented response key, None → problem+json
    kind: Kind | None = None  # None for a success
    diagnostics: tuple[Diagnostic, ...] = ()


def error_choice(operation: Operation, kind: Kind, diagnostics: Iterable[Diagnostic]) -> ResponseChoice:
    statuses = ERROR_STATUSES[kind]
    found = documented_key(operation.responses, statuses)
    if found is None:
        return ResponseChoice(statuses[0], None, kind, tuple(diagnostics))
    return ResponseChoice(found[0], found[1], kind, tuple(diagnostics))


def success_choice(operation: Operation, preferred: int | None = None) -> ResponseChoice:
    responses = operation.responses
    if preferred is not None:
        found = documented_key(responses, (preferred,))
        if found is not None:
            return ResponseChoice(preferred, found[1])
    order = success_order(operation.method)
    for code in order:
        if str(code) in responses:
            return ResponseChoice(code, str(code))
    for key in sorted(responses):
        if key[0] in "23" and key[1:].isdigit():
            return ResponseChoice(int(key), key)
    if "2XX" in responses:
        return ResponseChoice(order[0], "2XX")
    if "default" in responses:
        return ResponseChoice(200, "default")
    first = next(iter(responses), None)
    return ResponseChoice(_status_of(first) if first else 200, first)


def _status_of(key: str) -> int:
    return int(key) if key.isdigit() else int(key[0]) * 100 if key[0].isdigit() else 200


def choose(operation: Operation, diagnostics: list[Diagnostic], preferred: int | None) -> ResponseChoice:
    if preferred is not None and preferred >= 400:
        found = documented_key(operation.responses, (preferred,))
        if found is not None:
            return ResponseChoice(preferred, found[1], None, tuple(diagnostics))
    if diagnostics:
        kinds = {d.kind for d in diagnostics}
        for kind in PRECEDENCE:
            if kind in kinds:
                return error_choice(operation, kind, [d for d in diagnostics if d.kind is kind])
    return success_choice(operation, preferred)


def unmatched_code(operation: Operation, code: int) -> Diagnostic | None:
    """NOT_FOUND when ``Prefer: code`` matches no documented response (exactly, by range or default)."""
    if documented_key(operation.responses, (code,)) is not None:
        return None
    documented = ", ".join(operation.responses) or "none"
    return Diagnostic(
        Kind.NOT_FOUND,
        f"code={code} is not documented for {operation.method} {operation.path}; documented: {documented}",
        "header",
        "prefer",
    )


def unknown_example(
    operation: Operation, choice: ResponseChoice, media: MediaType | None, name: str
) -> Diagnostic | None:
    """NOT_FOUND when ``Prefer: example`` names no example of the response that answers."""
    if media is not None and name in media.examples:
        return None
    names = ", ".join(media.examples) if media is not None and media.examples else "none"
    return Diagnostic(
        Kind.NOT_FOUND,
        f"example={name} is not an example of the {choice.key or choice.status} response of "
        f"{operation.method} {operation.path}; its examples: {names}",
        "header",
        "prefer",
    )


def choose_media(response: Response | None, accept: str) -> tuple[str | None, bool]:
    """The response media type for this Accept header; (None, False) when none is acceptable."""
    if response is None or not response.media:
        return None, True
    names = [m.name for m in response.media]
    ranges = _accept_ranges(accept)
    if not ranges:
        json_like = [n for n in names if n == "application/json" or n.endswith("+json")]
        return (json_like or names)[0], True
    for wanted in ranges:
        for name in names:
            if _media_matches(wanted, name):
                return name, True
    return None, False


def _accept_ranges(accept: str) -> list[str]:
    weighted = []
    for index, part in enumerate(accept.split(",")):
        media, *params = part.strip().split(";")
        q = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            weighted.append((-q, index, media.strip().lower()))
    return [media for _, _, media in sorted(weighted)]


def _media_matches(wanted: str, name: str) -> bool:
    if wanted in ("*/*", name) or name == "*/*":
        return True
    major, _, minor = wanted.partition("/")
    return minor == "*" and name.startswith(major + "/")
