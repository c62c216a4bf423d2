"""No 500 from input: whatever a client sends, the answer is a 4xx in the spec's shape (or problem+json)
or a success, never a 5xx the request did not ask for, and the log holds no exception.

The cases the issue names go over the wire (a real server on 127.0.0.1, raw sockets where an HTTP
client would refuse to send them); a hypothesis property test then throws arbitrary methods, paths,
queries, headers and bodies at the app in-process (ASGI, bounded examples) over the bundled specs and
a few real-world documents.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock import serve
from specmock.app import SpecmockApp
from specmock.runtime import Api
from specmock.server import Running, create_app
from tests.corpus import corpus_file

HELLGATE_KEY = {"X-API-Key": "k"}
AUTHENTIK_KEY = {"Authorization": "Bearer ak-token"}
TOKENS = "/api/v3/core/tokens/"


@pytest.fixture(scope="module")
def hellgate() -> Iterator[Running]:
    with serve("hellgate", seed=1) as server:
        yield server


@pytest.fixture(scope="module")
def authentik() -> Iterator[Running]:
    with serve("authentik", seed=1) as server:
        yield server


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """The log records of level ERROR or above (the app's tracebacks, Granian's "callable raised")."""
    caplog.set_level(logging.WARNING)
    found: list[logging.LogRecord] = []
    yield found
    found += [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not found, [r.getMessage() for r in found]


def raw_request(server: Running, head: bytes, body: bytes = b"", half_close: bool = False) -> bytes:
    """Send bytes an HTTP client would refuse to send; the status line of the answer."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(head + body)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


CHUNKED_HEAD = (
    b"POST /authentications HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: k\r\n"
    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
)


@pytest.mark.parametrize(
    ("body", "half_close"),
    [
        (b"zz\r\nabc\r\n0\r\n\r\n", False),  # the body: "zz" is no chunk size
        (b"ffffffffffffffffffffffff\r\nx\r\n0\r\n\r\n", False),  # a size beyond 64 bits
        (b"5\r\nab", True),  # the client stops sending inside a chunk
    ],
    ids=["not-hex", "size-overflows", "cut-short"],
)
def test_a_malformed_chunked_body_is_a_400_and_the_server_goes_on(
    hellgate: Running, errors: list[logging.LogRecord], body: bytes, half_close: bool
) -> None:
    status = raw_request(hellgate, CHUNKED_HEAD, body, half_close)
    assert status.startswith(b"HTTP/1.1 400"), status  # not the empty body's 422: the body is unreadable
    assert httpx.get(hellgate.url + "/authentications", headers=HELLGATE_KEY).status_code == 200


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {"Prefer": "code=" + "4" * 5000}),
        ("__code=" + "4" * 5000, {}),
        ("__code=%C2%B2", {}),  # "²": str.isdigit() says yes, int() says no
        ("__code=%D9%A4%D9%A0%D9%A4", {}),  # "٤٠٤", Arabic-Indic digits: not an ASCII 404
        ("__code=%EF%BC%94%EF%BC%90%EF%BC%94", {}),  # fullwidth "４０４"
        ("", {"Prefer": "code=4\u0660\u0664".encode()}),  # UTF-8 bytes on the wire
        ("__code=+404", {}),
        ("__code=0404", {}),
    ],
    ids=[
        "prefer-5000-digits",
        "query-5000-digits",
        "superscript",
        "arabic-indic",
        "fullwidth",
        "mixed",
        "sign",
        "zero",
    ],
)
def test_a_status_preference_takes_three_ascii_digits_only(
    authentik: Running, errors: list[logging.LogRecord], query: str, headers: dict[str, Any]
) -> None:
    """authentik documents a 404 for the list: only "404" in ASCII digits asks for it."""
    url = f"{authentik.url}{TOKENS}"
    answer = httpx.get(f"{url}?{query}", headers={**AUTHENTIK_KEY, **headers}, timeout=30)
    assert answer.status_code == 200  # the preference is ignored, the request answered as usual
    assert httpx.get(f"{url}?__code=404", headers=AUTHENTIK_KEY).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "page=" + "9" * 400,  # int() takes it, float() makes it infinity
        "page=" + "9" * 5000,  # beyond int()'s 4,300 digits
        "page_size=" + "9" * 5000,
        "page=1e400",
        "page=%D9%A3",  # "٣"
        "page=-" + "9" * 300,
        "ordering=user&user=" + "9" * 5000,
        "user=1e400",
        "user=%D9%A3",
    ],
)
def test_paging_and_filter_numbers_never_overflow(
    authentik: Running, errors: list[logging.LogRecord], query: str
) -> None:
    answer = httpx.get(f"{authentik.url}{TOKENS}?{query}", headers=AUTHENTIK_KEY, timeout=30)
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert set(answer.json()) >= {"detail"} or "non_field_errors" in answer.json() or answer.json()


