"""pyproject.toml declares what the code imports, where it imports it: the package's imports are
runtime dependencies (and every runtime dependency is imported), tests' and bench's are runtime or
dev dependencies."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.import_graph import all_imports, modules_under

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# The pytest plugin (an entry point of pytest's) runs only inside pytest, which brings itself.
PROVIDED_BY_THE_HOST = {"pytest"}
# bench/inprocess.py --profile pyinstrument: an optional profiler, imported only when asked for.
OPTIONAL = {"pyinstrument"}


def canonical(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def declared(requirements: list[str]) -> set[str]:
    """The distribution names of PEP 508 requirements (`name>=1,<2; marker`)."""
    return {canonical(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]) for requirement in requirements}


RUNTIME = declared(PROJECT["dependencies"])
DEV = declared(PROJECT["optional-dependencies"]["dev"])


def third_party_imports(folder: str) -> dict[str, set[str]]:
    """Top-level name of each third-party package imported under `folder` → the files importing it."""
    root = ROOT / folder
    package = root.name
    # bench/ scripts import one another by file name (their folder is on sys.path when they run).
    siblings = {path.stem for path in root.glob("*.py")} if package == "bench" else set()
    local = {package, "specmock", *siblings}
    found: dict[str, set[str]] = {}
    for each in all_imports(modules_under(root, package)):
        top = each.target.split(".")[0]
        if top not in local and top not in sys.stdlib_module_names and top != "__future__":
            found.setdefault(top, set()).add(f"{folder}/{each.file}")
    return found


DISTRIBUTIONS = packages_distributions()  # top-level import name → the installed distributions holding it


def distributions_of(top: str) -> set[str]:
    return {canonical(name) for name in DISTRIBUTIONS.get(top, [])}


def test_the_package_imports_only_runtime_dependencies() -> None:
    undeclared = {
        top: sorted(files)
        for top, files in third_party_imports("src/specmock").items()
        if top not in PROVIDED_BY_THE_HOST and not distributions_of(top) & RUNTIME
    }
    assert undeclared == {}, "imported by the package but not a runtime dependency in pyproject.toml"


def test_every_runtime_dependency_is_imported_by_the_package() -> None:
    imported = {name for top in third_party_imports("src/specmock") for name in distributions_of(top)}
    assert sorted(RUNTIME - imported) == [], "runtime dependencies the package never imports"


def test_tests_and_bench_import_only_declared_dependencies() -> None:
    for folder in ("tests", "bench"):
        undeclared = {
            top: sorted(files)
            for top, files in third_party_imports(folder).items()
            if top not in OPTIONAL and not distributions_of(top) & (RUNTIME | DEV)
        }
        assert undeclared == {}, f"imported by {folder}/ but neither a runtime nor a dev dependency"
