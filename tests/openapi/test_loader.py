from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from specmock.errors import SpecError
from specmock.openapi.loader import LoadedSpec, load_spec, validation_findings
from tests.corpus import corpus_file, hellgate_yaml
from tests.openapi.conftest import WriteFile

REAL_DOCUMENTS = {  # file under tests/corpus/ → (version, repairs expected)
    "oai-petstore-expanded.yaml": ("3.0", 0),
    "oai-link-example.yaml": ("3.0", 0),
    "ory-kratos.json": ("3.0", 0),
    "twilio-api-v2010.yaml": ("3.0", 0),
    "discord.json": ("3.1", 0),
    "overseerr.yaml": ("3.0", 0),
    "reference/rebilly/openapi.json": ("3.1", 164),
    "reference/authentik/schema.yml": ("3.0", 1),  # a 204 with a JSON body (flows/instances/import)
}


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [
            ref
            for key, value in node.items()
            if key not in ("example", "examples")
            for ref in all_refs(value)
        ]
    if isinstance(node, list):
        return [ref for item in node for ref in all_refs(item)]
    return []


@pytest.mark.parametrize("name", sorted(REAL_DOCUMENTS))
def test_every_real_document_loads(name: str) -> None:
    spec = load_spec(corpus_file(name))
    version, repairs = REAL_DOCUMENTS[name]
    assert spec.version == version
    assert len(spec.repairs) == repairs, [r.message for r in spec.repairs]
    assert all(ref.startswith("#") for ref in all_refs(spec.document))


def test_rebilly_repairs_are_the_known_source_defects() -> None:
    spec = load_spec(corpus_file("reference/rebilly/openapi.json"))
    kinds = Counter(_kind(r.message) for r in spec.repairs)
    assert kinds == {
        "lowercase range": 149,
        "default": 10,
        "beside $ref": 2,
        "server variable": 2,
        "twice": 1,
    }
    responses = spec.document["webhooks"]["customer-created"]["post"]["responses"]
    assert list(responses) == ["2XX"]
    body = spec.document["paths"]["/kyc-requests/{id}"]["patch"]["requestBody"]
    assert body["required"] is True
    assert "content" in body
    assert "default" not in spec.document["components"]["schemas"]["AmlPriority"]


def _kind(message: str) -> str:
    for kind in ("lowercase range", "server variable", "default", "beside $ref", "twice"):
        if kind in message:
            return kind
    return message


def test_the_big_json_reference_loads_with_every_operation() -> None:
    # How long it takes is measured in bench/, not asserted here.
    spec = load_spec(corpus_file("reference/rebilly/openapi.json"))
    assert len(spec.document["paths"]) == 382


def test_hellgate_defects_are_repaired(write: WriteFile) -> None:
    spec = load_spec(write("hellgate.yaml", hellgate_yaml()))
    source = spec.document["components"]["schemas"]["AuthenticationRequestSource"]
    assert "default" not in source
    assert source["discriminator"]["mapping"] == {"token": "#/components/schemas/RequestSourceToken-2"}
    pointers = {r.pointer for r in spec.repairs}
    assert "/components/schemas/AuthenticationRequestSource/default" in pointers
    assert "/components/schemas/AuthenticationRequestSource/discriminator/mapping/token" in pointers


def doc(paths: str = "{}", extra: str = "", version: str = "3.1.0") -> str:
    return f"openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {paths}\n{textwrap.dedent(extra)}"


REFUSALS = [
    ("swagger: '1.2'\ninfo: {title: t, version: '1'}\npaths: {}\n", "/swagger", "Swagger version '1.2'"),
    ("info: {title: t}\npaths: {}\n", "/", "no `openapi` field"),
    ("openapi: 4.0.0\npaths: {}\n", "/openapi", "'4.0.0' is not supported"),
    ("- openapi\n- 3.1.0\n", "/", "a list, not a mapping"),
    ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n", "/", "needs `paths`"),
    ("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n", "/", "neither `paths` nor `webhooks`"),
    (doc("[]"), "/paths", "`paths` must be a mapping, not a list"),
    (doc("{/a: {get: nope}}"), "/paths/~1a/get", "an operation must be a mapping"),
    (
        doc("{/a: {get: {responses: {'200': 5}}}}"),
        "/paths/~1a/get/responses/200",
        "a response must be a mapping",
    ),
    (doc("{/a: {get: {responses: [1]}}}"), "/paths/~1a/get/responses", "`responses` must be a mapping"),
    (doc("{/a: {get: {parameters: [{in: query}]}}}"), "/paths/~1a/get/parameters/0", "no `name`"),
    (
        doc("{/a: {get: {responses: {'200': {description: x, content: [1]}}}}}"),
        "/paths/~1a/get/responses/200/content",
        "`content` must be a mapping",
    ),
    (
        doc("{/a: {get: {responses: {'200': {$ref: '#/components/responses/Nope'}}}}}"),
        "/paths/~1a/get/responses/200",
        "'#/components/responses/Nope' points to nothing",
    ),
    (
        "openapi: 3.1.0\npaths:\n  /a:\n    get: {responses: {'200': {description: [}}}\n",
        "/paths/~1a/get",
        "not well-formed at line 4",
    ),
]