@pytest.mark.parametrize(
    "path",
    [
        "/__specmock/journal?limit=%C2%B2",
        "/__specmock/journal?limit=" + "1" * 5000,
        "/__specmock/journal?limit=-3",
    ],
)
def test_admin_numbers_never_overflow(hellgate: Running, errors: list[logging.LogRecord], path: str) -> None:
    answer = httpx.get(hellgate.url + path)
    assert answer.status_code == 200
    assert isinstance(answer.json(), list)


# ------------------------------------------------------------------ property: anything in, no 5xx out

SPECS = {
    "hellgate": "hellgate",
    "rebilly": "rebilly",
    "authentik": "authentik",
    "petstore": "oai-petstore-expanded.yaml",
    "kratos": "ory-kratos.json",
    "link": "oai-link-example.yaml",
}
CREDENTIALS = [
    ("x-api-key", "k"),
    ("reb-apikey", "sk_sandbox_1"),
    ("authorization", "Bearer ak-token"),
    ("authorization", "Basic dTpw"),
]
_apps: dict[str, SpecmockApp] = {}


def app_for(name: str) -> SpecmockApp:
    if name not in _apps:
        argument = SPECS[name]
        _apps[name] = create_app(
            argument if "." not in argument else corpus_file(argument), seed=1, records=3
        )
    return _apps[name]


def templates(app: SpecmockApp) -> list[str]:
    return sorted({api.base_path + op.path for api in app.apis for op in api.operations.values()})


SPECIAL_QUERY = [
    "__code",
    "__example",
    "__dynamic",
    "page",
    "page_size",
    "limit",
    "offset",
    "cursor",
    "ordering",
]
NASTY_TEXT = st.one_of(
    st.sampled_from(
        ["", "0", "-1", "1e400", "9" * 400, "9" * 5000, "²", "٣", "NaN", "inf", "null", "%", "%ZZ"]
    ),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["404", "500", "200", "2.5", "-0", "1e3", "b289OjE=", "bzo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"]
    ),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
BODIES = st.one_of(
    st.just(b""),
    st.binary(max_size=200),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(
        [
            b'{"a": 1e400}',
            b'{"a": 1' + b"0" * 5000 + b"}",
            b"[" * 200 + b"]" * 200,
            b'{"a": "\\ud800"}',
            b"\xff\xfe",
            b"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b--\r\n",
            b"a=1&a=2&%ZZ=%ZZ&=",
        ]
    ),
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
        "multipart/form-data",
        "text/plain; charset=utf-8",
        "application/octet-stream",
        "application/merge-patch+json",
        "",
        "*/*",
        "multipart/form-data; boundary=\u00e9",
    ]
)
LATIN1 = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=40)
HEADER_VALUES = st.one_of(
    LATIN1,
    st.sampled_from(
        [
            "code=" + "9" * 5000,
            "code=404, example=nope, dynamic=false",
            "code=²",
            "code=500",
            "dynamic=maybe",
            "application/json;q=nan, */*;q=1e400",
            "text/html;q=-1",
            "a=b; c",
            "Bearer ",
            "Basic !!!",
            "Basic " + "A" * 100,
        ]
    ),
)
HEADER_NAMES = st.sampled_from(["prefer", "accept", "cookie", "origin", "if-none-match", "host", "x-custom"])


_bodies: dict[int, dict[tuple[str, str], list[tuple[Api, dict[str, Any]]]]] = {}


def json_bodies(app: SpecmockApp) -> dict[tuple[str, str], list[tuple[Api, dict[str, Any]]]]:
    """(method, path template) → the JSON request body schemas of the operations there."""
    if id(app) not in _bodies:
        found: dict[tuple[str, str], list[tuple[Api, dict[str, Any]]]] = {}
        for api in app.apis:
            for op in api.operations.values():
                for media in op.body.media if op.body else ():
                    if media.name == "application/json" and isinstance(media.schema, dict):
                        found.setdefault((op.method, api.base_path + op.path), []).append((api, media.schema))
        _bodies[id(app)] = found
    return _bodies[id(app)]


