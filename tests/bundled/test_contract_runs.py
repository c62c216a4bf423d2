"""schemathesis positive, negative and stateful runs on the three bundled specs find nothing.

`specmock verify` (its Python entry) runs every phase — examples, coverage (boundary and
schema-violating values), fuzzing (valid and invalid data) and stateful — with every default check,
`negative_data_rejection` included, against each bundled sandbox served on 127.0.0.1.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from specmock import serve
from specmock.verify.command import locate_spec
from specmock.verify.console import render
from specmock.verify.options import VerifyOptions
from specmock.verify.runner import run_verify

CREDENTIALS = {
    "rebilly": ("REB-APIKEY", "k"),
    "authentik": ("Authorization", "Bearer k"),
    "hellgate": ("X-API-Key", "k"),
}


@pytest.mark.parametrize("spec", sorted(CREDENTIALS))
def test_every_phase_passes_on_the_bundled_sandbox(spec: str) -> None:
    with serve(spec, seed=0) as server:
        options = VerifyOptions(
            spec=locate_spec(spec),
            origin=server.url,
            headers=dict([CREDENTIALS[spec]]),
            max_examples=8,
            seed=0,
            max_time=60,
        )
        assert "negative_data_rejection" in options.checks
        assert {"examples", "coverage", "fuzzing", "stateful"} <= set(options.phases)
        report = run_verify(options)
    out = io.StringIO()
    render(report, Console(file=out, width=200, highlight=False, soft_wrap=True))
    assert not report.findings, out.getvalue()
    assert not report.all_errors, out.getvalue()
    assert report.ok, out.getvalue()
