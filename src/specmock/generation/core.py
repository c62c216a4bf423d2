"""The small shared vocabulary of the generator: value functions, compile frames, unsatisfiable schemas."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from specmock.types import Schema

Direction = Literal["request", "response"]
ValueFn = Callable[[random.Random], Any]

NULL_CHANCE = 0.1  # nullable values are null this often
OPTIONAL_CHANCE = 0.8  # optional properties are present this often


class Unsatisfiable(Exception):
    """No value can satisfy this schema (``false``, ``not: {}``): the caller leaves the slot out."""


@dataclass(frozen=True, slots=True)
class Frame:
    """Where a compile stands: the direction, and how many times recursion has come round again."""

    direction: Direction
    level: int = 0
    stack: tuple[str, ...] = ()

    def enter(self, ref: str) -> Frame:
        level = self.level + 1 if ref in self.stack else self.level
        return Frame(self.direction, level, (*self.stack, ref))


def mapping(schema: Schema, key: str) -> dict[str, Any]:
    """``schema[key]`` when it is a JSON object (``properties``, ``patternProperties``, ...), else ``{}``."""
    value = schema.get(key)
    return value if isinstance(value, dict) else {}


def constant(value: Any) -> ValueFn:
    if isinstance(value, dict | list):
        return lambda rng: copy.deepcopy(value)
    return lambda rng: value


def pick(fns: list[ValueFn]) -> ValueFn:
    """One of the functions, uniformly."""
    if len(fns) == 1:
        return fns[0]
    count = len(fns)
    return lambda rng: fns[int(rng.random() * count)](rng)


def maybe_null(fn: ValueFn) -> ValueFn:
    return lambda rng: None if rng.random() < NULL_CHANCE else fn(rng)
