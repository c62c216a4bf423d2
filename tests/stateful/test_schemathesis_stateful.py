"""Acceptance: schemathesis's stateful phase against specmock serving each bundled spec and a nested one.

`specmock verify SPEC --origin URL -H ... --phases stateful` (through its Python entry, `run_verify`) runs
the sequences schemathesis builds from the document's links and the ones it infers (POST → GET / PUT /
DELETE by id), with every default check, among them `use_after_free` (a deleted resource is never
served again) and `ensure_resource_availability` (a created resource can be read at once). The server
is a real one (`specmock.serve` on 127.0.0.1); the run must find nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rich.console import Console

from specmock import serve
from specmock.verify.command import locate_spec
from specmock.verify.console import render
from specmock.verify.options import VerifyOptions
from specmock.verify.results import Verdict, VerifyReport
from specmock.verify.runner import run_verify
from tests.stateful.specs import LIBRARY, write_spec

LIFECYCLE_CHECKS = ("use_after_free", "ensure_resource_availability")
MAX_TIME = 30  # seconds: a cap per run; one stateful pass is far shorter


@dataclass(frozen=True)
class Target:
    spec: str
    header: tuple[str, str]
    max_examples: int
    must_test: tuple[str, ...]  # operations the stateful phase has to reach
    unreachable: tuple[str, ...] = ()  # operations no link leads to: schemathesis cannot chain them


BUNDLED = [
    Target(
        "rebilly",
        ("REB-APIKEY", "k"),
        8,
        must_test=(
            "GET /authentication-tokens",
            "POST /authentication-tokens",
            "GET /authentication-tokens/{token}",
            "DELETE /authentication-tokens/{token}",
        ),
        # the singleton has no link to or from the tokens (nor a parameter to infer one from)
        unreachable=("GET /authentication-options", "PUT /authentication-options"),
    ),
    Target(
        "authentik",
        ("Authorization", "Bearer k"),
        10,
        must_test=(
            "GET /core/tokens/",
            "POST /core/tokens/",
            "GET /core/tokens/{identifier}/",
            "PUT /core/tokens/{identifier}/",
            "DELETE /core/tokens/{identifier}/",
        ),
    ),
]


def _verify(
    spec: str | Path, url: str, header: tuple[str, str], max_examples: int
) -> tuple[VerifyReport, str]:
    options = VerifyOptions(
        spec=locate_spec(str(spec)),
        origin=url,  # the path of the document's first server is appended, as `serve` mounts it
        headers=dict([header]),
        max_examples=max_examples,
        seed=0,
        max_time=MAX_TIME,
        phases=("stateful",),
    )
    assert set(LIFECYCLE_CHECKS) <= set(options.checks)
    report = run_verify(options)
    out = io.StringIO()
    render(report, Console(file=out, width=200, highlight=False, soft_wrap=True))
    return report, out.getvalue()


def _stateful_results(report: VerifyReport) -> dict[str, Verdict]:
    return {r.operation: r.verdict for r in report.results if r.phase == "stateful"}


@pytest.mark.parametrize("target", BUNDLED, ids=lambda t: t.spec)
def test_bundled_spec_passes_the_stateful_phase(target: Target) -> None:
    with serve(target.spec, seed=0) as server:
        report, text = _verify(target.spec, server.url, target.header, target.max_examples)
    assert not report.findings, text
    assert not report.all_errors, text
    assert report.ok, text
    verdicts = _stateful_results(report)
    for operation in target.must_test:
        assert verdicts.get(operation) is Verdict.PASSED, f"{operation} was not tested\n{text}"
    assert set(report.untested) <= set(target.unreachable), text


def test_hellgate_has_nothing_to_chain_and_nothing_fails() -> None:
    """One list operation and no write: the stateful phase has no sequence to build, and finds nothing."""
    with serve("hellgate", seed=0) as server:
        report, text = _verify("hellgate", server.url, ("X-API-Key", "k"), 5)
    assert not report.findings, text
    assert not report.all_errors, text
    assert report.untested == ["GET /authentications"], text


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("library"), "library", LIBRARY)


@pytest.fixture
def library_url(library: Path) -> Iterator[str]:
    with serve(library, seed=0, records=3) as server:
        yield server.url


def test_nested_resource_and_singleton_pass_the_stateful_phase(library: Path, library_url: str) -> None:
    report, text = _verify(library, library_url, ("X-Library-Key", "k"), 20)
    assert report.ok, text
    verdicts = _stateful_results(report)
    assert len(verdicts) == 12, text  # every operation, the nested books and the settings included
    assert set(verdicts.values()) == {Verdict.PASSED}, text
    assert not report.untested, text


def test_deleting_an_author_frees_its_books(library_url: str) -> None:
    """What use_after_free asks of a nested resource, written out: the children go with their parent."""
    headers = {"X-Library-Key": "k"}
    with httpx.Client(base_url=f"{library_url}/v1", headers=headers, timeout=10) as client:
        author = client.post("/authors", json={"name": "Ann", "password": "hidden"})
        assert author.status_code == 201, author.text
        assert "password" not in author.json()
        author_id = author.json()["id"]
        book = client.post(f"/authors/{author_id}/books", json={"title": "First"})
        assert book.status_code == 201, book.text
        assert book.json()["authorId"] == author_id
        book_url = f"/authors/{author_id}/books/{book.json()['id']}"
        assert client.get(book_url).json() == book.json()
        assert client.get(f"/authors/{author_id}/books").json() == {"data": [book.json()], "total": 1}
        assert client.delete(f"/authors/{author_id}").status_code == 204
        for method, path in [
            ("GET", f"/authors/{author_id}"),
            ("GET", book_url),
            ("DELETE", book_url),
            ("GET", f"/authors/{author_id}/books"),
            ("POST", f"/authors/{author_id}/books"),
        ]:
            response = client.request(method, path, json={"title": "x"} if method == "POST" else None)
            assert response.status_code == 404, (method, path, response.text)
            assert response.json()["status"] == 404
        settings = client.put("/settings", json={"theme": "dark", "pageSize": 7})
        assert settings.status_code == 200, settings.text
        assert client.get("/settings").json() == settings.json()


def test_an_identifier_with_a_newline_is_routed_like_any_other() -> None:
    """Found by the stateful phase on authentik (seeds 1 and 2): an identifier holding `%0A` got a 405
    "documented for GET only" in answer to a GET. An unknown identifier is a 404 in GenericError's shape.
    """
    with serve("authentik", seed=0) as server, httpx.Client(base_url=f"{server.url}/api/v3") as client:
        headers = {"Authorization": "Bearer k"}
        for path in ("/core/tokens/a%0Ab/", "/core/tokens/a%0Ab/view_key/", "/core/tokens/a%0Ab/used_by/"):
            response = client.get(path, headers=headers)
            assert response.status_code == 404, (path, response.status_code, response.text)
            assert response.json()["detail"] == "No Token matches the given query."


@pytest.mark.parametrize("query", ["intent=", "expiring="])  # "" is not a value of either
def test_an_empty_filter_value_is_rejected_or_ignored(query: str) -> None:
    """Found by the stateful phase on authentik (seeds 1, 2, 9: negative_data_rejection on `?intent=`).

    `allowEmptyValue` defaults to false, so validation rejects it (400); were it allowed, it would be
    absent for the list too: the unfiltered list, never a filter on `""` that matches nothing.
    """
    with serve("authentik", seed=0) as server, httpx.Client(base_url=f"{server.url}/api/v3") as client:
        headers = {"Authorization": "Bearer k"}
        everything = client.get("/core/tokens/", headers=headers)
        assert everything.status_code == 200, everything.text
        assert everything.json()["pagination"]["count"] > 0
        response = client.get(f"/core/tokens/?{query}", headers=headers)
        if response.status_code != 400:
            assert response.status_code == 200, response.text
            assert response.json() == everything.json(), f"?{query} filtered on an empty value"
