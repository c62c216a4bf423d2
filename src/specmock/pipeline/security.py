"""Security requirements → Diagnostics (SECURITY).

Policy, as Prism's: by default any well-formed credential passes, so a frontend needs no real key.
When keys are configured (``--api-key``), only those and the tokens the sandbox itself issued pass
(``Credentials``). oauth2 and openIdConnect are checked as "a Bearer token is present".
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from specmock.diagnostics import Diagnostic, Kind
from specmock.messages.requests import MockRequest
from specmock.openapi.model import Requirement, SecurityScheme

Credential = Callable[[MockRequest], str | None]  # the presented secret, or None when absent/malformed
MAX_ISSUED_TOKENS = 10_000  # the oldest issued token stops being accepted beyond this many
CREDENTIAL_FIELDS = frozenset(
    ("token", "access_token", "accessToken", "id_token", "jwt", "key", "apiKey", "api_key")
)


class Credentials:
    """The secrets that pass when keys are configured: those keys, and the tokens the API's creates
    answered with (a login), the newest ``MAX_ISSUED_TOKENS`` of them."""

    def __init__(self, keys: Collection[str]) -> None:
        self.keys = keys
        # Oldest first. An OrderedDict drops its oldest in constant time; a dict's first key, once earlier
        # ones were deleted, is found by scanning past their empty slots (~18 µs a create at the bound).
        self.issued: OrderedDict[str, None] = OrderedDict()
        self.changes = 0  # counts every issue and adoption: part of the cache key (the size stops growing)

    def accepts(self, secret: str) -> bool:
        return secret in self.keys or secret in self.issued

    def issue_from(self, created: Mapping[str, Any]) -> None:
        """A created record carrying a token makes that token a valid credential."""
        for name in CREDENTIAL_FIELDS.intersection(created):
            value = created[name]
            if isinstance(value, str) and value:
                if len(self.issued) >= MAX_ISSUED_TOKENS:
                    self.issued.popitem(last=False)
                self.issued[value] = None
                self.changes += 1

    def adopt(self, earlier: Credentials) -> None:
        """Keep the tokens an earlier version of the API issued (a reload), as older than these, within
        the same bound: the newest ``MAX_ISSUED_TOKENS`` of both pass."""
        merged = OrderedDict(earlier.issued)
        for token in self.issued:
            merged.pop(token, None)
            merged[token] = None
        while len(merged) > MAX_ISSUED_TOKENS:
            merged.popitem(last=False)
        self.issued.clear()
        self.issued.update(merged)
        self.changes += 1

    def restore_issued(self, tokens: list[str]) -> None:
        """Exactly ``tokens`` issued, oldest first (another process's, from a snapshot)."""
        self.issued.clear()
        self.issued.update(dict.fromkeys(tokens[-MAX_ISSUED_TOKENS:]))
        self.changes += 1

    def forget_issued(self) -> None:
        """Back to the configured keys alone (a reset)."""
        self.issued.clear()


@dataclass(frozen=True, slots=True)
class SchemeCheck:
    scheme: SecurityScheme
    credential: Credential
    expects: str  # "header X-API-Key", "Bearer token", … for the message


def _header(name: str) -> Credential:
    key = name.lower()
    return lambda request: request.headers.get(key) or None


def _query(name: str) -> Credential:
    return lambda request: (request.query.get(name) or [""])[-1] or None


def _cookie(name: str) -> Credential:
    return lambda request: request.cookies.get(name) or None


def _authorization(scheme: str) -> Credential:
    prefix = scheme.lower() + " "

    def credential(request: MockRequest) -> str | None:
        value = request.headers.get("authorization", "")
        if value[: len(prefix)].lower() != prefix:
            return None
        token = value[len(prefix) :].strip()
        return token or None

    return credential


def _basic(request: MockRequest) -> str | None:
    token = _authorization("basic")(request)
    if token is None:
        return None
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if ":" in decoded else None


def compile_scheme(scheme: SecurityScheme) -> SchemeCheck:
    if scheme.type == "apiKey" and scheme.param_name:
        getter = {"header": _header, "query": _query, "cookie": _cookie}.get(scheme.location or "", _header)
        return SchemeCheck(scheme, getter(scheme.param_name), f"{scheme.location} {scheme.param_name!r}")
    if scheme.type == "http" and scheme.scheme == "basic":
        return SchemeCheck(scheme, _basic, "HTTP Basic credentials (Authorization: Basic …)")
    if scheme.type == "http":
        name = (scheme.scheme or "bearer").capitalize()
        return SchemeCheck(scheme, _authorization(name), f"Authorization: {name} …")
    if scheme.type in ("oauth2", "openIdConnect"):
        return SchemeCheck(scheme, _authorization("bearer"), "Authorization: Bearer … (OAuth2 token)")
    return SchemeCheck(scheme, lambda _: "client-certificate", "a client certificate")


def credential_headers(scheme: SecurityScheme | None) -> frozenset[str]:
    """The request headers ``compile_scheme``'s check reads a credential from (lower case)."""
    if scheme is None:
        return frozenset()
    if scheme.type == "apiKey" and scheme.param_name:
        if scheme.location == "query":
            return frozenset()
        return frozenset({"cookie" if scheme.location == "cookie" else scheme.param_name.lower()})
    if scheme.type in ("http", "oauth2", "openIdConnect"):
        return frozenset({"authorization"})
    return frozenset()  # a client certificate


class SecurityChecker:
    """One operation's alternatives (OR) of requirements (AND), compiled once."""

    def __init__(
        self,
        requirements: tuple[Requirement, ...],
        schemes: Mapping[str, SecurityScheme],
        accepts: Callable[[str], bool] | None = None,
    ) -> None:
        compiled = {name: compile_scheme(s) for name, s in schemes.items()}
        self.alternatives = tuple(tuple(compiled.get(name) for name in req) for req in requirements)
        self.accepts = accepts  # None: any well-formed credential passes

    def check(self, request: MockRequest) -> list[Diagnostic]:
        if not self.alternatives:
            return []
        problems: list[str] = []
        accepts = self.accepts
        for requirement in self.alternatives:  # one loop, no helper call: it runs on every request
            failures = []
            for check in requirement:
                if check is None:
                    failures.append("an undeclared security scheme")
                    continue
                secret = check.credential(request)
                if secret is None:
                    failures.append(check.expects)
                elif accepts is not None and check.scheme.type != "mutualTLS" and not accepts(secret):
                    failures.append(f"{check.expects} (the presented value is not accepted)")
            if not failures:
                return []
            problems.append(" and ".join(failures))
        return [
            Diagnostic(Kind.SECURITY, "missing or invalid credentials: expected " + "; or ".join(problems))
        ]
