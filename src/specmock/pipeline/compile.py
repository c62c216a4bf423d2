"""An operation compiled for the stages that answer it, once, on its first request.

``CompiledOperation`` holds what each stage reads of one operation: the path pattern and how its
values are spelled, the request checks, the security check, the headers the answer can depend on
(the response cache's key), the choice of a plain success, and the memos of negotiation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from specmock.memo import Memo
from specmock.openapi.model import Operation, SecurityScheme, template_names
from specmock.pipeline.casting import shape_of
from specmock.pipeline.negotiate import ResponseChoice, success_choice
from specmock.pipeline.security import SecurityChecker, credential_headers
from specmock.pipeline.styles import Spelling, path_text
from specmock.pipeline.validate_request import Check, CheckFactory, RequestValidator

MEDIA_MEMO_SIZE = 64


@dataclass(frozen=True, slots=True)
class CompiledOperation:
    operation: Operation
    path_pattern: re.Pattern[str]
    path_names: tuple[str, ...]
    # label / matrix primitives: `.5` / `;id=5` → `5`, the value a record id is compared with
    path_texts: Mapping[str, Callable[[str], str]]
    request: RequestValidator
    security: SecurityChecker
    fingerprint_headers: tuple[str, ...]  # every header the answer can depend on
    success: ResponseChoice  # the choice of a valid request that asks for no particular status
    stateful: bool  # the store answers it (when the client does not ask for a status or an example)
    # Whether an Accept no documented media type fits is refused with 406 (RFC 9110 lets a server
    # disregard Accept): only where the operation documents 406, or with --strict-accept.
    refuses_unacceptable: bool
    # An `Accept` header parameter the operation declares: a value it admits is never refused.
    declared_accept: Check | None
    # (response key, Accept) → (the media type chosen, whether Accept admits it)
    media_choices: Memo = field(default_factory=lambda: Memo(MEDIA_MEMO_SIZE))
    # (status, media type chosen) → (the documented response, its media type) of a store's answer
    answers: Memo = field(default_factory=lambda: Memo(MEDIA_MEMO_SIZE))

    def refuses(self, accept: str) -> bool:
        """Whether this Accept, which no documented media type fits, gets a 406."""
        if not self.refuses_unacceptable:
            return False
        return self.declared_accept is None or bool(self.declared_accept(accept))

    def path_values(self, path: str) -> dict[str, str]:
        if not self.path_names:
            return {}
        match = self.path_pattern.match(path)
        if match is None:
            return {}
        values = {name: unquote(value) for name, value in zip(self.path_names, match.groups(), strict=True)}
        for name, text in self.path_texts.items():
            if name in values:
                values[name] = text(values[name])
        return values


def compile_operation(
    operation: Operation,
    document: Mapping[str, Any],
    schemes: Mapping[str, SecurityScheme],
    request_check: CheckFactory,
    *,
    accepts: Callable[[str], bool] | None,
    stateful: bool,
    strict_accept: bool,
) -> CompiledOperation:
    """``accepts``: the credentials the sandbox takes (None: any well-formed one); ``stateful``: the
    store keeps this operation's data; ``strict_accept``: 406 even where the operation documents none."""
    return CompiledOperation(
        operation=operation,
        path_pattern=operation.path_regex,
        path_names=tuple(template_names(operation.route)),
        path_texts=_path_texts(operation, document),
        request=RequestValidator(operation, document, request_check),
        security=SecurityChecker(operation.security, schemes, accepts),
        fingerprint_headers=_headers_read_by(operation, schemes),
        success=success_choice(operation),
        stateful=stateful,
        refuses_unacceptable=strict_accept or "406" in operation.responses,
        declared_accept=_declared_accept(operation, request_check),
    )


def _headers_read_by(operation: Operation, schemes: Mapping[str, SecurityScheme]) -> tuple[str, ...]:
    """The headers the answer can depend on: negotiation, ``Prefer``, the body's media type, Host
    (absolute links), the declared header parameters, the credentials' headers and the cookies when
    a parameter or a credential is one (a browser's other cookies change no answer)."""
    names = {"accept", "prefer", "content-type", "host"}
    for param in operation.parameters:
        if param.location == "header":
            names.add(param.name.lower())
        elif param.location == "cookie":
            names.add("cookie")
    for requirement in operation.security:
        for name in requirement:
            names |= credential_headers(schemes.get(name))
    return tuple(sorted(names))


def _path_texts(operation: Operation, document: Mapping[str, Any]) -> dict[str, Callable[[str], str]]:
    texts = {}
    for param in operation.parameters:
        if param.location == "path" and param.style in ("label", "matrix"):
            spelling = Spelling(
                param.name, "path", param.style, param.explode, shape_of(document, param.schema)
            )
            text = path_text(spelling)
            if text is not None:
                texts[param.name] = text
    return texts


def _declared_accept(operation: Operation, request_check: CheckFactory) -> Check | None:
    for param in operation.parameters:
        if param.location == "header" and param.name.lower() == "accept":
            return request_check(param.schema)
    return None
