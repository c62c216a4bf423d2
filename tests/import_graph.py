"""Every import of a package's modules, and the graph they make between its parts.

An import is read wherever it is written: at module level, inside a function or a
`TYPE_CHECKING` block, relative (`from ..app import x`, resolved against the importing module's
package), `from specmock import server` (a submodule named in the import list), and
`importlib.import_module("…")` / `__import__("…")` called with constant strings.

The graph's nodes are the parts of the package: each top-level module (`app`, `server`) and each
subpackage (`pipeline`, `state`); the package's own `__init__` is the node `__init__`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

INIT = "__init__"
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class Module:
    """One source file: its dotted name, its path inside the package, and its text."""

    name: str
    file: str
    source: str

    @property
    def is_package(self) -> bool:
        return self.file.endswith("__init__.py")

    @property
    def package(self) -> str:
        """The package a relative import in this module starts from."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


@dataclass(frozen=True)
class Import:
    """One imported module (its absolute name), and the module, file and line that import it."""

    importer: str
    file: str
    target: str
    line: int


def modules_under(root: Path, package: str) -> list[Module]:
    """Every module of the package whose folder is `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        file = path.relative_to(root)
        parts = file.with_suffix("").parts
        name = ".".join((package, *(parts[:-1] if parts[-1] == INIT else parts)))
        found.append(Module(name, file.as_posix(), path.read_text()))
    return found


def imports_of(module: Module, known: frozenset[str]) -> Iterator[Import]:
    """Every module `module` imports; `known` holds the package's own module names, which tell
    `from package import submodule` apart from importing a name the package defines."""
    for node in ast.walk(ast.parse(module.source)):
        for target in _targets(node, module, known):
            yield Import(module.name, module.file, target, getattr(node, "lineno", 0))


def _targets(node: ast.AST, module: Module, known: frozenset[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _absolute(node.module or "", node.level, module.package)
        submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
        named_in_base = len(submodules) < len(node.names)
        return [*submodules, base] if named_in_base else submodules
    if isinstance(node, ast.Call) and _called_name(node.func) in DYNAMIC_IMPORTERS:
        return _dynamic_target(node, module)
    return []


def _absolute(name: str, level: int, package: str) -> str:
    if level == 0:
        return name
    parts = package.split(".")
    if level - 1 >= len(parts):
        raise ImportError(f"relative import beyond the top-level package from {package}")
    anchor = ".".join(parts[: len(parts) - (level - 1)])
    return f"{anchor}.{name}" if name else anchor


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _dynamic_target(call: ast.Call, module: Module) -> list[str]:
    """`import_module("x")`, `import_module(".x", package="p")`, `__import__("x")`: a name not written as
    a constant cannot be read, and is not reported."""
    name = _text(call.args[0]) if call.args else None
    if name is None:
        return []
    level = len(name) - len(name.lstrip("."))
    if level == 0:
        return [name]
    anchor = next((_text(k.value) for k in call.keywords if k.arg == "package"), None)
    return [_absolute(name[level:], level, anchor or module.package)]


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def all_imports(modules: Iterable[Module]) -> list[Import]:
    modules = list(modules)
    known = frozenset(m.name for m in modules)
    return [found for module in modules for found in imports_of(module, known)]


def part_of(name: str, package: str) -> str | None:
    """The graph node a module of `package` belongs to, or None for a module outside it."""
    if name == package:
        return INIT
    prefix = f"{package}."
    return name.removeprefix(prefix).split(".")[0] if name.startswith(prefix) else None


def part_graph(imports: Iterable[Import], package: str) -> dict[str, set[str]]:
    """Part → the other parts it imports (a part importing itself is not an edge)."""
    graph: dict[str, set[str]] = {}
    for found in imports:
        source, target = part_of(found.importer, package), part_of(found.target, package)
        if source is None:
            continue
        graph.setdefault(source, set())
        if target is not None and target != source:
            graph[source].add(target)
    return graph


def knots_in(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The knots of parts that import one another, each sorted (Tarjan's strongly connected
    components of more than one part); empty when the graph runs one way."""
    edges = _edges(graph)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    knots: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            knot = stack[stack.index(node) :]
            del stack[stack.index(node) :]
            if len(knot) > 1:
                knots.append(sorted(knot))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(knots)


def cycle_through(knot: list[str], graph: Mapping[str, Iterable[str]]) -> list[str]:
    """The shortest way from the knot's first part back to itself (breadth first, inside the knot), in
    import order with the first part repeated at the end."""
    edges = _edges(graph)
    start, members = knot[0], set(knot)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in edges[node]:
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target in members and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError(f"{knot} is not strongly connected")


def _edges(graph: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Every node (targets too) → its targets, sorted so that reports come out the same every run."""
    edges = {node: sorted(targets) for node, targets in graph.items()}
    for targets in list(edges.values()):
        for target in targets:
            edges.setdefault(target, [])
    return edges
