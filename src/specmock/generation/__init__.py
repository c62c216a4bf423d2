"""Seeded, deterministic value generation from OpenAPI 3.0 / 3.1 schemas.

Schemas are compiled once into closures (``ValueFn``) that draw only from the ``random.Random``
they are given; ``rng_for`` derives that rng from a seed and any parts (operation, path, index)
through ``hashlib.blake2b``, so the same seed and parts give the same value on every machine.
"""

from __future__ import annotations

from typing import Any, Literal

from specmock.generation.compiler import Compiler
from specmock.generation.core import Direction, Frame, Unsatisfiable, ValueFn, constant
from specmock.generation.seeding import rng_for

__all__ = ["Direction", "Generator", "ValueFn", "rng_for"]


class Generator:
    """Value functions for the schemas of one bundled document (every ``$ref`` internal)."""

    def __init__(
        self, document: dict[str, Any], *, version: Literal["3.0", "3.1"], max_depth: int = 3
    ) -> None:
        self.document = document
        self.version = version
        self._compiler = Compiler(document, version=version, max_depth=max_depth)
        self._cache: dict[tuple[Any, ...], tuple[Any, ValueFn]] = {}

    def compile(
        self, schema: dict[str, Any], *, direction: Direction = "response", name: str | None = None
    ) -> ValueFn:
        """Compile once (cached by schema identity or reference, direction and name).

        The returned closure draws only from the rng it is given. A schema no value satisfies
        (``false``, ``not: {}``) compiles to a function returning ``None``.
        """
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        key = (ref if isinstance(ref, str) and len(schema) == 1 else id(schema), direction, name)
        cached = self._cache.get(key)
        if cached is not None and (isinstance(key[0], str) or cached[0] is schema):
            return cached[1]
        self._compiler.memo.start()
        try:
            fn = self._compiler.node(schema, Frame(direction), name)
        except Unsatisfiable:
            fn = constant(None)
        self._cache[key] = (schema, fn)
        return fn

    def value(
        self,
        schema: dict[str, Any],
        *,
        seed: int,
        parts: tuple[str | int, ...] = (),
        direction: Direction = "response",
        name: str | None = None,
    ) -> Any:
        """Convenience: ``compile`` then call with ``rng_for(seed, *parts)``."""
        return self.compile(schema, direction=direction, name=name)(rng_for(seed, *parts))
