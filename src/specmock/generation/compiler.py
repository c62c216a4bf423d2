"""Schema → value function, compiled once per (reference, direction, name, recursion level).

Recursion is bounded by *levels*: a level is added each time a reference already on the compile
stack is entered again. From ``max_depth`` on, objects keep only required properties, arrays
their minimum length and nullable slots are null; ``_HARD_EXTRA`` levels later (a cycle through
required properties has no finite value at all) the compile stops with a null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock.generation import arrays, choice, discriminators, objects
from specmock.generation.core import Frame, Unsatisfiable, ValueFn, constant, maybe_null, pick
from specmock.generation.fakes import number_hint
from specmock.generation.matching import Matchers, Separators
from specmock.generation.memo import RefMemo
from specmock.generation.merge import EMPTY, GROUPS, NOTS, Merger
from specmock.generation.numbers import integer, number
from specmock.generation.patterns import PatternSampler
from specmock.generation.providers import Fakes
from specmock.generation.strings import compile_string
from specmock.openapi.contradictions import JSON_TYPES, typed_values
from specmock.types import Schema

_HARD_EXTRA = 4


def _declared_types(schema: Schema) -> list[str] | None:
    value = schema.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if t in JSON_TYPES] or None
    return None


def infer_type(schema: Schema) -> str:
    """The type a schema without ``type`` most plausibly describes."""
    keys = schema.keys()
    if keys & {
        "properties",
        "additionalProperties",
        "required",
        "minProperties",
        "maxProperties",
        "patternProperties",
    }:
        return "object"
    if keys & {"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"}:
        return "array"
    if keys & {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}:
        return "integer" if schema.get("format") in ("int32", "int64") else "number"
    return "string"


class Compiler:
    def __init__(self, document: dict[str, Any], *, version: str, max_depth: int) -> None:
        self.version = version
        self.max_depth = max_depth
        self.merger = Merger(document, version=version)
        self.matchers = Matchers(self.merger)
        self.separators = Separators(self.merger)
        self.fakes = Fakes()
        self.patterns = PatternSampler()
        self.memo = RefMemo()

    def node(self, node: Any, frame: Frame, name: str | None) -> ValueFn:
        """A value function for a raw schema node (a reference, an inline schema, or a boolean)."""
        if node is False:
            raise Unsatisfiable
        if not isinstance(node, dict):
            return self.fakes.text.phrase
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._ref(node, ref, frame, name)
        return self.flat(self.merger.flatten(node), frame, name)

    def _ref(self, node: Schema, ref: str, frame: Frame, name: str | None) -> ValueFn:
        inner = frame.enter(ref)
        self.memo.note(frame, ref)
        if inner.level > self.max_depth + _HARD_EXTRA:
            return constant(None)
        key = (ref if len(node) == 1 else id(node), frame.direction, name, inner.level)
        return self.memo.compiled(
            key, inner, lambda: self.flat(self.merger.flatten(node), inner, name, ref=ref)
        )

    def hidden(self, node: Any, direction: str) -> bool:
        """readOnly properties are left out of requests, writeOnly ones out of responses."""
        if not isinstance(node, dict):
            return False
        flag = "readOnly" if direction == "request" else "writeOnly"
        return node.get(flag) is True or self.merger.flatten(node).get(flag) is True

    def variant(
        self,
        base: Schema,
        branch: Any,
        frame: Frame,
        name: str | None,
        override: Callable[[Schema], Schema] | None = None,
    ) -> ValueFn:
        """One branch of a oneOf/anyOf merged with the schema around it."""
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if override is None and not _constraining(base):
            return self.node(branch, frame, name)
        if branch is False:
            raise Unsatisfiable
        merged = self.merger.merge(base, self.merger.flatten(branch) if isinstance(branch, dict) else {})
        schema = override(merged) if override else merged
        if not isinstance(ref, str):
            return self.flat(schema, frame, name)
        inner = frame.enter(ref)
        self.memo.note(frame, ref)
        if inner.level > self.max_depth + _HARD_EXTRA:
            return constant(None)
        return self.memo.opened(inner, lambda: self.flat(schema, inner, name, ref=ref))[0]

    def flat(self, schema: Schema, frame: Frame, name: str | None, *, ref: str | None = None) -> ValueFn:
        """A value function for a flattened schema (no ``$ref``, no ``allOf`` left)."""
        if schema.get(EMPTY) or any(_matches_anything(n) for n in schema.get(NOTS, ())):
            raise Unsatisfiable
        if "const" in schema:
            return constant(schema["const"])
        if schema.get(GROUPS):
            return choice.compile_groups(self, schema, frame, name)
        schema = discriminators.name_child(self.merger, schema, ref)
        fn = self._typed(schema, frame, name)
        if schema.get(NOTS):
            fn = self.matchers.excluding(fn, schema[NOTS], frame.direction)
        return fn

    def _typed(self, schema: Schema, frame: Frame, name: str | None) -> ValueFn:
        declared = _declared_types(schema)
        nullable = self.version == "3.0" and schema.get("nullable") is True and declared is not None
        if declared is not None and "null" in declared:
            nullable, declared = True, [t for t in declared if t != "null"] or None
            if declared is None:
                return constant(None)
        types = declared or [infer_type(schema)]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return _enum(schema["enum"], types, nullable, schema.get("nullable") is True)
        if nullable and frame.level >= self.max_depth:
            return constant(None)
        fn = pick([self._by_type(t, schema, frame, name) for t in types])
        return maybe_null(fn) if nullable else fn

    def _by_type(self, kind: str, schema: Schema, frame: Frame, name: str | None) -> ValueFn:
        if kind == "object":
            return objects.compile_object(self, schema, frame)
        if kind == "array":
            return arrays.compile_array(self, schema, frame, name)
        if kind == "integer":
            return integer(schema, number_hint(name))
        if kind == "number":
            return number(schema, number_hint(name))
        if kind == "boolean":
            return lambda rng: rng.random() < 0.5
        if kind == "null":
            return constant(None)
        return compile_string(schema, name, self.fakes, self.patterns)


def _enum(values: list[Any], types: list[str], nullable: bool, nullable_keyword: bool) -> ValueFn:
    """One of the enum values that have the type. When none has it the schema contradicts itself
    (``specmock check`` says so): ``nullable: true`` still admits null, the one valid answer; with
    nothing valid at all, the enum's own values are answered."""
    fitting = typed_values(values, types, nullable)
    if not fitting and nullable_keyword:
        return constant(None)
    fitting = fitting or values
    if any(isinstance(v, dict | list) for v in fitting):
        return pick([constant(v) for v in fitting])
    options, count = tuple(fitting), len(fitting)
    return lambda rng: options[int(rng.random() * count)]


def _matches_anything(schema: Any) -> bool:
    return schema is True or (isinstance(schema, dict) and not (schema.keys() - {"description", "title"}))


def _constraining(schema: Schema) -> bool:
    return bool(
        schema.keys()
        - {
            "description",
            "title",
            "example",
            "examples",
            "default",
            "nullable",
            "discriminator",
            "x-specmock-patterns",
        }
    )
