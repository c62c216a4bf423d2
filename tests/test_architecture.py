"""Who may import what (ARCHITECTURE.md), checked on every import the code writes; the public API stays
curated.

`violations` is the checker: the tests run it on the package and on small made-up packages holding
one violation each, so a checker that stops seeing a kind of import fails here."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

import pytest

import specmock
from tests.import_graph import (
    Import,
    Module,
    all_imports,
    cycle_through,
    knots_in,
    modules_under,
    part_graph,
    part_of,
)

PACKAGE = "specmock"
SRC = Path(specmock.__file__).resolve().parent
ARCHITECTURE = Path(__file__).resolve().parents[1] / "ARCHITECTURE.md"
ANY_MODULE = "*"

# Third-party package → the modules (or folders, written `name/`) of specmock that may import it.
# An empty set: tests and bench only. ARCHITECTURE.md carries the same table.
THIRD_PARTY: dict[str, frozenset[str]] = {
    "aiohttp": frozenset({"proxy/upstream.py"}),  # the proxy's upstream client: one module is the seam
    "click": frozenset({"cli.py", "project_settings.py"}),
    "connexion": frozenset({"app.py"}),
    "faker": frozenset({"generation/"}),
    "granian": frozenset({"listener.py"}),
    "httpx": frozenset({"pytest_plugin.py"}),
    "jsonpointer": frozenset({"openapi/", "generation/discriminators.py"}),
    "jsonschema_rs": frozenset({"openapi/jsonschema.py"}),
    "openapi_core": frozenset(),
    "openapi_spec_validator": frozenset({"openapi/loader.py"}),
    "orjson": frozenset({ANY_MODULE}),
    "pytest": frozenset({"pytest_plugin.py"}),
    "redis": frozenset({"sharing/redis_client.py"}),  # --store redis://: every Redis call in one module
    "rich": frozenset({"export/progress.py", "verify/"}),
    "rstr": frozenset({"generation/"}),
    "schemathesis": frozenset({"verify/"}),
    "selenium": frozenset(),
    "starlette": frozenset({"app.py"}),
    "uvicorn": frozenset(),
    "uvloop": frozenset({"listener.py"}),
    "watchfiles": frozenset({"devloop/watch.py"}),
    "yaml": frozenset({"openapi/parse.py"}),
    "yarl": frozenset({"proxy/upstream.py"}),
}

SHELL = frozenset({"admin", "app", "cli", "listener", "pytest_plugin", "server"})
# Part → the parts it never imports, whatever the graph table says.
NEVER_IMPORTS: dict[str, frozenset[str]] = {
    "pipeline": SHELL,
    "openapi": frozenset({"pipeline", "state", "generation", "runtime", "app", "server", "cli"}),
    "generation": frozenset({"pipeline", "state", "runtime"}) | SHELL,
    "state": frozenset({"pipeline", "runtime"}) | SHELL,
}
ONLY_IMPORTED_BY: dict[str, frozenset[str]] = {"proxy": frozenset({"cli"})}
# Inside a part: a subpackage (`part.sub`) → the subpackages of the same part it never imports.
NEVER_IMPORTS_WITHIN: dict[str, frozenset[str]] = {"state.inferred": frozenset({"state.store"})}


def violations(modules: Sequence[Module]) -> list[str]:
    """Every way `modules` (a `specmock` package) break the rules above, one line each."""
    imports = all_imports(modules)
    return [*third_party_violations(imports), *layer_violations(imports), *cycle_violations(imports)]


def third_party_violations(imports: Iterable[Import]) -> list[str]:
    found = []
    for each in imports:
        top = each.target.split(".")[0]
        if top == PACKAGE or top in sys.stdlib_module_names or top == "__future__":
            continue
        if top not in THIRD_PARTY:
            found.append(f"{each.file}:{each.line} imports {top}, which THIRD_PARTY does not list")
        elif not any(_within(each.file, place) for place in THIRD_PARTY[top]):
            allowed = ", ".join(sorted(THIRD_PARTY[top])) or "tests only"
            found.append(f"{each.file}:{each.line} imports {top} (allowed: {allowed})")
    return found


def _within(where: str, place: str) -> bool:
    return place == ANY_MODULE or where == place or (place.endswith("/") and where.startswith(place))


def layer_violations(imports: Iterable[Import]) -> list[str]:
    found = []
    for each in imports:
        source, target = part_of(each.importer, PACKAGE), part_of(each.target, PACKAGE)
        if source is None or target is None or source == target:
            continue
        where = f"{each.file}:{each.line} imports {each.target}"
        if target in NEVER_IMPORTS.get(source, ()):
            found.append(f"{where}: {source} never imports {target}")
        if target in ONLY_IMPORTED_BY and source not in ONLY_IMPORTED_BY[target]:
            found.append(f"{where}: only {', '.join(sorted(ONLY_IMPORTED_BY[target]))} imports {target}")
    return found + within_part_violations(imports)


def within_part_violations(imports: Iterable[Import]) -> list[str]:
    found = []
    for each in imports:
        source, target = _subpackage(each.importer), _subpackage(each.target)
        if source is not None and target is not None and target in NEVER_IMPORTS_WITHIN.get(source, ()):
            found.append(f"{each.file}:{each.line} imports {each.target}: {source} never imports {target}")
    return found


def _subpackage(name: str) -> str | None:
    """`part.sub` for a module of `specmock.part.sub`, else None."""
    parts = name.split(".")
    return ".".join(parts[1:3]) if len(parts) >= 3 and parts[0] == PACKAGE else None


def cycle_violations(imports: Sequence[Import]) -> list[str]:
    """One line per knot of parts that import one another: one cycle through it, with the file and
    line of each import on the way."""
    graph = part_graph(imports, PACKAGE)
    witness: dict[tuple[str | None, str | None], str] = {}
    for each in imports:
        edge = part_of(each.importer, PACKAGE), part_of(each.target, PACKAGE)
        witness.setdefault(edge, f"{each.file}:{each.line}")
    found = []
    for knot in knots_in(graph):
        cycle = cycle_through(knot, graph)
        steps = "; ".join(f"{a} → {b} at {witness[a, b]}" for a, b in pairwise(cycle))
        others = sorted(set(knot) - set(cycle))
        knotted = f", knotted with {', '.join(others)}" if others else ""
        found.append(f"import cycle: {' → '.join(cycle)} ({steps}){knotted}")
    return found


def package_modules() -> list[Module]:
    return modules_under(SRC, PACKAGE)


# --- the package itself -------------------------------------------------------------------------------


def test_third_party_packages_stay_in_their_modules() -> None:
    assert third_party_violations(all_imports(package_modules())) == []


def test_parts_import_only_what_their_layer_allows() -> None:
    assert layer_violations(all_imports(package_modules())) == []


def test_no_import_cycle_between_parts() -> None:
    assert cycle_violations(all_imports(package_modules())) == []


def test_public_api_is_sorted_and_complete() -> None:
    assert specmock.__all__ == sorted(specmock.__all__)
    for name in specmock.__all__:
        assert getattr(specmock, name) is not None


# --- ARCHITECTURE.md says what the code does ---------------------------------------------------------


def documented_table(header: str) -> dict[str, str]:
    """The ARCHITECTURE.md table under `header` (its first row): the name in the first cell → the
    second cell."""
    lines = ARCHITECTURE.read_text().splitlines()
    assert header in lines, f"ARCHITECTURE.md has no table headed {header!r}"
    rows: dict[str, str] = {}
    for line in lines[lines.index(header) + 2 :]:
        if not line.startswith("|"):
            break
        first, second = line.strip("|").split("|")
        rows[first.strip().strip("`")] = second.strip()
    return rows


def names_in(cell: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", cell))


def graph_row(part: str, imports: Iterable[str]) -> str:
    return f"| `{part}` | " + (", ".join(f"`{name}`" for name in sorted(imports)) or "—") + " |"


def test_the_documented_import_graph_is_the_code_s() -> None:
    code = part_graph(all_imports(package_modules()), PACKAGE)
    documented = {part: names_in(cell) for part, cell in documented_table("| part | imports |").items()}
    wrong = [graph_row(part, code[part]) for part in sorted(code) if code[part] != documented.get(part)]
    assert not wrong, "ARCHITECTURE.md's import graph differs; the rows as the code has them:\n" + "\n".join(
        wrong
    )
    assert sorted(set(documented) - set(code)) == [], "ARCHITECTURE.md has rows of parts that are gone"


def test_the_documented_third_party_table_is_the_rule() -> None:
    documented = documented_table("| third-party package | imported by |")
    places = {
        package: {ANY_MODULE} if cell == "any module" else names_in(cell)
        for package, cell in documented.items()
    }
    assert places == THIRD_PARTY


# --- the checker sees every way of writing an import --------------------------------------------------

# A small `specmock` that breaks no rule; each case below adds one module (or replaces one) that does.
CLEAN = {
    "__init__.py": "from specmock.errors import SpecmockError\n",
    "errors.py": "class SpecmockError(Exception): ...\n",
    "cli.py": "import click\nfrom specmock import server\nfrom specmock.proxy import relay\n",
    "server.py": "from specmock.app import App\nfrom specmock.export import load\n",
    "app.py": "import connexion\nfrom specmock.runtime import Api\n",
    "runtime.py": "from specmock.pipeline import flow\n",
    "pipeline/__init__.py": "",
    "pipeline/flow.py": "from . import respond\nfrom ..state import store\n",
    "pipeline/respond.py": "from specmock.generation.core import generate\n",
    "state/__init__.py": "",
    "state/store.py": "import orjson\nfrom specmock.openapi import model\nfrom .inferred import naming\n",
    "state/inferred/__init__.py": "",
    "state/inferred/naming.py": "from specmock.openapi import model\n",
    "generation/__init__.py": "",
    "generation/core.py": "import importlib\nrstr = importlib.import_module('rstr')\n",
    "openapi/__init__.py": "",
    "openapi/model.py": "from specmock.errors import SpecmockError\n",
    "openapi/parse.py": "import yaml\nfrom .model import Operation\n",
    "export/__init__.py": "from specmock.export.load import load\n",
    "export/load.py": "from specmock.runtime import Api\n",
    "proxy/__init__.py": "",
    "proxy/relay.py": "from specmock.app import App\n",
}

VIOLATIONS = {
    "openapi imports pipeline inside a function": (
        "openapi/loader.py",
        "def load():\n    from specmock.pipeline.flow import run\n",
        "openapi/loader.py:2 imports specmock.pipeline.flow: openapi never imports pipeline",
    ),
    "openapi imports pipeline with a plain import": (
        "openapi/model.py",
        "import specmock.pipeline.flow as flow\n",
        "openapi/model.py:1 imports specmock.pipeline.flow: openapi never imports pipeline",
    ),
    "openapi imports generation": (
        "openapi/views.py",
        "from specmock.generation.core import generate\n",
        "openapi/views.py:1 imports specmock.generation.core: openapi never imports generation",
    ),
    "pipeline imports the app relatively": (
        "pipeline/respond.py",
        "from ..app import App\n",
        "pipeline/respond.py:1 imports specmock.app: pipeline never imports app",
    ),
    "pipeline imports the server as a name of the package": (
        "pipeline/flow.py",
        "from specmock import server\n",
        "pipeline/flow.py:1 imports specmock.server: pipeline never imports server",
    ),
    "state imports faker through importlib": (
        "state/fill.py",
        "import importlib\nfaker = importlib.import_module('faker')\n",
        "state/fill.py:2 imports faker (allowed: generation/)",
    ),
    "state imports pipeline under TYPE_CHECKING": (
        "state/store.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from specmock.pipeline.flow import run\n",
        "state/store.py:3 imports specmock.pipeline.flow: state never imports pipeline",
    ),
    "openapi imports pipeline through a relative import_module": (
        "openapi/model.py",
        "import importlib\nflow = importlib.import_module('.flow', package='specmock.pipeline')\n",
        "openapi/model.py:2 imports specmock.pipeline.flow: openapi never imports pipeline",
    ),
    "generation imports the server through __import__": (
        "generation/core.py",
        "server = __import__('specmock.server')\n",
        "generation/core.py:1 imports specmock.server: generation never imports server",
    ),
    "the runtime reaches the proxy": (
        "runtime.py",
        "from specmock.pipeline import flow\nfrom specmock.proxy.relay import relay\n",
        "runtime.py:2 imports specmock.proxy.relay: only cli imports proxy",
    ),
    "a third-party package nobody listed": (
        "openapi/model.py",
        "import requests\n",
        "openapi/model.py:1 imports requests, which THIRD_PARTY does not list",
    ),
    "export and server import each other": (
        "export/load.py",
        "from specmock.runtime import Api\n\ndef load():\n    from specmock.server import resolve\n",
        "import cycle: export → server → export (export → server at export/load.py:4; "
        "server → export at server.py:2)",
    ),
    "state's inference imports the store that runs": (
        "state/inferred/naming.py",
        "from ..store import crud\n",
        "state/inferred/naming.py:1 imports specmock.state.store: state.inferred never imports state.store",
    ),
    "a relative import of a sibling through the package's __init__": (
        "state/store.py",
        "from . import store\nfrom .. import runtime\n",
        "state/store.py:2 imports specmock.runtime: state never imports runtime",
    ),
}


def write_package(root: Path, files: Mapping[str, str]) -> list[Module]:
    for name, source in files.items():
        path = root / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return modules_under(root / PACKAGE, PACKAGE)


def test_the_clean_package_breaks_no_rule(tmp_path: Path) -> None:
    assert violations(write_package(tmp_path, CLEAN)) == []


@pytest.mark.parametrize(("file", "source", "expected"), VIOLATIONS.values(), ids=VIOLATIONS.keys())
def test_checker_finds_the_violation(tmp_path: Path, file: str, source: str, expected: str) -> None:
    """Each case breaks one rule; breaking a layer often closes a cycle too, which is reported as well."""
    assert expected in violations(write_package(tmp_path, {**CLEAN, file: source}))


def test_a_confined_package_is_confined_below_its_top_level_too(tmp_path: Path) -> None:
    modules = write_package(tmp_path, {**CLEAN, "state/store.py": "from faker.providers import person\n"})
    assert violations(modules) == ["state/store.py:1 imports faker (allowed: generation/)"]


def test_a_relative_import_past_the_top_of_the_package_is_an_error(tmp_path: Path) -> None:
    modules = write_package(tmp_path, {**CLEAN, "app.py": "from ... import outside\n"})
    with pytest.raises(ImportError, match="beyond the top-level package"):
        violations(modules)
