"""OpenAPI schemas → self-contained JSON Schema 2020-12, compiled once with ``jsonschema_rs``.

Every component a schema reaches is converted once per direction and shared by all the schemas
that use it; each compiled schema carries its own ``$defs`` (the components it reaches, no more),
so recursion works without a registry. See ``dialect`` for how each keyword is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

import jsonschema_rs
import orjson

from specmock.openapi.dialect import Direction, NodeConverter
from specmock.openapi.formats import custom_formats
from specmock.openapi.refs import UnresolvableRef, resolve_pointer

__all__ = ["Direction", "SchemaCompiler", "Validator", "to_json_schema", "violations"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
Version = Literal["3.0", "3.1"]
Validator = Any  # jsonschema_rs.Validator; the extension ships stubs but mypy sees it as ignored
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class _Defs:
    """Converted components of one document for one direction, each named once in ``$defs``."""

    def __init__(self, document: Any, version: str, direction: Direction, pattern_ok: Any) -> None:
        self.document = document
        self.names: dict[str, str] = {}
        self.converted: dict[str, Any] = {}
        self.deps: dict[str, set[str]] = {}
        self._seen: list[set[str]] = []
        self._taken: set[str] = set()
        self._nodes = NodeConverter(document, version, direction, self._ref, pattern_ok)

    def root(self, schema: Any) -> dict[str, Any]:
        converted, refs = self._convert(schema)
        self._convert_all(refs)
        out: dict[str, Any] = {"$schema": DRAFT}
        out.update(converted if isinstance(converted, dict) else {} if converted else {"not": {}})
        closure = self._closure(refs)
        if closure:
            out["$defs"] = {self.names[ref]: self.converted[ref] for ref in closure}
        return out

    def _ref(self, ref: str) -> str:
        self._seen[-1].add(ref)
        if ref not in self.names:
            base = _UNSAFE.sub("_", ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")) or "schema"
            name, n = base, 1
            while name in self._taken:
                n += 1
                name = f"{base}_{n}"
            self.names[ref] = name
            self._taken.add(name)
        return f"#/$defs/{self.names[ref]}"

    def _convert(self, node: Any) -> tuple[Any, set[str]]:
        self._seen.append(set())
        try:
            return self._nodes.convert(node), self._seen[-1]
        finally:
            self._seen.pop()

    def _convert_all(self, refs: Iterable[str]) -> None:
        work = [ref for ref in refs if ref not in self.converted]
        while work:
            ref = work.pop()
            if ref in self.converted:
                continue
            self.converted[ref], self.deps[ref] = self._convert(resolve_pointer(self.document, ref))
            work.extend(dep for dep in self.deps[ref] if dep not in self.converted)

    def _closure(self, refs: set[str]) -> list[str]:
        order, seen, work = [], set(refs), list(refs)
        while work:
            ref = work.pop()
            order.append(ref)
            for dep in self.deps[ref] - seen:
                seen.add(dep)
                work.append(dep)
        return sorted(order, key=self.names.__getitem__)


def to_json_schema(
    document: dict[str, Any], schema: dict[str, Any], *, version: Version, direction: Direction
) -> dict[str, Any]:
    """Self-contained 2020-12 schema: referenced components copied into $defs (refs rewritten).

    Shares sub-dicts with other results of the same converter: treat the result as read-only.
    """
    return _Defs(document, version, direction, _PatternCheck()).root(schema)


class _PatternCheck:
    """Whether the Rust regex engine takes a pattern; the ones it refuses are dropped and listed."""

    def __init__(self) -> None:
        self.results: dict[str, bool] = {}

    def __call__(self, pattern: str) -> bool:
        if pattern not in self.results:
            try:
                jsonschema_rs.Draft202012Validator({"pattern": pattern})
                self.results[pattern] = True
            except (jsonschema_rs.ValidationError, ValueError):
                self.results[pattern] = False
        return self.results[pattern]

    @property
    def refused(self) -> list[str]:
        return [pattern for pattern, ok in self.results.items() if not ok]


class SchemaCompiler:
    """Compiled validators for one loaded document, cached per schema object (or ``$ref``) and direction."""

    def __init__(self, document: dict[str, Any], version: Version) -> None:
        self.patterns = _PatternCheck()
        self._defs = {d: _Defs(document, version, d, self.patterns) for d in ("request", "response")}
        self._formats = custom_formats(version)
        self._by_id: dict[tuple[int, str], tuple[Any, Validator]] = {}
        self._by_ref: dict[tuple[str, str], Validator] = {}
        self.failures: list[str] = []  # schemas jsonschema_rs refused; those validate nothing

    def json_schema(self, schema: Any, direction: Direction) -> dict[str, Any]:
        return self._defs[direction].root(schema)

    def validator(self, schema: Any, direction: Direction) -> Validator:
        ref = schema.get("$ref") if isinstance(schema, dict) and len(schema) == 1 else None
        if isinstance(ref, str):
            if (ref, direction) not in self._by_ref:
                self._by_ref[ref, direction] = self._compile(schema, direction)
            return self._by_ref[ref, direction]
        hit = self._by_id.get((id(schema), direction))
        if hit is None or hit[0] is not schema:  # the schema is kept alive, so its id is not reused
            hit = (schema, self._compile(schema, direction))
            self._by_id[id(schema), direction] = hit
        return hit[1]

    def _compile(self, schema: Any, direction: Direction) -> Validator:
        try:
            converted = self.json_schema(schema, direction)
            return jsonschema_rs.Draft202012Validator(converted, validate_formats=True, formats=self._formats)
        except (jsonschema_rs.ValidationError, ValueError, UnresolvableRef) as exc:
            shown = _short(orjson.dumps(schema, default=str).decode(), 80)
            self.failures.append(f"{shown}: {(str(exc).splitlines() or [''])[0]}")
            return jsonschema_rs.Draft202012Validator(True)


def violations(validator: Validator, instance: Any) -> list[tuple[str, str]]:
    """(JSON pointer into the instance, short message) for every error; root is ``""``."""
    return [(_pointer(error.instance_path), _message(error)) for error in validator.iter_errors(instance)]


def _pointer(path: Iterable[str | int]) -> str:
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in path)


def _message(error: Any) -> str:
    kind = error.kind.name
    evaluated = error.evaluation_path
    if (
        kind == "falseSchema"
        and evaluated
        and evaluated[-1] in ("additionalProperties", "unevaluatedProperties")
    ):
        return "this property is not allowed here"
    message: str = error.message
    try:
        shown = orjson.dumps(error.instance).decode()
    except TypeError:
        return _short(message, 200)
    if len(shown) > 60 and message.startswith(shown):
        message = _short(shown, 40) + message[len(shown) :]
    return _short(message, 200)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
