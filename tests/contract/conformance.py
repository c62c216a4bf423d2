"""Drive schemathesis (positive data) against an in-process specmock app and collect every failure.

Used by the suite (``test_corpus.py``, a bounded, seeded sample) and by the full sweep run by hand
(``python -m tests.contract.sweep``).
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
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
from specmock.openapi.discriminator_gaps import discriminator_gaps
from tests.contract.recheck import Recheck

# Schemas no value can satisfy under plain JSON Schema, so every server fails schemathesis on them.
# authentik's ChallengeTypes: EmailChallenge, OAuthDeviceCodeChallenge and OAuthDeviceCodeFinishChallenge
# differ only in a `default`, with no required property, so any value matching one matches all three
# and `oneOf` can never hold (tests/contract/test_unsatisfiable.py proves it). Only that exact
# failure, on that schema, is excused.
UNSATISFIABLE_ONE_OF = ("/components/schemas/ChallengeTypes",)


# A discriminator value the document's own schema admits but its mapping does not name (Rebilly's
# RuleAction: 30 action names in the enum, 26 in the mapping). schemathesis generates such a value as
# valid data, specmock keeps it as sent, and schemathesis then refuses it in the answer. `specmock
# check` reports each of these (spec/discriminator_gaps.py); only those exact (property, value) pairs are
# excused.
UNNAMED_DISCRIMINATOR = re.compile(
    r"discriminator property '([^']*)' with value '([^']*)', which does not match"
)


def excused(message: str, unnamed: frozenset[tuple[str, str]] = frozenset()) -> bool:
    if "valid under more than one of the schemas listed in the 'oneOf'" in message and any(
        f"Schema at {pointer}:" in message for pointer in UNSATISFIABLE_ONE_OF
    ):
        return True
    found = UNNAMED_DISCRIMINATOR.search(message)
    return found is not None and (found[1], found[2]) in unnamed


def unnamed_discriminator_values(document: Any) -> frozenset[tuple[str, str]]:
    """(property, value) pairs a discriminator admits but selects no branch by (see ``excused``)."""
    return frozenset((gap.property, value) for gap in discriminator_gaps(document) for value in gap.values)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@dataclass(frozen=True)
class Finding:
    """One schemathesis failure on one request: what kind, on which operation, and what it saw."""

    operation: str  # "POST /conversations"
    kind: str  # the failure class and its distinguishing detail, e.g. "UndefinedStatusCode 406"
    status: int | None  # the response status
    message: str  # one line

    def __str__(self) -> str:
        return f"{self.operation}: [{self.status}] {self.kind}: {self.message[:300]}"


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


def operations_of(app: SpecmockApp, api_name: str) -> list[Any]:
    return [result.ok() for result in load_schema(app, api_name).get_all_operations()]


def run_positive(
    app: SpecmockApp,
    api_name: str,
    *,
    max_examples: int,
    part: int = 0,
    parts: int = 1,
    sample: int | None = None,
    refusals: bool = False,
    schema: Any = None,
    checks: list[Any] = CHECKS,
    sent: Counter[str] | None = None,
    unnamed: frozenset[tuple[str, str]] | None = None,
) -> list[Finding]:
    """Findings of ``checks`` over the operations of one part (``index % parts == part``) of the
    document the app serves (or ``schema``, already loaded); ``sample`` keeps every n-th of them (a
    deterministic subset for bounded runs); ``sent`` counts the requests made per operation;
    ``unnamed`` are the excused discriminator values (by default those the document admits unnamed)."""
    headers = credentials(app.apis[0].document)
    recheck = Recheck(app.apis[0].document) if refusals else None
    if unnamed is None:
        unnamed = unnamed_discriminator_values(app.apis[0].document)
    schema = load_schema(app, api_name) if schema is None else schema
    operations = [result.ok() for result in schema.get_all_operations()][part::parts]
    if sample:
        operations = operations[::sample]
    findings: list[Finding] = []
    for operation in operations:
        findings.extend(
            check_operation(operation, headers, max_examples, refusals, checks, sent, unnamed, recheck)
        )
    return findings


def findings_of(
    exc: BaseException, operation: str, status: int | None, unnamed: frozenset[tuple[str, str]] = frozenset()
) -> list[Finding]:
    """One finding per distinct schemathesis failure in ``exc``, the excused ones left out."""
    parts = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
    out = []
    for failure in parts:
        text = " ".join(str(failure).split())
        if not excused(text, unnamed):
            out.append(Finding(operation, kind_of(failure), status, text))
    return out


def kind_of(failure: BaseException) -> str:
    """The class of a failure: its type plus what tells one wrong answer from another."""
    name = type(failure).__name__
    if hasattr(failure, "status_code"):  # UndefinedStatusCode
        return f"{name} {failure.status_code}"
    schema_path = getattr(failure, "schema_path", None)
    if schema_path:  # JsonSchemaError: the keyword that failed
        return f"{name} {schema_path[-1]}"
    return name


REFUSALS = frozenset({400, 406, 415, 422})  # what specmock answers a request it finds invalid
CONFLICT = re.compile(r"is already taken|already exists")


def check_operation(
    operation: Any,
    headers: dict[str, str],
    max_examples: int,
    refusals: bool = False,
    checks: list[Any] = CHECKS,
    sent: Counter[str] | None = None,
    unnamed: frozenset[tuple[str, str]] = frozenset(),
    recheck: Recheck | None = None,
) -> list[Finding]:
    """Findings of the five checks; with ``refusals``, also every request built from positive data
    that specmock refused as invalid (``Refused <status>``, with what it found), and with ``recheck``
    whether the `jsonschema` library finds the generated data valid (see ``recheck``)."""
    label = f"{operation.method.upper()} {operation.path}"
    found: list[Finding] = []

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
        response = case.call(headers=headers)
        if sent is not None:
            sent[label] += 1
        if refusals and response.status_code in REFUSALS:
            violations = "; ".join(response.headers.get("specmock-violations") or ())  # header → [values]
            # a unique field already taken is the store's answer, not a refusal of the request's form
            kind = f"Conflict {response.status_code}"
            if not CONFLICT.search(violations):
                kind = f"Refused {response.status_code}"
                if recheck is not None:
                    sent_values = {**generated(case), "wire": getattr(response.request, "body", None)}
                    verdict, basis = recheck.verdict(case.method, operation.path, sent_values, violations)
                    kind, violations = f"{kind}, {verdict}", f"({basis}) {violations}"
            found.append(Finding(label, kind, response.status_code, violations))
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # collected and reported together below
            found.extend(findings_of(exc, label, response.status_code, unnamed))

    try:
        run()
    except Unsatisfiable:
        # schemathesis can build no request at all for this operation (the document's own
        # constraints contradict each other): nothing reaches specmock, so there is nothing to check.
        pass
    except (Exception, BaseExceptionGroup) as exc:  # e.g. no data can be built for this operation
        found.append(Finding(label, "GenerationFailed", None, f"{type(exc).__name__}: {str(exc)[:300]}"))
    return found


def generated(case: Any) -> dict[str, Any]:
    """The values schemathesis generated for one request, before it serialised them."""
    return {
        "body": case.body,
        "media_type": case.media_type,
        "path_parameters": case.path_parameters,
        "query": case.query,
        "headers": case.headers,
        "cookies": case.cookies,
    }  # and, added by the caller, "wire": the body bytes sent


def summary(findings: Iterable[Finding]) -> str:
    return "\n".join(str(f) for f in findings)
