"""oneOf / anyOf: compile every branch (merged with the schema around it), pick one per value.

With a discriminator each branch is compiled once per name that selects it, with the property
forced to that name. A oneOf without one must not produce a value that another branch accepts
too: draws are repeated (a few times) until no other branch may match.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any

from specmock.generation import discriminators
from specmock.generation.core import Frame, Schema, Unsatisfiable, ValueFn, pick
from specmock.generation.matching import Predicate
from specmock.generation.merge import GROUPS

if TYPE_CHECKING:
    from specmock.generation.compiler import Compiler

_EXCLUSIVE_TRIES = 6


def _is_null(compiler: Compiler, branch: Any) -> bool:
    flat = compiler.merger.flatten(branch) if isinstance(branch, dict) else {}
    return flat.get("type") == "null" or flat.get("type") == ["null"]


def _options(compiler: Compiler, branches: list[Any], frame: Frame) -> list[Any]:
    options = [b for b in branches if isinstance(b, dict | bool)]
    if frame.level >= compiler.max_depth:
        nulls = [b for b in options if _is_null(compiler, b)]
        return nulls or options
    return options


def _compile(
    compiler: Compiler, base: Schema, branch: Any, disc: Any, frame: Frame, name: str | None
) -> list[ValueFn]:
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    prop = disc.get("propertyName") if isinstance(disc, dict) else None
    if not isinstance(ref, str) or not isinstance(prop, str):
        return [compiler.variant(base, branch, frame, name)]
    names = discriminators.names_for(disc, ref)
    target = compiler.merger.flatten(branch)
    names = discriminators.admissible(compiler.merger, target, prop, names) or names
    return [compiler.variant(base, branch, frame, name, discriminators.override(prop, [n])) for n in names]


def compile_groups(compiler: Compiler, schema: Schema, frame: Frame, name: str | None) -> ValueFn:
    (keyword, branches, disc), *rest = schema[GROUPS]
    base = {k: v for k, v in schema.items() if k != GROUPS}
    if rest:
        base[GROUPS] = rest
    fns: list[ValueFn] = []
    kept: list[Any] = []
    for branch in _options(compiler, branches, frame):
        try:
            compiled = _compile(compiler, base, branch, disc, frame, name)
        except Unsatisfiable:
            continue
        fns.extend(compiled)
        kept.extend([branch] * len(compiled))
    if not fns:
        raise Unsatisfiable
    if keyword == "oneOf" and disc is None and len(fns) > 1:
        return _exclusive(fns, [compiler.matchers.compile(b, frame.direction) for b in kept])
    return pick(fns)


def _exclusive(fns: list[ValueFn], matchers: list[Predicate]) -> ValueFn:
    # Branches are tried in turn from a random start: a branch whose values another branch
    # always accepts (all-optional objects) cannot use up every try.
    count = len(fns)
    tries = max(_EXCLUSIVE_TRIES, 2 * count)

    def draw(rng: Random) -> Any:
        start = int(rng.random() * count)
        value = None
        for attempt in range(tries):
            index = (start + attempt) % count
            value = fns[index](rng)
            if not any(m(value) for i, m in enumerate(matchers) if i != index):
                return value
        return value

    return draw