@st.composite
def requests(draw: st.DrawFn, app: SpecmockApp) -> dict[str, Any]:
    """Mostly a documented operation with odd inputs; now and then anything at all."""
    documented = [(op.method, api.base_path + op.path) for api in app.apis for op in api.operations.values()]
    admin = [("GET", "/__specmock/journal"), ("PUT", "/__specmock/apis/x/state/y")]
    method, template = draw(st.sampled_from(sorted(documented) + admin))
    if draw(st.integers(0, 4)) == 0:
        method = draw(
            st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "BREW"])
        )
    path = template
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        value = draw(NASTY_TEXT | st.integers(0, 25).map(str))
        path = path[:start] + urllib.parse.quote(value, safe="") + path[end + 1 :]
    if draw(st.integers(0, 5)) == 0:
        path += draw(st.sampled_from(["/", "//", "/x", "/%00", "/..", "%2F"]))
    own = sorted({p.name for api in app.apis for op in api.operations.values() for p in op.parameters})
    names = st.sampled_from(SPECIAL_QUERY) | st.sampled_from(own or SPECIAL_QUERY) | st.text(max_size=8)
    query = draw(st.lists(st.tuples(names, NASTY_TEXT), max_size=5))
    headers = draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=4))
    if draw(st.integers(0, 3)):
        headers += [c for c in CREDENTIALS if c[0] != "authorization"] + [CREDENTIALS[2]]
    else:
        headers += draw(st.lists(st.sampled_from(CREDENTIALS), max_size=2))
    schemas = json_bodies(app).get((method, template))
    if schemas and draw(st.booleans()):
        # A body the schema accepts, one field of it then swapped for an odd value: reaches the store.
        api, schema = draw(st.sampled_from(schemas))
        value = api.generator.value(schema, seed=draw(st.integers(0, 1000)), direction="request")
        if isinstance(value, dict) and value and draw(st.booleans()):
            value[draw(st.sampled_from(sorted(value)))] = draw(JSON_VALUES)
        body = json.dumps(value).encode()
        headers.append(("content-type", "application/json"))
    else:
        body = draw(BODIES)
        if body or draw(st.booleans()):
            headers.append(("content-type", draw(CONTENT_TYPES)))
    return {
        "method": method,
        "path": path,
        "query": urllib.parse.urlencode(query),
        "headers": headers,
        "body": body,
    }


def call(app: SpecmockApp, request: dict[str, Any]) -> int:
    """The status of one request through the ASGI shell, as an ASGI server would pass it."""
    raw_path = request["path"].encode("utf-8")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request["method"],
        "scheme": "http",
        "path": urllib.parse.unquote(request["path"]),
        "raw_path": raw_path,
        "query_string": request["query"].encode("latin-1"),
        "root_path": "",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request["headers"]],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict[str, Any]] = []
    chunks = [request["body"][:7], request["body"][7:]]  # the body in two messages, as servers do

    async def receive() -> dict[str, Any]:
        body = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return int(sent[0]["status"])


def asked_for(request: dict[str, Any]) -> set[int]:
    """The 5xx statuses the request itself asked for (Prefer: code=, __code=)."""
    texts = [v for k, v in request["headers"] if k == "prefer"]
    texts += [v for k, v in urllib.parse.parse_qsl(request["query"]) if k == "__code"]
    return {int(d) for text in texts for d in re.findall(r"(?<![0-9])5[0-9]{2}(?![0-9])", text)}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_no_input_makes_a_5xx_or_a_logged_exception(name: str, caplog: pytest.LogCaptureFixture) -> None:
    app = app_for(name)

    @settings(
        max_examples=120,
        deadline=None,
        derandomize=True,  # the same examples every run: a failure reproduces
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(app))
    def no_server_error(request: dict[str, Any]) -> None:
        caplog.clear()
        status = call(app, request)
        logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert not logged, (request, logged)
        assert status < 500 or status in asked_for(request), (status, request)

    with caplog.at_level(logging.WARNING):
        no_server_error()
