from __future__ import annotations

import textwrap

import pytest
import yaml

from specmock.errors import SpecError
from specmock.openapi.parse import parse_document


def parse(text: str) -> object:
    return parse_document(textwrap.dedent(text).encode(), "doc.yaml")


def test_yaml_keys_are_always_their_text() -> None:
    doc = parse("""
        responses:
          200: {description: ok}
          on: 1
          1.5: x
          ~: y
    """)
    assert doc == {"responses": {"200": {"description": "ok"}, "on": 1, "1.5": "x", "~": "y"}}


def test_yaml_values_follow_pyyaml_except_timestamps() -> None:
    doc = parse("""
        a: [1, 1.5, true, yes, null, ~, 0x1F, '5', "2020-01-01"]
        when: 2020-01-01
        at: 2020-01-01T10:00:00Z
        tagged: !!str 12
    """)
    assert doc == {
        "a": [1, 1.5, True, True, None, None, 31, "5", "2020-01-01"],
        "when": "2020-01-01",
        "at": "2020-01-01T10:00:00Z",
        "tagged": "12",
    }


def test_yaml_matches_pyyaml_on_a_realistic_document() -> None:
    text = textwrap.dedent("""
        openapi: 3.0.3
        paths:
          /pets/{id}:
            get:
              parameters: [{name: id, in: path, required: true, schema: {type: integer, minimum: -1.5e3}}]
              responses:
                '200': {description: "multi\\nline", content: {application/json: {example: [1, 2.5, false]}}}
    """)
    assert parse_document(text.encode(), "x.yaml") == yaml.safe_load(text)


def test_anchors_aliases_and_merge_keys() -> None:
    doc = parse("""
        base: &base {type: string, maxLength: 3}
        copy: *base
        merged:
          <<: *base
          maxLength: 9
    """)
    assert isinstance(doc, dict)
    assert doc["copy"] == {"type": "string", "maxLength": 3}
    assert doc["merged"] == {"type": "string", "maxLength": 9}


def test_recursive_alias_is_refused_with_its_pointer() -> None:
    with pytest.raises(SpecError) as info:
        parse("""
            a: &x
              b: *x
        """)
    assert info.value.pointer == "/a/b"
    assert "cycle" in info.value.reason


def test_bad_yaml_names_line_column_and_enclosing_key() -> None:
    with pytest.raises(SpecError) as info:
        parse("""
            paths:
              /pets:
                get:
                  responses: [1, 2
                  summary: x
        """)
    error = info.value
    assert error.pointer == "/paths/~1pets/get/responses"
    assert "line 6" in error.reason
    assert "column" in error.reason
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"a: 1\n---\nb: 2\n", "more than one YAML document"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"a: !!binary aGk=\n", "tag"),
        (b"? [a, b]\n: 1\n", "keys must be plain text"),
    ],
)
def test_unreadable_input_is_one_spec_error(data: bytes, reason: str) -> None:
    with pytest.raises(SpecError) as info:
        parse_document(data, "doc.yaml")
    assert reason in str(info.value)


def test_json_is_read_by_content_and_falls_back_to_yaml() -> None:
    assert parse_document(b' {"openapi": "3.1.0"}', "spec.txt") == {"openapi": "3.1.0"}
    assert parse_document(b"{openapi: '3.1.0'}  # flow YAML", "spec.json") == {"openapi": "3.1.0"}


def test_broken_json_points_into_the_document() -> None:
    with pytest.raises(SpecError) as info:
        parse_document(b'{"paths": {"/a": {"get": [1,, 2]}}}', "spec.json")
    assert info.value.pointer.startswith("/paths/~1a/get")
    assert "line 1" in info.value.reason
