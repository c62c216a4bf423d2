"""schemathesis (positive data, five conformance checks) finds no failure on real-world documents.

Run in-process with a bounded number of examples per operation; README's "Contract runs" section
has the command for a longer run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specmock.server import create_app
from specmock.spec_files import api_name
from tests.contract.conformance import run_positive
from tests.corpus import corpus_file

MAX_EXAMPLES = int(os.environ.get("SPECMOCK_CONFORMANCE_EXAMPLES", "2"))
# (file, parts): big documents are split so pytest-xdist spreads them over the cores.
DOCUMENTS = [
    ("oai-petstore-expanded.yaml", 1),
    ("oai-link-example.yaml", 1),
    ("ory-kratos.json", 1),
    ("overseerr.yaml", 2),
    ("twilio-api-v2010.yaml", 2),
    ("discord.json", 3),
    ("reference/rebilly/openapi.json", 6),
    ("reference/authentik/schema.yml", 10),
]
CASES = [
    pytest.param(doc, part, parts, id=f"{Path(doc).stem}-{part + 1}of{parts}")
    for doc, parts in DOCUMENTS
    for part in range(parts)
]


@pytest.mark.slow
@pytest.mark.parametrize(("document", "part", "parts"), CASES)
def test_specmock_conforms_to_real_world_documents(document: str, part: int, parts: int) -> None:
    path = corpus_file(document)
    app = create_app(path, seed=1)
    failures = run_positive(app, api_name(path), max_examples=MAX_EXAMPLES, part=part, parts=parts)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(map(str, failures[:40]))
