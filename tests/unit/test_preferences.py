from hypothesis import given
from hypothesis import strategies as st

from specmock.messages.requests import MockRequest
from specmock.pipeline.preferences import Preferences, parse_prefer, preferences_for


def request(prefer: str | None = None, query: str = "") -> MockRequest:
    headers = {"prefer": prefer} if prefer is not None else {}
    return MockRequest("GET", "/x", query, headers)


def test_prism_compatible_prefer_header():
    prefs = preferences_for(request('code=404, example="not found", dynamic=false'))
    assert prefs == Preferences(code=404, example="not found", dynamic=False)


def test_query_fallback_is_removed_before_validation():
    req = request(query="__code=500&limit=3")
    assert preferences_for(req).code == 500
    assert req.query == {"limit": ["3"]}


@given(code=st.integers(100, 599), example=st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True))
def test_prefer_round_trips(code, example):
    assert parse_prefer(f"code={code}; example={example}") == {"code": str(code), "example": example}
    assert preferences_for(request(f"code={code}, example={example}")) == Preferences(code, example)
