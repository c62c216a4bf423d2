"""Latency and faults, injected on purpose and seeded: what a frontend must survive.

    --latency 200ms | --latency 50ms..400ms   every answer waits (a range: drawn from the seed)
    x-specmock-latency: 300ms                 on an operation or its path item: that operation's wait
    Prefer: delay=300                         this request waits 300 ms
    Prefer: fault=reset|timeout|empty|malformed
    --chaos 0.05                              that share of requests answers a documented 5xx

The decision for a request is a value (``Injection``); the shell (``app.py``) sleeps, answers or
drops the connection. Draws come from the seed, the method, the path and how many times that
request was seen before, so the same requests give the same delays and faults on every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from specmock.config import MockConfig
from specmock.errors import ConfigError, SpecError
from specmock.generation import rng_for
from specmock.openapi.model import Operation
from specmock.openapi.refs import UnresolvableRef, resolve_pointer
from specmock.pipeline.preferences import parse_prefer

if TYPE_CHECKING:
    from specmock.runtime import Api

FAULTS = ("reset", "timeout", "empty", "malformed")
CHAOS = "chaos"
EXTENSION = "x-specmock-latency"
SEEN_LIMIT = 50_000  # distinct (method, path) pairs remembered for seeding; then counting restarts
_DURATION = re.compile(r"([0-9]{1,9}(?:\.[0-9]{1,6})?)\s*(ms|s)?", re.IGNORECASE)
_DELAY = re.compile(r"[0-9]{1,9}")  # Prefer: delay= takes milliseconds as plain ASCII digits


@dataclass(frozen=True, slots=True)
class Latency:
    """A fixed wait (``low == high``) or a range drawn per request; seconds."""

    low: float
    high: float
    text: str  # as written, for the journal and the settings view

    def draw(self, unit: float) -> float:
        """The wait for a uniform draw ``unit`` in [0, 1)."""
        return self.low + (self.high - self.low) * unit


@dataclass(frozen=True, slots=True)
class Injection:
    """What happens to one request on top of its answer."""

    delay: float = 0.0  # seconds to wait before answering (or before the fault)
    fault: str | None = None  # one of FAULTS, or CHAOS
    source: str = ""  # what asked for it: "Prefer", "x-specmock-latency", "--latency", "--chaos"

    def as_json(self) -> dict[str, Any]:
        return {"delay_ms": round(self.delay * 1000), "fault": self.fault, "source": self.source}


def parse_duration(value: str | float) -> float:
    """``200ms``, ``1.5s``, ``300`` (milliseconds) → seconds; ``ValueError`` says what is accepted."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{value!r} is not a duration (write 200ms, 1.5s or 300 for milliseconds)")
    if isinstance(value, int | float):
        if value < 0 or value != value:
            raise ValueError(f"{value!r} is not a duration: it must be 0 or more milliseconds")
        return float(value) / 1000
    match = _DURATION.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a duration (write 200ms, 1.5s or 300 for milliseconds)")
    number = float(match.group(1))
    return number if (match.group(2) or "ms").lower() == "s" else number / 1000


def parse_latency(value: str | float) -> Latency:
    """``200ms`` or a range ``50ms..400ms``."""
    text = value.strip() if isinstance(value, str) else f"{value}ms"
    low_text, dots, high_text = text.partition("..") if isinstance(value, str) else (value, "", "")
    low = parse_duration(low_text)
    high = parse_duration(high_text) if dots else low
    if high < low:
        raise ValueError(f"{text!r}: the range must go from the shorter to the longer wait")
    return Latency(low, high, text)


def chaos_status(responses: Iterable[str]) -> int | None:
    """The documented 5xx a chaos answer takes: 503 when documented, else the lowest explicit 5xx,
    else 503 for a ``5XX`` range; None when the operation documents none (a 503 problem then)."""
    keys = set(responses)
    explicit = sorted(int(k) for k in keys if len(k) == 3 and k.isdigit() and k[0] == "5")
    if 503 in explicit:
        return 503
    if explicit:
        return explicit[0]
    return 503 if "5XX" in keys or "5xx" in keys else None


