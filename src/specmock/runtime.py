"""Api: one served document, compiled once at start-up and read by every request.

Per-operation work (casters, validators, security checks) is compiled on first use and cached, so a
600-operation document starts in well under a second and each operation pays its compile cost once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import unquote, urlsplit

from specmock.config import MockConfig
from specmock.generation import Generator
from specmock.memo import Memo
from specmock.openapi.jsonschema import Direction, SchemaCompiler, violations
from specmock.openapi.loader import LoadedSpec
from specmock.openapi.model import (
    Operation,
    SecurityScheme,
    build_operations,
    build_security_schemes,
    template_names,
)
from specmock.pipeline.casting import shape_of
from specmock.pipeline.negotiate import Plan, success_plan
from specmock.pipeline.request import MockRequest
from specmock.pipeline.security import SecurityChecker
from specmock.pipeline.styles import Spelling, path_text
from specmock.pipeline.validate_request import Check, RequestValidator
from specmock.state import Sandbox

log = logging.getLogger("specmock")
MEDIA_MEMO_SIZE = 64
MAX_ISSUED_TOKENS = 10_000  # the oldest issued token stops being accepted beyond this many
CREDENTIAL_FIELDS = frozenset(
    ("token", "access_token", "accessToken", "id_token", "jwt", "key", "apiKey", "api_key")
)


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
    success: Plan  # the plan of a valid request that asks for no particular status
    stateful: bool  # the store answers it (when the client does not ask for a status or an example)
    # Whether an Accept no documented media type fits is refused with 406 (RFC 9110 lets a server
    # disregard Accept): only where the operation documents 406, or with --strict-accept.
    refuses_unacceptable: bool
    # An `Accept` header parameter the operation declares: a value it admits is never refused.
    declared_accept: Check | None
    media_choices: Memo = field(default_factory=lambda: Memo(MEDIA_MEMO_SIZE))  # (key, Accept) → choice
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


class Api:
    """Everything the pipeline needs to answer requests for one document."""

    def __init__(self, spec: LoadedSpec, config: MockConfig, *, name: str, base_path: str) -> None:
        self.spec = spec
        self.config = config
        self.name = name
        self.base_path = base_path
        self.document = spec.document
        self.operations: dict[str, Operation] = build_operations(self.document)
        self.schemes: dict[str, SecurityScheme] = build_security_schemes(self.document)
        self.compiler = SchemaCompiler(self.document, spec.version)
        self.generator = Generator(self.document, version=spec.version)
        # Tokens its creates issued (a login), oldest first; bounded like every other per-request growth.
        self.issued_tokens: dict[str, None] = {}
        self.tokens_issued = 0  # counts every issue: part of the cache key (the dict's size stops growing)
        self._compiled: dict[str, CompiledOperation] = {}
        self._checks: dict[tuple[int, str], Check] = {}
        self.responses: Memo = Memo(max_bytes=config.max_cache, weigh=answer_bytes)
        self.header_values: Memo = Memo()  # generated header values are pure
        self.after_reset: list[Callable[[], None]] = []  # e.g. reload fixtures instead of the seed

    @cached_property
    def sandbox(self) -> Sandbox:
        sandbox = Sandbox.build(
            self.document,
            self.operations,
            self.generator,
            seed=self.config.seed,
            records=self.config.records,
            max_records=self.config.max_records,
        )
        frozen = self.config.clock
        if frozen is not None:
            sandbox.now = lambda: frozen
        return sandbox

    def reset(self) -> None:
        """Back to the seeded state: stored records and the tokens issued so far."""
        self.sandbox.reset()
        self.issued_tokens.clear()
        self.responses.clear()
        self.header_values.clear()
        for hook in self.after_reset:
            hook()

    def compiled(self, key: str) -> CompiledOperation:
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = self._compile(self.operations[key])
        return found

    def _compile(self, operation: Operation) -> CompiledOperation:
        pattern = operation.path_regex
        accepts = self._accepts if self.config.api_keys else None
        return CompiledOperation(
            operation=operation,
            path_pattern=pattern,
            path_names=tuple(template_names(operation.route)),
            path_texts=_path_texts(operation, self.document),
            request=RequestValidator(operation, self.document, lambda s: self.check(s, "request")),
            security=SecurityChecker(operation.security, self.schemes, accepts),
            fingerprint_headers=_headers_read_by(operation, self.schemes),
            success=success_plan(operation),
            stateful=self.sandbox.handles(operation.key),
            refuses_unacceptable=self.config.strict_accept or "406" in operation.responses,
            declared_accept=_declared_accept(operation, lambda s: self.check(s, "request")),
        )

    def variant_for(self, keys: tuple[str, ...], request: MockRequest) -> str:
        """Of operations answering the same method and URL, the first whose parameters and body the
        request satisfies (else the one it breaks least)."""
        best, fewest = keys[0], None
        for key in keys:
            compiled = self.compiled(key)
            found, _ = compiled.request.validate(request, compiled.path_values(request.path))
            if not found:
                return key
            if fewest is None or len(found) < fewest:
                best, fewest = key, len(found)
        return best

    def version(self) -> tuple[int, int]:
        """Changes whenever stored data or accepted credentials change: part of every cache key."""
        return self.sandbox.version, self.tokens_issued

    def issue_credentials(self, created: Mapping[str, Any]) -> None:
        """A created record carrying a token (a login) makes that token a valid credential."""
        for name in CREDENTIAL_FIELDS.intersection(created):
            value = created[name]
            if isinstance(value, str) and value:
                if len(self.issued_tokens) >= MAX_ISSUED_TOKENS:
                    del self.issued_tokens[next(iter(self.issued_tokens))]
                self.issued_tokens[value] = None
                self.tokens_issued += 1

    def _accepts(self, secret: str) -> bool:
        return secret in self.config.api_keys or secret in self.issued_tokens

    def check(self, schema: dict[str, Any], direction: Direction) -> Check:
        """A compiled validator for a schema: value → [(json path, message)], empty when valid."""
        cache_key = (id(schema), direction)
        found = self._checks.get(cache_key)
        if found is None:
            found = self._checks[cache_key] = _as_check(self.compiler.validator(schema, direction))
        return found


def answer_bytes(response: Any) -> int:
    """What a cached answer holds: its body and header text."""
    return len(response.body) + sum(len(name) + len(value) for name, value in response.headers)


def _headers_read_by(operation: Operation, schemes: Mapping[str, SecurityScheme]) -> tuple[str, ...]:
    names = {"accept", "prefer", "content-type", "cookie", "host"}  # host: absolute page links
    names |= {p.name.lower() for p in operation.parameters if p.location == "header"}
    for requirement in operation.security:
        for scheme in (schemes.get(name) for name in requirement):
            if scheme is None or scheme.type != "apiKey":
                names.add("authorization")
            elif scheme.location == "header" and scheme.param_name:
                names.add(scheme.param_name.lower())
    return tuple(sorted(names))


def _path_texts(operation: Operation, document: Any) -> dict[str, Callable[[str], str]]:
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


def _declared_accept(operation: Operation, compile_check: Callable[[dict[str, Any]], Check]) -> Check | None:
    for param in operation.parameters:
        if param.location == "header" and param.name.lower() == "accept":
            return compile_check(param.schema)
    return None


def _as_check(validator: Any) -> Check:
    is_valid: Callable[[Any], bool] = validator.is_valid

    def check(value: Any) -> list[tuple[str, str]]:
        return [] if is_valid(value) else violations(validator, value)

    return check


def base_path_of(document: Mapping[str, Any]) -> str:
    """The path of the first server URL (``https://host/v2`` → ``/v2``), variables filled with defaults."""
    servers = document.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return ""
    server = servers[0]
    url = str(server.get("url", ""))
    for name, var in (server.get("variables") or {}).items():
        default = str((var or {}).get("default", ""))
        url = url.replace("{" + name + "}", default if "{" not in default else name)
    path = urlsplit(url).path if "://" in url else url
    path = re.sub(r"\{[^}]*\}", "", path)
    return "/" + path.strip("/") if path.strip("/") else ""