@pytest.mark.parametrize(("text", "pointer", "reason"), REFUSALS, ids=[r[2] for r in REFUSALS])
def test_unservable_documents_are_refused_in_one_paragraph(
    write: WriteFile, text: str, pointer: str, reason: str
) -> None:
    path = write("openapi.yaml", text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert reason in message
    assert (info.value.pointer or "/").startswith(pointer)
    assert str(path) in message
    assert "\n" not in message
    assert "Traceback" not in message


def test_a_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot be read"):
        load_spec(tmp_path / "nope.yaml")


def load(write: WriteFile, text: str) -> LoadedSpec:
    return load_spec(write("openapi.yaml", textwrap.dedent(text)))


def test_sibling_files_are_bundled_and_every_ref_made_internal(write: WriteFile) -> None:
    write(
        "schemas/Pet.yaml",
        """
        type: object
        properties:
          owner: {$ref: 'Owner.yaml'}
          tag: {$ref: '../common.yaml#/components/schemas/Tag'}
    """,
    )
    write("schemas/Owner.yaml", "type: object\nproperties:\n  pets: {type: array, items: {$ref: Pet.yaml}}\n")
    write("common.yaml", "components:\n  schemas:\n    Tag: {type: string}\n    Pet: {type: integer}\n")
    write(
        "paths/pets.yaml",
        "get:\n  responses:\n    '200':\n      description: ok\n"
        "      content: {application/json: {schema: {$ref: '../schemas/Pet.yaml'}}}\n",
    )
    spec = load(
        write,
        doc(
            "{/pets: {$ref: 'paths/pets.yaml'}}",
            """
        components:
          schemas:
            Pet: {$ref: 'schemas/Pet.yaml'}
    """,
        ),
    )
    schemas = spec.document["components"]["schemas"]
    assert set(schemas) == {"Pet", "Pet_2", "Owner", "Tag"}
    assert schemas["Pet"] == {"$ref": "#/components/schemas/Pet_2"}
    assert schemas["Pet_2"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert schemas["Owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet_2"}
    assert schemas["Pet_2"]["properties"]["tag"] == {"$ref": "#/components/schemas/Tag"}
    get = spec.document["paths"]["/pets"]["get"]  # a path item is inlined
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet_2"
    }
    assert all(ref.startswith("#/components/") for ref in all_refs(spec.document))


def test_a_cycle_between_files_ends(write: WriteFile) -> None:
    write("a.yaml", "type: object\nproperties: {b: {$ref: 'b.yaml'}}\n")
    write("b.yaml", "type: object\nproperties: {a: {$ref: 'a.yaml'}, self: {$ref: '#/properties/a'}}\n")
    media = "{application/json: {schema: {$ref: a.yaml}}}"
    paths = f"{{/x: {{get: {{responses: {{'200': {{description: ok, content: {media}}}}}}}}}}}"
    spec = load(write, doc(paths))
    schemas = spec.document["components"]["schemas"]
    assert schemas["a"]["properties"]["b"] == {"$ref": "#/components/schemas/b"}
    assert schemas["b"]["properties"]["a"] == {"$ref": "#/components/schemas/a"}
    assert schemas["b"]["properties"]["self"] == {"$ref": "#/components/schemas/a_2"}


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("missing.yaml", "cannot be read"),
        ("other.yaml#/components/schemas/Nope", "other.yaml has nothing at #/components/schemas/Nope"),
        ("https://example.com/x.yaml", "remote reference"),
    ],
)
def test_bad_references_to_files_name_the_holder(write: WriteFile, ref: str, reason: str) -> None:
    write("other.yaml", "components: {schemas: {Pet: {type: string}}}\n")
    text = doc(
        f"{{/a: {{get: {{responses: {{'200': {{description: ok, content: {{application/json: "
        f"{{schema: {{$ref: '{ref}'}}}}}}}}}}}}}}}}"
    )
    with pytest.raises(SpecError) as info:
        load(write, text)
    assert reason in info.value.reason
    assert info.value.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema"


def test_broken_sibling_file_names_that_file(write: WriteFile) -> None:
    write("bad.yaml", "type: [object\n")
    with pytest.raises(SpecError) as info:
        load(write, doc("{}", "components: {schemas: {X: {$ref: bad.yaml}}}"))
    assert info.value.file.endswith("bad.yaml")


def test_percent_encoded_pointers_are_decoded(write: WriteFile) -> None:
    spec = load(
        write,
        doc("{}", "components: {schemas: {'A B': {type: string}, C: {$ref: '#/components/schemas/A%20B'}}}"),
    )
    assert spec.document["components"]["schemas"]["C"] == {"$ref": "#/components/schemas/A B"}


def test_validation_findings_point_into_the_document(write: WriteFile) -> None:
    schema = "{type: object, allOf: {a: 1}}"
    spec = load(
        write,
        doc(
            f"{{/a: {{get: {{responses: {{'200': {{description: ok, content: "
            f"{{application/json: {{schema: {schema}}}}}}}}}}}}}}}"
        ),
    )
    findings = validation_findings(spec)
    assert findings[0].pointer == "/paths/~1a/get/responses/200/content/application~1json/schema/allOf"


def test_validation_findings_report_what_remains(write: WriteFile) -> None:
    spec = load(write, doc("{/a: {get: {responses: {'200': {description: ok}}, bogus: 1}}}"))
    findings = validation_findings(spec)
    assert findings
    assert findings[0].pointer.startswith("/paths/~1a/get")
    clean = load(write, doc("{/a: {get: {responses: {'200': {description: ok}}}}}"))
    assert validation_findings(clean) == []


def test_document_is_plain_json_data(write: WriteFile) -> None:
    spec = load(
        write,
        doc(
            "{/a: {get: {responses: {200: {description: ok, content: {application/json: "
            "{example: {when: 2020-01-01}}}}}}}}"
        ),
    )
    json.dumps(spec.document)  # no dates, no int keys
