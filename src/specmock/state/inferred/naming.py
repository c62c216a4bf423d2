"""Path templates taken apart: stem and suffix, literal and parameter segments, resource names."""

from __future__ import annotations

import re
from dataclasses import dataclass

EXTENSIONS = (".json", ".xml", ".yaml", ".yml")
PARAM = re.compile(r"^\{[^}/]+\}$")
ANY_PARAM = re.compile(r"\{[^}/]+\}")


@dataclass(frozen=True, slots=True)
class PathShape:
    """``/core/tokens/{identifier}/`` → stem ``/core/tokens/{identifier}``, suffix ``/``.

    Twilio-style ``/Accounts/{Sid}.json`` → stem ``/Accounts/{Sid}``, suffix ``.json``: a collection
    and its items share one suffix, so ``/core/tokens/`` pairs with ``/core/tokens/{identifier}/`` and
    never with ``/core/tokens/{identifier}``.
    """

    path: str
    stem: str
    suffix: str
    segments: tuple[str, ...]

    @property
    def last_is_param(self) -> bool:
        return bool(self.segments) and is_param(self.segments[-1])

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(s[1:-1] for s in self.segments if is_param(s))

    @property
    def literals(self) -> tuple[str, ...]:
        return tuple(s for s in self.segments if not is_param(s))

    def parent(self) -> PathShape | None:
        """The same path one segment shorter, with the same suffix."""
        if not self.segments:
            return None
        stem = "/" + "/".join(self.segments[:-1])
        return PathShape(stem + self.suffix if stem != "/" else "/", stem, self.suffix, self.segments[:-1])

    def child(self, segment: str) -> str:
        return f"{self.stem.rstrip('/')}/{segment}{self.suffix}"

    @property
    def pattern(self) -> str:
        """The stem with parameter names erased, to pair ``/books/{id}`` with ``/books/{bookId}/loans``."""
        return ANY_PARAM.sub("{}", self.stem)


def shape_of(path: str) -> PathShape:
    suffix = ""
    stem = path
    if len(stem) > 1 and stem.endswith("/"):
        stem, suffix = stem[:-1], "/"
    else:
        for ext in EXTENSIONS:
            if stem.endswith(ext) and len(stem) > len(ext) + 1:
                stem, suffix = stem[: -len(ext)], ext
                break
    segments = tuple(s for s in stem.split("/") if s)
    return PathShape(path, stem or "/", suffix, segments)


def is_param(segment: str) -> bool:
    return bool(PARAM.match(segment))


def norm(name: str) -> str:
    """Comparable form of a field or parameter name: ``Total_Count`` → ``totalcount``."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def singular(word: str) -> str:
    lowered = word.lower()
    if lowered.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if lowered.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if lowered.endswith("s") and not lowered.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


def resource_names(literals_by_path: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """A short, unique, URL-safe name per resource path: the last literal segment, then longer.

    ``/core/tokens/`` → ``tokens``; when two paths end alike, both get more segments
    (``core.tokens``, ``admin.tokens``), and a counter as the last resort.
    """
    names: dict[str, str] = {}
    depth = 1
    pending = dict(literals_by_path)
    while pending:
        proposed = {p: _join(lits, depth) for p, lits in pending.items()}
        taken = list(names.values())
        counts: dict[str, int] = {}
        for name in [*proposed.values(), *taken]:
            counts[name] = counts.get(name, 0) + 1
        longest = max(len(lits) for lits in pending.values())
        for path, name in proposed.items():
            if counts[name] == 1 or depth >= longest:
                names[path] = _unique(name, names.values())
                del pending[path]
        depth += 1
    return names


def _join(literals: tuple[str, ...], depth: int) -> str:
    parts = [re.sub(r"[^A-Za-z0-9_\-]+", "-", s).strip("-") or "root" for s in literals[-depth:]]
    return ".".join(parts) or "root"


def _unique(name: str, taken: object) -> str:
    existing = set(taken)  # type: ignore[call-overload]
    if name not in existing:
        return name
    n = 2
    while f"{name}-{n}" in existing:
        n += 1
    return f"{name}-{n}"
