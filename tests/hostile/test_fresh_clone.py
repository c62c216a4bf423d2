"""A fresh clone passes its own tests: nothing outside the repository is read, and warnings-as-errors
users can use the plugin and the Python API.

`.ci/run` proves the first half end to end (it clones the checkout into an empty temporary folder and
runs the README's test command there); these tests keep it from coming back between CI runs.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.corpus import CORPUS

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("tests", "bench", ".ci")
SKIPPED_DIRS = {"__pycache__", ".hypothesis", ".prism", "results", "node_modules", ".pytest_cache"}
# Places outside the checkout a test or bench script could reach for: the shared folder next to a
# developer's clone (by any spelling), absolute paths of this workplace, a home directory.
OUTSIDE = [
    (re.compile(r"/work/"), "an absolute path of this machine"),
    (re.compile(r"\.\./+shared\b"), "the shared folder beside the clone"),
    (re.compile(r"""/\s*["']shared["']|["']shared/"""), "the shared folder beside the clone"),
    (re.compile(r"SPECMOCK_SHARED"), "a variable naming the shared folder"),
    (re.compile(r"expanduser\(|Path\.home\(\)"), "the user's home directory"),
]
PARENTS_INDEX = re.compile(r"\.parents\[(\d+)\]")
PARENT_CHAIN = re.compile(r"__file__\)(?:\.resolve\(\))?((?:\.parent)+)")


def scanned_files() -> list[Path]:
    found = []
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*")):
            if SKIPPED_DIRS.intersection(path.relative_to(REPO).parts) or not path.is_file():
                continue
            if path.suffix in (".py", ".md", ".txt", ".yaml", ".yml", ".json", ".toml", ".sh", "") or (
                path.parent.name == ".ci"
            ):
                found.append(path)
    return found


def outside_references(text: str, depth: int) -> list[str]:
    """Each reference in ``text`` to a file outside the repository, as "line N: what"; ``depth``: the
    folders between the repository root and the file (``Path(__file__).parents[depth]`` is the root)."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        shown = f"{line.strip()}"
        problems += [f"line {number}: {why}: {shown}" for pattern, why in OUTSIDE if pattern.search(line)]
        # Path(__file__).parents[n] and .parent chains may climb to the root of the checkout, no further.
        for match in PARENTS_INDEX.finditer(line):
            if "__file__" in line and int(match.group(1)) > depth:
                problems.append(f"line {number}: climbs above the repository: {shown}")
        for match in PARENT_CHAIN.finditer(line):
            if match.group(1).count(".parent") > depth + 1:
                problems.append(f"line {number}: climbs above the repository: {shown}")
    return problems


def test_no_test_or_bench_file_refers_to_a_path_outside_the_repository() -> None:
    this_file = Path(__file__).resolve()
    files = [p for p in scanned_files() if p.resolve() != this_file]  # its patterns name what they find
    assert len(files) > 50
    found = {
        str(p.relative_to(REPO)): outside_references(
            p.read_text(encoding="utf-8", errors="replace"), len(p.relative_to(REPO).parts) - 1
        )
        for p in files
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_guard_recognises_every_spelling_of_an_outside_path() -> None:
    lines = [  # as written in a file two folders deep (tests/x/sample.py): parents[2] is the root
        'SHARED = Path("/work/shared")',
        'SHARED = Path(__file__).resolve().parents[3] / "shared"',
        'candidates = [str(REPO.parent / "shared")]',
        'open("../shared/corpus/a.yaml")',
        "ROOT = Path(__file__).resolve().parent.parent.parent.parent",
        'os.environ.get("SPECMOCK_SHARED", "")',
        'ROOT = Path(__file__).resolve().parents[2] / "tests"',
        "ROOT = Path(__file__).parent.parent.parent",
        "the machine is shared: slow",
    ]
    problems = outside_references("\n".join(lines), depth=2)
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in (1, 2, 2, 3, 4, 5, 6)]


def index_rows() -> dict[str, str]:
    """file → sha256 of the document, from tests/corpus/INDEX.md."""
    rows = {}
    for line in (CORPUS / "INDEX.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_every_corpus_file_is_vendored_and_listed_with_its_source() -> None:
    rows = index_rows()
    stored = {
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name not in ("INDEX.md", "__init__.py") and "__pycache__" not in p.parts
    }
    assert stored == set(rows)
    for name, digest in rows.items():
        data = (CORPUS / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        assert hashlib.sha256(data).hexdigest() == digest, name


def test_ci_clones_the_checkout_into_an_empty_folder_and_runs_the_readme_command() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = re.search(r"Install and run the whole test suite:\n\n```sh\n(.+)\n```", readme)
    assert command is not None
    assert command.group(1) in script
    assert re.search(r"git clone .*\"\$repo\" \"\$clone\"", script)
    assert 'cd "$clone"' in script


PLUGIN_TESTS = """
import httpx

KEY = {"X-API-Key": "k"}


def test_served(specmock):
    server = specmock("hellgate", seed=1)
    assert httpx.get(server.url + "/authentications", headers=KEY).status_code == 200


def test_in_process(specmock_asgi):
    sandbox = specmock_asgi("hellgate", seed=1)
    assert sandbox.client.get("/authentications", headers=KEY).status_code == 200
"""


def test_the_plugin_works_when_warnings_are_errors(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=PLUGIN_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=2)


API_SCRIPT = """
import httpx
from specmock import serve
from specmock.server import create_app

app = create_app("hellgate", seed=1)
with serve("hellgate", seed=1) as server:
    assert httpx.get(server.url + "/authentications", headers={"X-API-Key": "k"}).status_code == 200
print("ok")
"""


def test_the_python_api_works_when_warnings_are_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(API_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"