def operation_latencies(
    label: str, document: Mapping[str, Any], operations: Mapping[str, Operation], file: str
) -> dict[str, Latency]:
    """``x-specmock-latency`` of each operation (its own, else its path item's), by ``label:key``;
    a value that is not a duration is a ``SpecError`` naming the file and the pointer."""
    found: dict[str, Latency] = {}
    for key, operation in operations.items():
        item_pointer = operation.pointer.rsplit("/", 1)[0]
        for pointer in (operation.pointer, item_pointer):
            try:
                node = resolve_pointer(document, "#" + pointer)
            except UnresolvableRef:
                continue
            if isinstance(node, dict) and EXTENSION in node:
                try:
                    found[f"{label}:{key}"] = parse_latency(node[EXTENSION])
                except ValueError as exc:
                    raise SpecError(file, f"{pointer}/{EXTENSION}", str(exc)) from None
                break
    return found


def disruptor_for(config: MockConfig, apis: Sequence[Api]) -> Disruptor:
    """The decisions for these APIs under ``config`` (``--latency``, ``--chaos``, ``--max-delay``
    and each operation's ``x-specmock-latency``)."""
    try:
        latency = parse_latency(config.latency) if config.latency else None
    except ValueError as exc:
        raise ConfigError(f"--latency: {exc}") from None
    if not 0 <= config.chaos <= 1:
        raise ConfigError(f"--chaos {config.chaos}: give the share of requests, from 0 to 1 (0.05 is 5 %)")
    if config.max_delay <= 0:
        raise ConfigError(f"--max-delay {config.max_delay}: the bound must be longer than 0")
    operations: dict[str, Latency] = {}
    for api in apis:
        operations.update(operation_latencies(api.name, api.document, api.operations, str(api.spec.path)))
    return Disruptor(config.seed, latency, config.chaos, config.max_delay, operations)


class Disruptor:
    """The injection decisions of one served set of APIs."""

    def __init__(
        self,
        seed: int,
        latency: Latency | None = None,
        chaos: float = 0.0,
        max_delay: float = 60.0,
        operations: Mapping[str, Latency] | None = None,
    ) -> None:
        self.seed = seed
        self.latency = latency
        self.chaos = chaos
        self.max_delay = max_delay
        self.operations = dict(operations or {})
        # Whether any request may be disrupted without asking (else only a Prefer header can).
        self.active = latency is not None or chaos > 0 or bool(self.operations)
        self._seen: dict[tuple[str, str], int] = {}

    def decide(self, method: str, full_path: str, label: str, prefer: str | None) -> Injection | None:
        """The injection for this request (None: answer as usual)."""
        asked = parse_prefer(prefer) if prefer else {}
        fault = asked.get("fault", "").lower()
        delay_text = asked.get("delay", "")
        fault_asked = fault in FAULTS
        if not self.active and not fault_asked and not _DELAY.fullmatch(delay_text):
            return None
        unit, chaos_draw = self._draws(method, full_path)
        source = "Prefer" if fault_asked else ""
        chosen = fault if fault_asked else None
        if chosen is None and self.chaos > 0 and chaos_draw < self.chaos:
            chosen, source = CHAOS, "--chaos"
        delay, delay_source = self._delay(label, delay_text, unit)
        if chosen is None and delay <= 0:
            return None
        sources = [s for s in (source, delay_source) if s]
        return Injection(min(delay, self.max_delay), chosen, ", ".join(dict.fromkeys(sources)))

    def _delay(self, label: str, delay_text: str, unit: float) -> tuple[float, str]:
        if _DELAY.fullmatch(delay_text):
            return int(delay_text) / 1000, "Prefer"
        own = self.operations.get(label)
        if own is not None:
            return own.draw(unit), EXTENSION
        if self.latency is not None:
            return self.latency.draw(unit), "--latency"
        return 0.0, ""

    def _draws(self, method: str, full_path: str) -> tuple[float, float]:
        """Two uniform draws for the n-th time this request is seen: the latency, then chaos."""
        key = (method, full_path)
        seen = self._seen
        if len(seen) >= SEEN_LIMIT and key not in seen:
            seen.clear()
        count = seen[key] = seen.get(key, 0) + 1
        rng = rng_for(self.seed, "disrupt", method, full_path, count)
        return rng.random(), rng.random()

    def settings(self) -> dict[str, Any]:
        return {
            "latency": self.latency.text if self.latency else None,
            "chaos": self.chaos,
            "max_delay_ms": round(self.max_delay * 1000),
            "operations": {label: latency.text for label, latency in sorted(self.operations.items())},
            "faults": list(FAULTS),
        }


def truncated(body: bytes) -> bytes:
    """The answer cut in the middle (``fault=malformed``): never valid JSON."""
    cut = body[: len(body) // 2]
    try:
        orjson.loads(cut)
    except orjson.JSONDecodeError:
        return cut
    return b'{"' + cut  # the half of a scalar (`12` of `1234`) can still parse
