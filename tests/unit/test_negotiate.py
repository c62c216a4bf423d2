from hypothesis import given
from hypothesis import strategies as st

from specmock.diagnostics import Diagnostic, Kind
from specmock.openapi.model import MediaType, Operation, Response
from specmock.openapi.statuses import documented_key
from specmock.pipeline.negotiate import choose, choose_media, success_choice

KEYS = st.sets(
    st.sampled_from(["200", "201", "204", "2XX", "400", "401", "403", "404", "415", "422", "4XX", "default"]),
    min_size=1,
)
KINDS = st.lists(st.sampled_from([Kind.SECURITY, Kind.MEDIA_TYPE, Kind.INVALID, Kind.NOT_FOUND]))


def operation(keys: set[str], method: str = "GET") -> Operation:
    responses = {k: Response(k, "", (MediaType("application/json", {}),), ()) for k in keys}
    return Operation("op", method, "/x", "/paths/~1x/get", (), None, responses, ())


@given(keys=KEYS, kinds=KINDS, code=st.none() | st.integers(100, 599))
def test_chosen_key_is_always_documented_or_a_problem(keys, kinds, code):
    choice = choose(operation(keys), [Diagnostic(k, "x") for k in kinds], code)
    assert choice.key is None or choice.key in keys
    if choice.key is None:
        assert choice.kind is not None  # only findings fall back to problem+json


@given(keys=KEYS, code=st.none() | st.integers(100, 399))
def test_security_findings_never_get_a_success(keys, code):
    choice = choose(operation(keys), [Diagnostic(Kind.SECURITY, "no key")], code)
    assert choice.status >= 400


def test_invalid_input_prefers_422_then_400_then_range_then_default():
    invalid = [Diagnostic(Kind.INVALID, "bad")]
    assert choose(operation({"200", "400", "422"}), invalid, None).status == 422
    assert choose(operation({"200", "400"}), invalid, None).status == 400
    assert choose(operation({"200", "4XX"}), invalid, None).key == "4XX"
    assert choose(operation({"200", "default"}), invalid, None).key == "default"
    choice = choose(operation({"200"}), invalid, None)
    assert (choice.status, choice.key) == (422, None)


def test_security_wins_over_invalid_input():
    choice = choose(
        operation({"200", "401", "422"}),
        [Diagnostic(Kind.INVALID, "a"), Diagnostic(Kind.SECURITY, "b")],
        None,
    )
    assert choice.status == 401


def test_prefer_code_forces_documented_error_state():
    assert choose(operation({"200", "404"}), [], 404).status == 404
    assert choose(operation({"200"}), [], 404).status == 200  # undocumented: ignored


def test_success_status_follows_the_method():
    assert success_choice(operation({"200", "201"}, "POST")).status == 201
    assert success_choice(operation({"200", "204"}, "DELETE")).status == 204
    assert documented_key({"2XX"}, (200,)) == (200, "2XX")


def test_accept_negotiation():
    response = Response("200", "", (MediaType("application/json", {}), MediaType("application/xml", {})), ())
    assert choose_media(response, "") == ("application/json", True)
    assert choose_media(response, "application/xml") == ("application/xml", True)
    assert choose_media(response, "text/*;q=0.5, application/*") == ("application/json", True)
    assert choose_media(response, "text/html") == (None, False)
