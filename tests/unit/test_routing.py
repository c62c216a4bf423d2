from hypothesis import given
from hypothesis import strategies as st

from specmock.openapi.routing import routing_document, specificity

SEGMENT = st.sampled_from(["users", "me", "current", "{id}", "{name}", "items"])


def test_literal_paths_are_routed_before_templated_siblings():
    assert specificity("/core/brands/current/") < specificity("/core/brands/{uuid}/")
    assert specificity("/users/me") < specificity("/users/{id}")


@given(prefix=st.lists(SEGMENT, max_size=3), literal=st.sampled_from(["me", "current"]))
def test_a_literal_segment_always_sorts_before_a_template_at_the_same_place(prefix, literal):
    base = "/" + "/".join(prefix)
    assert specificity(f"{base}/{literal}") < specificity(f"{base}/{{id}}")


def test_routing_document_has_string_path_params_and_keys():
    from specmock.openapi.model import Operation

    op = Operation("getPet", "GET", "/pets/{id}", "", (), None, {}, ())
    doc = routing_document(2, "pets", {"getPet": op})
    get = doc["paths"]["/pets/{id}"]["get"]
    assert get["operationId"] == "2:getPet"
    assert get["parameters"][0]["schema"] == {"type": "string"}
