"""Drive schemathesis (positive data) against an in-process specmock app and collect every failure."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from specmock.app import SpecmockApp

# Schemas no value can satisfy under plain JSON Schema, so every server fails schemathesis on them.
# authentik's ChallengeTypes: EmailChallenge, OAuthDeviceCodeChallenge and OAuthDeviceCodeFinishChallenge
# differ only in a `default`, with no required property, so any value matching one matches all three
# and `oneOf` can never hold (tests/contract/test_unsatisfiable.py proves it). Only that exact
# failure, on that schema, is excused.
UNSATISFIABLE_ONE_OF = ("/components/schemas/ChallengeTypes",)


def excused(message: str) -> bool:
    return "valid under more than one of the schemas listed in the 'oneOf'" in message and any(
        f"Schema at {pointer}:" in message for pointer in UNSATISFIABLE_ONE_OF
    )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def credentials(document: dict[str, Any]) -> dict[str, str]:
    """One well-formed credential for every security scheme the document declares."""
    headers: dict[str, str] = {}
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    basic = any(
        s.get("type") == "http" and str(s.get("scheme", "")).lower() == "basic" for s in schemes.values()
    )
    bearer = any(
        s.get("type") in ("oauth2", "openIdConnect") or (s.get("type") == "http" and not basic)
        for s in schemes.values()
    )
    if basic and not bearer:
        headers["Authorization"] = "Basic " + base64.b64encode(b"user:secret").decode()
    else:
        headers["Authorization"] = "Bearer specmock-test-token"
    for scheme in schemes.values():
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and scheme.get("name"):
            headers.setdefault(str(scheme["name"]), "specmock-test-key")
    return headers


def load_schema(app: SpecmockApp, api_name: str) -> Any:
    url = f"/__specmock/apis/{api_name}/openapi.json?servers=local"
    return schemathesis.openapi.from_asgi(url, app)


def run_positive(
    app: SpecmockApp,
    api_name: str,
    *,
    max_examples: int,
    part: int = 0,
    parts: int = 1,
    schema: Any = None,
    checks: list[Any] = CHECKS,
) -> list[str]:
    """Failures of ``checks`` over the document the app serves (or ``schema``, already loaded)."""
    schema = load_schema(app, api_name) if schema is None else schema
    headers = credentials(app.apis[0].document)
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    for index, operation in enumerate(operations):
        if index % parts == part:
            failures.extend(_check_operation(operation, headers, max_examples, checks))
    return failures


def describe(exc: BaseException) -> str:
    """One line per distinct schemathesis failure (the check and what it saw), excused ones left out."""
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    texts = [(type(p).__name__, " ".join(str(p).split())) for p in parts]
    return " | ".join(f"{name}: {text[:300]}" for name, text in texts if not excused(text))


def _check_operation(
    operation: Any, headers: dict[str, str], max_examples: int, checks: list[Any]
) -> Iterable[str]:
    found: list[str] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except (Exception, BaseExceptionGroup) as exc:  # collected and reported together below
            reasons = describe(exc)
            if reasons:
                found.append(f"{operation.method.upper()} {operation.path}: {reasons}")

    try:
        run()
    except Unsatisfiable:
        # schemathesis can build no request at all for this operation (the document's own
        # constraints contradict each other): nothing reaches specmock, so there is nothing to check.
        pass
    except (Exception, BaseExceptionGroup) as exc:  # e.g. no data can be built for this operation
        found.append(
            f"{operation.method.upper()} {operation.path}: generation failed: {type(exc).__name__}: "
            f"{str(exc)[:300]}"
        )
    return found
