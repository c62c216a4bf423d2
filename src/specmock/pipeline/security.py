"""Security requirements → Diagnostics (SECURITY).

Policy, as Prism's: by default any well-formed credential passes, so a frontend needs no real key.
When keys are configured (``--api-key``), only those and the tokens the sandbox itself issued pass.
oauth2 and openIdConnect are checked as "a Bearer token is present".
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from specmock.diagnostics import Diagnostic, Kind
from specmock.messages.requests import MockRequest
from specmock.openapi.model import Requirement, SecurityScheme

Credential = Callable[[MockRequest], str | None]  # the presented secret, or None when absent/malformed


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
