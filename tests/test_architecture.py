"""Who may import what (ARCHITECTURE.md), and the public API stays curated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import specmock

SRC = Path(specmock.__file__).resolve().parent
RULES = {  # third-party package → modules (relative to src/specmock) allowed to import it
    "connexion": {"app.py"},
    "starlette": {"app.py"},
    "uvicorn": set(),
    "granian": {"listener.py"},
    "click": {"cli.py"},
    "faker": {"generation/"},
    "rstr": {"generation/"},
    "openapi_core": set(),
    "aiohttp": {"proxy/upstream.py"},  # the proxy's upstream client: one module is the seam
    "watchfiles": {"devloop/watch.py"},
    "selenium": set(),
}
PIPELINE_MAY_NOT_IMPORT = ("specmock.app", "specmock.cli", "specmock.server")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(SRC)))
def test_third_party_imports_stay_in_their_module(path: Path) -> None:
    relative = str(path.relative_to(SRC))
    for module in imported_modules(path):
        top = module.split(".")[0]
        if top in RULES:
            allowed = RULES[top]
            assert any(relative == a or relative.startswith(a) for a in allowed if a), (
                f"{relative} imports {module}; only {sorted(allowed) or 'tests'} may"
            )


def test_pipeline_never_imports_the_shell() -> None:
    for path in (SRC / "pipeline").rglob("*.py"):
        for module in imported_modules(path):
            assert not module.startswith(PIPELINE_MAY_NOT_IMPORT), f"{path.name} imports {module}"


def test_only_the_cli_reaches_the_proxy() -> None:
    """The proxy sits on top of the mock (routing, validators, the mock as fallback); nothing of the
    mock depends on it."""
    for path in sources():
        relative = str(path.relative_to(SRC))
        if relative.startswith("proxy/") or relative == "cli.py":
            continue
        for module in imported_modules(path):
            assert not module.startswith("specmock.proxy"), f"{relative} imports {module}"


def test_public_api_is_sorted_and_complete() -> None:
    assert specmock.__all__ == sorted(specmock.__all__)
    for name in specmock.__all__:
        assert getattr(specmock, name) is not None
