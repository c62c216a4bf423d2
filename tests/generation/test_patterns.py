"""Every pattern of the real documents yields matching strings within its schema's lengths."""

from __future__ import annotations

import re
from typing import Any

import pytest

from specmock.generation import rng_for
from specmock.generation.patterns import PatternSampler, translate
from tests.generation import corpus

PATTERN_DOCUMENTS = ("twilio", "discord", "kratos", "rebilly", "authentik")


def _patterns(node: Any, found: dict[tuple[str, int, int | None], None]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str) and node.get("type", "string") == "string":
            found[(node["pattern"], int(node.get("minLength", 0)), node.get("maxLength"))] = None
        for value in node.values():
            _patterns(value, found)
    elif isinstance(node, list):
        for value in node:
            _patterns(value, found)


@pytest.mark.parametrize("name", PATTERN_DOCUMENTS)
def test_corpus_patterns_produce_matching_strings(name: str) -> None:
    found: dict[tuple[str, int, int | None], None] = {}
    _patterns(corpus.document(name), found)
    sampler = PatternSampler()
    failures = []
    for pattern, lo, hi in found:
        draw = sampler.sampler([pattern], lo, hi)
        assert draw is not None, pattern
        for seed in range(5):
            text = draw(rng_for(seed, pattern))
            if not (re.search(pattern, text) and lo <= len(text) <= (hi if hi is not None else len(text))):
                failures.append((pattern, text))
    assert not failures, failures[:5]


@pytest.mark.parametrize(
    ("ecma", "sample_matches"),
    [
        ("^\\p{L}+$", "Ωmega"),
        ("^(?<year>\\d{4})-\\k<year>$", "2020-2020"),
        ("^[^]+$", "anything\n"),
        ("^\\u{1F600}$", "\U0001f600"),
        ("^\\e$", "e"),
    ],
)
def test_ecma_only_syntax_is_translated(ecma: str, sample_matches: str) -> None:
    python = translate(ecma)
    assert python is not None
    assert re.search(python, sample_matches)
    draw = PatternSampler().sampler([ecma], 0, None)
    assert draw is not None
    assert re.search(python, draw(rng_for(1)))


def test_untranslatable_patterns_are_refused() -> None:
    assert translate("(unclosed") is None
    assert PatternSampler().sampler(["\\p{Script=Greek}+", "("], 0, None) is None


def test_negated_classes_are_deterministic_and_printable() -> None:
    draw = PatternSampler().sampler(["^[^/]{20}$"], 0, None)
    assert draw is not None
    text = draw(rng_for(3))
    assert text == draw(rng_for(3))
    assert all(" " <= c <= "~" and c != "/" for c in text)
