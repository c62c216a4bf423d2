"""Specs are untrusted input: references stay inside the spec's folder tree, documents are bounded at
load (alias bombs, oversized files), and a `$ref` loop is named, while legal recursion keeps working.

`specmock check` and `specmock serve` run as real processes here (serve on 127.0.0.1, a free port),
each under an address-space limit so that a regression fails the test instead of the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from specmock import serve
from specmock.errors import SpecError
from specmock.openapi.loader import load_spec
from specmock.server import free_port

SPECMOCK = Path(sys.executable).parent / "specmock"
ADDRESS_SPACE = 2 * 1024**3  # a refused document needs a small fraction of it; a bomb needs far more
SECRET = "token: s3cr3t-outside-the-tree\n"


def spec_text(schema: str = "{type: object}", extra: str = "", before: str = "") -> str:
    """A one-operation document: GET /things answers 200 with ``schema``; ``before`` goes ahead of
    ``paths`` (YAML anchors must come before their aliases), ``extra`` after it."""
    body = f"""\
        paths:
          /things:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {schema}
        """
    head = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
    return head + before + textwrap.dedent(body) + textwrap.dedent(extra)


def run_command(arguments: Sequence[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``specmock ARGUMENTS`` with its address space limited (``ulimit -v``, KiB)."""
    limit = f'ulimit -v {ADDRESS_SPACE // 1024} && exec "$@"'
    return subprocess.run(
        ["bash", "-c", limit, "specmock", str(SPECMOCK), *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def serve_command(spec: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``specmock serve`` on a free port: a refused document makes it exit before it listens."""
    port = str(free_port())
    try:
        return run_command(["serve", str(spec), "--port", port, "--quiet", *extra], timeout=60)
    except subprocess.TimeoutExpired as exc:  # it served: stopped by the timeout, and that is the failure
        raise AssertionError(f"specmock serve {spec} started serving instead of refusing it") from exc


def assert_one_paragraph_refusal(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-3000:])
    message = done.stderr.strip()
    assert "Traceback" not in message
    assert message.count("\n") == 0, message  # one paragraph, no traceback
    for word in words:
        assert word in message, message


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/secret.yaml beside tmp/api/, the folder of the spec."""
    (tmp_path / "secret.yaml").write_text(SECRET)
    (tmp_path / "api").mkdir()
    return tmp_path / "api"


OUTSIDE_REFS = [
    pytest.param("../secret.yaml", id="parent-folder"),
    pytest.param("../../../../../../../../etc/passwd", id="climbing-to-etc-passwd"),
    pytest.param("/etc/passwd", id="absolute"),
    pytest.param("sub/../../secret.yaml", id="down-then-up"),
]


@pytest.mark.parametrize("ref", OUTSIDE_REFS)
def test_a_reference_outside_the_spec_folder_is_refused_by_load_check_and_serve(tree: Path, ref: str) -> None:
    spec = tree / "openapi.yaml"
    spec.write_text(spec_text(f"{{$ref: '{ref}'}}"))
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert caught.value.file == str(spec)
    assert caught.value.pointer == "/paths/~1things/get/responses/200/content/application~1json/schema"
    assert "outside" in caught.value.reason
    for done in (run_command(["check", str(spec)]), serve_command(spec)):
        assert_one_paragraph_refusal(done, str(spec), "/paths/~1things", ref, "outside")
        assert "s3cr3t" not in done.stdout + done.stderr
        assert "root:" not in done.stdout + done.stderr


def test_a_symlink_inside_the_tree_that_leads_outside_is_refused(tree: Path) -> None:
    (tree / "shared.yaml").symlink_to(tree.parent / "secret.yaml")
    spec = tree / "openapi.yaml"
    spec.write_text(spec_text("{$ref: 'shared.yaml'}"))
    with pytest.raises(SpecError, match="outside"):
        load_spec(spec)


def test_references_inside_the_tree_still_load(tree: Path) -> None:
    (tree / "schemas").mkdir()
    (tree / "schemas" / "Thing.yaml").write_text("type: object\nproperties: {name: {$ref: 'Name.yaml'}}\n")
    (tree / "schemas" / "Name.yaml").write_text("type: string\n")
    spec = tree / "openapi.yaml"
    spec.write_text(spec_text("{$ref: 'schemas/Thing.yaml'}"))
    assert "Thing" in load_spec(spec).document["components"]["schemas"]


def test_an_explicit_ref_root_widens_the_tree_for_load_check_and_serve(tree: Path) -> None:
    spec = tree / "openapi.yaml"
    spec.write_text(spec_text("{$ref: '../secret.yaml'}"))
    root = str(tree.parent)
    assert load_spec(spec, ref_roots=[tree.parent]).document["components"]["schemas"]
    checked = run_command(["check", str(spec), "--ref-root", root])
    assert checked.returncode == 0, checked.stderr
    with serve(spec, ref_roots=(tree.parent,)) as server:
        served = httpx.get(f"{server.url}/__specmock/apis/api/openapi.json").json()
    assert "s3cr3t-outside-the-tree" in str(served)  # the user asked for it


@pytest.mark.parametrize(
    "ref",
    ["file:///etc/passwd", "file:/etc/passwd", "http://127.0.0.1:9/x.yaml", "https://example.com/s.yaml#/A"],
)
def test_remote_and_file_uri_references_stay_refused(tree: Path, ref: str) -> None:
    spec = tree / "openapi.yaml"
    spec.write_text(spec_text(f"{{$ref: '{ref}'}}"))
    with pytest.raises(SpecError) as caught:
        load_spec(spec, ref_roots=[Path("/")])  # even with the widest tree
    assert "URI" in caught.value.reason or "remote" in caught.value.reason
    assert caught.value.pointer.endswith("/schema")


def alias_bomb(placement: str) -> str:
    """About 700 bytes of YAML that expand to 9**9 (387 million) values."""
    lines = ["x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"x-{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    anchors = "\n".join(lines) + "\n"
    if placement == "example":  # served as the example, and in /__specmock/apis/<api>/openapi.json
        return spec_text(before=anchors).replace("schema: {type: object}", "example: *i")
    return spec_text("{type: array, items: {enum: *i}}", before=anchors)  # walked by `check`


@pytest.mark.parametrize("placement", ["example", "enum"])
def test_a_yaml_alias_bomb_is_refused_at_load_by_check_and_serve(tmp_path: Path, placement: str) -> None:
    spec = tmp_path / "bomb.yaml"
    spec.write_text(alias_bomb(placement))
    assert spec.stat().st_size < 1000
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert "alias" in caught.value.reason
    assert caught.value.pointer.startswith("/x-")
    for done in (run_command(["check", str(spec)]), serve_command(spec)):
        assert_one_paragraph_refusal(done, str(spec), "alias")


def test_anchors_and_aliases_of_ordinary_size_still_load(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    shapes = "x-shapes:\n  thing: &thing {type: object, properties: {a: {type: string}}}\n"
    spec.write_text(spec_text("*thing", before=shapes))
    schema = load_spec(spec).document["paths"]["/things"]["get"]["responses"]["200"]["content"]
    assert schema["application/json"]["schema"]["properties"] == {"a": {"type": "string"}}


def test_an_oversized_document_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    from specmock.openapi import parse

    spec = tmp_path / "big.yaml"
    padding = "# " + "x" * 1022 + "\n"
    with spec.open("w") as out:
        out.write(spec_text())
        out.write(padding * (parse.MAX_DOCUMENT_BYTES // len(padding) + 1))
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert "MiB" in caught.value.reason
    for done in (run_command(["check", str(spec)]), serve_command(spec)):
        assert_one_paragraph_refusal(done, str(spec), "MiB")


def test_a_referenced_file_that_is_not_a_regular_file_is_refused(tree: Path) -> None:
    os.mkfifo(tree / "pipe.yaml")  # reading it would block start-up forever
    spec = tree / "openapi.yaml"
    spec.write_text(spec_text("{$ref: 'pipe.yaml'}"))
    with pytest.raises(SpecError, match="not a regular file"):
        load_spec(spec)


def test_a_ref_loop_names_the_file_the_pointer_and_the_loop(tmp_path: Path) -> None:
    spec = tmp_path / "loop.yaml"
    spec.write_text(
        spec_text(
            "{$ref: '#/components/schemas/A'}",
            """\
            components:
              schemas:
                A: {$ref: '#/components/schemas/B'}
                B: {$ref: '#/components/schemas/C', description: 3.1 allows siblings}
                C: {$ref: '#/components/schemas/A'}
            """,
        )
    )
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    error = caught.value
    assert error.file == str(spec)
    assert error.pointer == "/components/schemas/A"
    assert (
        "#/components/schemas/A → #/components/schemas/B → #/components/schemas/C → #/components/schemas/A"
        in (error.reason)
    )
    assert_one_paragraph_refusal(
        run_command(["check", str(spec)]), str(spec), "/components/schemas/A", "loop"
    )


def test_a_ref_to_itself_is_a_loop(tmp_path: Path) -> None:
    spec = tmp_path / "self.yaml"
    spec.write_text(
        spec_text(
            "{$ref: '#/components/schemas/A'}",
            "components: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n",
        )
    )
    with pytest.raises(SpecError, match="loop"):
        load_spec(spec)


RECURSIVE = """\
components:
  schemas:
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        children: {type: array, maxItems: 2, items: {$ref: '#/components/schemas/Node'}}
        parent: {$ref: '#/components/schemas/Alias'}
    Alias: {$ref: '#/components/schemas/Node'}
"""


def test_legal_recursion_through_a_schema_keeps_working_over_the_wire(tmp_path: Path) -> None:
    spec = tmp_path / "tree.yaml"
    spec.write_text(spec_text("{$ref: '#/components/schemas/Alias'}", RECURSIVE))
    load_spec(spec)
    with serve(spec, seed=3) as server:
        answer = httpx.get(server.url + "/things")
    assert answer.status_code == 200
    assert "specmock-violations" not in answer.headers
    assert isinstance(answer.json()["name"], str)


def test_a_real_split_document_reaching_a_sibling_folder_needs_the_flag() -> None:
    """The OAI petstore-separate example keeps Error.json in ../common: refused until it is allowed."""
    from tests.corpus import CORPUS

    spec = CORPUS / "swagger2-petstore-separate" / "spec" / "swagger.json"
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert "../common/Error.json" in caught.value.reason
    assert "outside the folder tree" in caught.value.reason
    assert load_spec(spec, ref_roots=[spec.parents[1]]).document["components"]["schemas"]["Error"]
