"""Generated values validate against their schemas, for every schema of nine real documents.

Every components schema (in the response direction; every second one in the request direction
too) and every request / response body schema is generated with seed 0 and validated with
openapi-schema-validator (OAS30Read/WriteValidator for 3.0, OAS31Validator for 3.1, with the OAS
format checkers); every eighth one again with seed 1. The validators check ``oneOf`` as plain
JSON Schema (exactly one branch, whatever the discriminator says) and every discriminator value
against the names the discriminator knows, as schemathesis does (see ``corpus``). Targets are
split into shards so that ``pytest -n 2`` spreads the work.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from specmock.generation import Generator, rng_for
from tests.generation import corpus

SHARDS = {"discord": 4, "rebilly": 4, "authentik": 4, "twilio": 2}

# Schemas no value satisfies as written (checked by hand): (document, components schema) ->
# (directions, what the validator says, why). Problems inside them are expected; any other fails.
_TWINS = (
    "oneOf branches that are the same schema but for the discriminator property's default "
    "(%s): a value one accepts, its twins accept too, so no value is valid under exactly one"
)
_KYC_REQUEST = (
    "branches differ only in readOnly properties, which requests leave out: every request value "
    "is valid under several branches"
)
SPEC_DEFECTS: dict[tuple[str, str], tuple[tuple[str, ...], str, str]] = {
    ("authentik", "ChallengeTypes"): (
        ("response", "request"),
        "oneOf (more than one)",
        _TWINS % "EmailChallenge, OAuthDeviceCodeChallenge, OAuthDeviceCodeFinishChallenge",
    ),
    ("authentik", "FlowChallengeResponseRequest"): (
        ("response", "request"),
        "oneOf (more than one)",
        _TWINS % "eleven all-optional {component} schemas, e.g. AppleChallengeResponseRequest",
    ),
    ("rebilly", "KycDocument"): (("request",), "oneOf (more than one)", _KYC_REQUEST),
    ("rebilly", "StorefrontKycDocument"): (("request",), "oneOf (more than one)", _KYC_REQUEST),
}


def _known(name: str, direction: str, problem: str) -> bool:
    for (doc, schema), (directions, fragment, _) in SPEC_DEFECTS.items():
        if doc == name and direction in directions and f"[{schema}]" in problem and fragment in problem:
            return True
    return False


@functools.cache
def generator(name: str) -> Generator:
    doc = corpus.document(name)
    return Generator(doc, version=corpus.version(doc))


@functools.cache
def all_targets(name: str) -> list[corpus.Target]:
    return corpus.targets(corpus.document(name))


def _shards() -> list[tuple[str, int]]:
    return [(name, shard) for name in corpus.DOCUMENTS for shard in range(SHARDS.get(name, 1))]


def _failures(name: str, target: corpus.Target, seed: int) -> list[str]:
    fn = generator(name).compile(target.node, direction=target.direction)
    value: Any = fn(rng_for(seed, target.pointer, target.direction))
    problems = [p for p in corpus.errors(name, target, value) if not _known(name, target.direction, p)]
    return [f"{target.direction} {target.pointer} seed={seed}: {p}" for p in problems]


@pytest.mark.parametrize(("name", "shard"), _shards())
def test_generated_values_validate_against_their_schema(name: str, shard: int) -> None:
    targets = all_targets(name)[shard :: SHARDS.get(name, 1)]
    failures: list[str] = []
    for index, target in enumerate(targets):
        if (
            target.direction == "request"
            and target.pointer.startswith("#/components/")
            and len(target.pointer) % 2
        ):
            continue
        failures += _failures(name, target, 0)
        if index % 8 == 0:
            failures += _failures(name, target, 1)
    assert not failures, "\n".join(failures[:20])


def test_the_corpus_covers_every_components_schema() -> None:
    for name in corpus.DOCUMENTS:
        schemas = corpus.document(name).get("components", {}).get("schemas", {})
        covered = {t.pointer for t in all_targets(name)}
        missing = [
            n
            for n in schemas
            if f"#/components/schemas/{n.replace('~', '~0').replace('/', '~1')}" not in covered
        ]
        assert not missing, (name, missing[:5])
