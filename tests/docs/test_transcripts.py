"""How documented output with `…` elisions is compared with real output."""

from __future__ import annotations

import pytest

from tests.docs.transcripts import mismatch, steps

ACTUAL = '{"pk":"39d41f27-9a4f","user":7,"tags":["a","b"],"obj":{"x":1},"note":"abc def"}'


@pytest.mark.parametrize(
    ("documented", "fits"),
    [
        ('{"pk":"39d41f27-…","user":7,…}', True),
        ('{"pk":"39d41f28-…","user":7,…}', False),  # a stale id
        ('{"pk":"39d41f27-9a4f","user":7}', False),  # members left out without saying so
        ('{"user":7,"pk":"…",…}', True),  # any order
        ('{…,"tags":["a",…],"note":"abc…"}', True),
        ('{…,"tags":["b",…]}', False),
        ('{…,"tags":["a","b","c"]}', False),
        ('{…,"obj":{…},"note":"…def"}', True),
        ('{…,"obj":{"x":2}}', False),
    ],
)
def test_elisions_leave_out_only_what_they_stand_for(documented: str, fits: bool) -> None:
    assert (mismatch([documented], ACTUAL) is None) is fits


def test_headers_are_a_subset_and_the_status_line_must_match() -> None:
    actual = "HTTP/1.1 201 Created\r\nlocation: /t/abc\r\nx-other: 1\r\n\r\n{}"
    assert mismatch(["HTTP/1.1 201 Created", "location: /t/abc", "{}"], actual) is None
    assert mismatch(["HTTP/1.1 201 Created", "location: /t/abd", "{}"], actual) is not None
    assert mismatch(["HTTP/1.1 200 OK", "{}"], actual) is not None
    assert mismatch(["HTTP/1.1 201 Created", "x-missing: 1"], actual) is not None


def test_commands_continue_over_lines_and_comments_are_for_the_reader() -> None:
    block = """$ curl -X POST $A/x \\
    -d '{"a": "# not a comment"}'   # create
{"a":1}                # 201
$ curl $A/x/1 -w '%{http_code}\\n'
204
"""
    first, second = steps(block)
    assert first.command == """curl -X POST $A/x -d '{"a": "# not a comment"}'"""
    assert first.output == ['{"a":1}']
    assert first.status == 201
    assert second.output == ["204"]
