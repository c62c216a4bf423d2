"""schemathesis finds nothing on real Swagger 2.0 documents served through the 3.0 conversion.

Each document is checked twice, with the five conformance checks in positive mode (seeded, bounded):
- against the converted document the mock serves (how every corpus document is run), and
- against the original Swagger 2.0 file, read by schemathesis's own 2.0 support, so that requests built
  from 2.0 rules (formData, collectionFormat, `produces`) must be accepted and every answer must fit
  the 2.0 schemas: a conversion that changed a meaning would fail here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import content_type_conformance

from specmock.server import create_app
from specmock.spec_files import api_name
from tests.contract.conformance import CHECKS, run_positive

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOCUMENTS = ["swagger2-petstore/swagger.yaml", "swagger2-petstore-separate/spec/swagger.json"]
MAX_EXAMPLES = int(os.environ.get("SPECMOCK_CONFORMANCE_EXAMPLES", "10"))
# petstore-separate/spec/swagger.json refers to ../common/Error.json, outside its own folder.
ROOTS = (CORPUS / "swagger2-petstore-separate",)


def body_content_type_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """content_type_conformance, except for answers without a body.

    schemathesis reads a 2.0 operation's `produces` as the media types of every response, even one
    with no schema (a 204, a bare 405), and then wants a Content-Type on the empty answer.
    """
    if not response.content:
        return None
    return content_type_conformance(ctx, response, case)


def valid_requests_are_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request built from the document (positive mode) is never refused as invalid.

    The five checks cannot see a misread parameter style: the mock's 400 is documented. Its
    `Specmock-Violations` header names what it found wrong with the request.
    """
    violations = response.headers.get("specmock-violations")
    if response.status_code in (400, 415, 422) and violations:
        raise AssertionError(f"a valid request was refused with {response.status_code}: {violations}")
    return None


VALID_CHECKS = [*CHECKS, valid_requests_are_accepted]
ORIGINAL_CHECKS = [
    body_content_type_conformance if c is content_type_conformance else c for c in VALID_CHECKS
]


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_converted_document_holds_against_the_mock(document: str) -> None:
    path = CORPUS / document
    app = create_app(path, seed=1, ref_roots=ROOTS)
    failures = run_positive(app, api_name(path), max_examples=MAX_EXAMPLES, checks=VALID_CHECKS)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(map(str, failures[:40]))


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_original_swagger_document_holds_against_the_mock(document: str) -> None:
    path = CORPUS / document
    app = create_app(path, seed=1, ref_roots=ROOTS)
    schema = schemathesis.openapi.from_path(path)
    schema.app = app
    assert len(list(schema.get_all_operations())) == len(app.apis[0].operations)
    failures = run_positive(
        app, api_name(path), max_examples=MAX_EXAMPLES, schema=schema, checks=ORIGINAL_CHECKS
    )
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(map(str, failures[:40]))
