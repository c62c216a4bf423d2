"""oneOf / anyOf: compile every branch (merged with the schema around it), pick one per value.

With a discriminator each branch is compiled once per name that selects it, with the property
forced to that name, when the branch's own enum / const for the property admits the name. A
branch whose enum admits none of its names keeps its own value (plain JSON Schema first), and is
only drawn when no branch has a name both the discriminator and the branch accept.

Validators check ``oneOf`` as plain JSON Schema, whatever the discriminator says. A value another
branch may accept too is first set apart from it (``matching.Separators``: a property the chosen
branch leaves open set to a value of a type the other branch rejects), else redrawn (a few times,
from the next branch on). Some documents leave no such value (branches that are the same schema
but for a default); the first draw is kept then, untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from random import Random
from typing import TYPE_CHECKING, Any

from specmock.generation import discriminators
from specmock.generation.core import Direction, Frame, Unsatisfiable, ValueFn, pick
from specmock.generation.matching import Predicate, Separator
from specmock.generation.merge import GROUPS
from specmock.types import Schema

if TYPE_CHECKING:
    from specmock.generation.compiler import Compiler

_EXCLUSIVE_TRIES = 6
_MISSING = object()  # "no value": from _apart, and before the first draw
_EXCLUSIVE_LIMIT = 16  # discriminated oneOfs may have dozens of branches, all accepting each other


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
) -> tuple[list[ValueFn], bool]:
    """The branch's value functions, and whether they carry names the discriminator knows."""
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    prop = disc.get("propertyName") if isinstance(disc, dict) else None
    if not isinstance(ref, str) or not isinstance(prop, str):
        return [compiler.variant(base, branch, frame, name)], True
    target = compiler.merger.flatten(branch)
    names = discriminators.admissible(compiler.merger, target, prop, discriminators.names_for(disc, ref))
    if not names:  # the branch's own enum admits none of its names: keep the enum
        return [compiler.variant(base, branch, frame, name)], False
    fns = [compiler.variant(base, branch, frame, name, discriminators.override(prop, [n])) for n in names]
    return fns, True


def compile_groups(compiler: Compiler, schema: Schema, frame: Frame, name: str | None) -> ValueFn:
    (keyword, branches, disc), *rest = schema[GROUPS]
    base = {k: v for k, v in schema.items() if k != GROUPS}
    if rest:
        base[GROUPS] = rest
    known: list[tuple[ValueFn, int]] = []
    unknown: list[tuple[ValueFn, int]] = []
    options = _options(compiler, branches, frame)
    for index, branch in enumerate(options):
        try:
            compiled, named = _compile(compiler, base, branch, disc, frame, name)
        except Unsatisfiable:
            continue
        (known if named else unknown).extend((fn, index) for fn in compiled)
    chosen = known or unknown
    if not chosen:
        raise Unsatisfiable
    fns = [fn for fn, _ in chosen]
    owners = [index for _, index in chosen]
    if keyword == "oneOf" and len(options) > 1:
        return _one_of(
            compiler, options, fns, owners, frame.direction, None if disc is None else _EXCLUSIVE_LIMIT
        )
    return pick(fns)


def _one_of(
    compiler: Compiler,
    options: list[Any],
    fns: list[ValueFn],
    owners: list[int],
    direction: Direction,
    limit: int | None,
) -> ValueFn:
    """Values of exactly one branch, as far as the document allows."""
    separators = compiler.separators
    # A branch another one covers never matches alone: draw from the others, if there are any.
    alone = {
        i
        for i in set(owners)
        if not any(separators.covers(b, options[i], direction) for b in options if b is not options[i])
    }
    if not alone:
        return pick(fns)
    kept = [(fn, owner) for fn, owner in zip(fns, owners, strict=True) if owner in alone]
    matchers = [compiler.matchers.compile(b, direction) for b in options]

    def separate(owner: int, other: int) -> Separator:
        return separators.between(options[owner], options[other], direction)

    return _exclusive([fn for fn, _ in kept], [owner for _, owner in kept], matchers, limit, separate)


def _exclusive(
    fns: list[ValueFn],
    owners: list[int],
    matchers: list[Predicate],
    limit: int | None,
    separate: Callable[[int, int], Separator],
) -> ValueFn:
    # Functions are tried in turn from a random start: a branch whose values another branch
    # always accepts (all-optional objects) cannot use up every try. ``owners`` says which
    # branch each function draws from (a discriminated branch has one function per name).
    count = len(fns)
    tries = max(_EXCLUSIVE_TRIES, 2 * count if limit is None else min(2 * count, limit))
    others = [[(i, m) for i, m in enumerate(matchers) if i != owner] for owner in owners]

    def draw(rng: Random) -> Any:
        start = int(rng.random() * count)
        first: Any = _MISSING
        for attempt in range(tries):
            index = (start + attempt) % count
            value = fns[index](rng)
            apart = _apart(value, owners[index], others[index], separate)
            if apart is not _MISSING:
                return apart
            if first is _MISSING:
                first = value
        return first  # no value set apart: the first draw, untouched

    return draw


def _apart(
    value: Any, owner: int, others: list[tuple[int, Predicate]], separate: Callable[[int, int], Separator]
) -> Any:
    """The value if no other branch may accept it, else a copy with a property planted that sets
    it apart from each branch that may; ``_MISSING`` if that fails."""
    matching = [i for i, m in others if m(value)]
    if not matching:
        return value
    planted = copy.deepcopy(value)
    if all(separate(owner, other)(planted) for other in matching) and not any(m(planted) for _, m in others):
        return planted
    return _MISSING
