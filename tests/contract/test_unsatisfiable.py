"""The one excused conformance failure is a defect of the document, not of specmock."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from specmock.generation import Generator
from specmock.openapi.jsonschema import to_json_schema
from specmock.openapi.loader import load_spec
from tests.corpus import corpus_file

SAME = ("EmailChallenge", "OAuthDeviceCodeChallenge", "OAuthDeviceCodeFinishChallenge")


def test_authentik_challenge_types_can_never_satisfy_one_of() -> None:
    spec = load_spec(corpus_file("reference/authentik/schema.yml"))
    document = spec.document
    generator = Generator(document, version=spec.version)
    validators = {
        name: Draft202012Validator(
            to_json_schema(
                document, {"$ref": f"#/components/schemas/{name}"}, version="3.0", direction="response"
            )
        )
        for name in SAME
    }
    for seed in range(20):
        value = generator.value({"$ref": f"#/components/schemas/{SAME[0]}"}, seed=seed)
        # whatever one branch accepts, the other two accept as well: `oneOf` cannot hold
        assert all(v.is_valid(value) for v in validators.values())
