"""Request bodies: an upload the checks need not parse reaches the upstream while the client is still
sending it, bytes unchanged; a JSON body is read whole and checked before anything is forwarded;
--max-body and a broken body are answered (413, 400) and never reach the upstream as complete."""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock.journal import BODY_KEPT
from specmock.proxy import ProxyConfig, RunningProxy, serve_proxy
from tests.proxy.conftest import SHOP
from tests.proxy.upstream import Shop

MIB = 1 << 20
KEY = {"X-API-Key": "k"}


def pieces(data: bytes, size: int = 65536) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def gated(data: bytes, gate: int, opened: threading.Event, waited: list[bool]) -> Iterator[bytes]:
    """``data`` in 64 KiB pieces; after ``gate`` bytes, nothing more until ``opened`` (at most 10 s):
    through a proxy that buffered the body, the upstream could never open it."""
    sent = 0
    for piece in pieces(data):
        if sent == gate:
            waited.append(opened.wait(10))
        yield piece
        sent += len(piece)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_an_upload_reaches_the_upstream_before_the_client_has_sent_it_all(
    shop: tuple[Shop, str], proxy: RunningProxy, framing: str
) -> None:
    upstream, _ = shop
    data = bytes(range(256)) * (3 * MIB // 256)  # 3 MiB; the upstream opens the gate at 1 MiB
    waited: list[bool] = []
    body = gated(data, 2 * MIB, upstream.upload_started, waited)
    headers = {"Content-Type": "application/octet-stream"}
    if framing == "content-length":
        headers["Content-Length"] = str(len(data))
    response = httpx.put(proxy.url + "/api/uploads/big.bin", content=body, headers=headers, timeout=30)
    assert waited == [True], "the upstream had not received 1 MiB while the client held back the rest"
    assert response.status_code == 201, response.text
    assert "specmock-violations" not in response.headers
    expected = {"name": "big.bin", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert response.json() == expected
    assert upstream.uploads["big.bin"] == expected
    _, _, seen = upstream.seen[-1]
    if framing == "content-length":
        assert seen["content-length"] == str(len(data))
    else:
        assert seen["transfer-encoding"] == "chunked"


def test_a_streamed_upload_is_journaled_with_the_start_of_its_body(proxy: RunningProxy) -> None:
    data = b"abcdefgh" * (MIB // 8)
    headers = {"Content-Type": "application/octet-stream"}
    response = httpx.put(proxy.url + "/api/uploads/a.bin", content=iter(pieces(data)), headers=headers)
    assert response.status_code == 201
    entry = proxy.journal()[-1]
    assert (entry["operation"], entry["status"]) == ("shop:upload", 201)
    kept = "abcdefgh" * (BODY_KEPT // 8)  # the journal's bound, not the 1 MiB sent
    assert entry["curl"].endswith(f"--data-binary {kept}  # body cut: only its start was recorded")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=200_000), size=st.integers(1, 70_000), chunked=st.booleans())
def test_any_upload_arrives_unchanged(
    shop: tuple[Shop, str], proxy: RunningProxy, data: bytes, size: int, chunked: bool
) -> None:
    upstream, _ = shop
    content: bytes | Iterator[bytes] = iter(pieces(data, size)) if chunked else data
    response = httpx.put(
        proxy.url + "/api/uploads/x.bin",
        content=content,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 201
    assert upstream.uploads["x.bin"] == {
        "name": "x.bin",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def test_a_missing_upload_body_is_reported_and_forwarded(shop: tuple[Shop, str], proxy: RunningProxy) -> None:
    upstream, _ = shop
    response = httpx.put(
        proxy.url + "/api/uploads/empty.bin", headers={"Content-Type": "application/octet-stream"}
    )
    assert response.status_code == 201
    found = response.headers["specmock-violations"]
    assert "upload request.body [schema]: a request body is required" in found
    assert upstream.uploads["empty.bin"]["size"] == 0


def test_an_upload_of_an_undeclared_type_is_refused_on_its_header_before_its_body(
    shop: tuple[Shop, str],
) -> None:
    upstream, url = shop
    with serve_proxy(ProxyConfig(SHOP, upstream=url, errors=True)) as running:
        response = httpx.put(
            running.url + "/api/uploads/a.png",
            content=b"\x89PNG" * 1000,
            headers={"Content-Type": "image/png"},
        )
    assert response.status_code == 415
    assert "upload request.header.content-type" in response.headers["specmock-violations"]
    assert upstream.uploads == {}


def test_a_large_json_body_is_read_whole_and_checked_before_it_is_forwarded(shop: tuple[Shop, str]) -> None:
    """The violation is at the end of 3 MiB: a proxy that checked only the start would forward it."""
    upstream, url = shop
    body = b'{"tag": "' + b"t" * (3 * MIB) + b'", "name": ""}'
    headers = {**KEY, "Content-Type": "application/json"}
    with serve_proxy(ProxyConfig(SHOP, upstream=url, errors=True)) as running:
        response = httpx.post(running.url + "/api/pets", content=iter(pieces(body)), headers=headers)
    assert response.status_code == 422
    assert "createPet request.body/name [" in response.headers["specmock-violations"]
    assert not [seen for seen in upstream.seen if seen[0] == "POST"]


def test_a_valid_large_json_body_is_forwarded_unchanged(shop: tuple[Shop, str], proxy: RunningProxy) -> None:
    upstream, _ = shop
    body = b'{"name": "Big", "tag": "' + b"t" * (2 * MIB) + b'"}'
    headers = {**KEY, "Content-Type": "application/json"}
    response = httpx.post(proxy.url + "/api/pets", content=body, headers=headers, timeout=30)
    assert response.status_code == 201
    assert upstream.pets[4] == {"id": 4, "name": "Big", "tag": "t" * (2 * MIB)}


def test_a_declared_upload_over_max_body_is_refused_unread(shop: tuple[Shop, str]) -> None:
    upstream, url = shop
    config = replace(ProxyConfig(SHOP, upstream=url), max_body=MIB)
    with serve_proxy(config) as running, socket.create_connection(("127.0.0.1", running.port)) as sock:
        sock.settimeout(10)
        head = (
            "PUT /api/uploads/huge.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {50 * MIB}\r\n\r\n"
        )
        sock.sendall(head.encode())  # 50 MiB announced, none of it sent
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert b'"code":413' in answer.replace(b" ", b"")  # the operation's documented Error shape
    assert not [seen for seen in upstream.seen if seen[1] == "/api/uploads/huge.bin"]


def test_a_streamed_upload_growing_past_max_body_is_cut_and_never_completes(shop: tuple[Shop, str]) -> None:
    upstream, url = shop
    config = replace(ProxyConfig(SHOP, upstream=url), max_body=MIB)
    with serve_proxy(config) as running:
        response = httpx.put(
            running.url + "/api/uploads/grow.bin",
            content=iter(pieces(b"g" * (2 * MIB))),
            headers={"Content-Type": "application/octet-stream"},
        )
        assert response.status_code == 413
        assert running.journal()[-1]["status"] == 413
    assert "grow.bin" not in upstream.uploads


@pytest.mark.parametrize(
    "tail",
    [b"zz\r\nabc\r\n0\r\n\r\n", b"ffffffffffffffffffffffff\r\nx\r\n0\r\n\r\n"],
    ids=["not-hex", "size-overflows"],
)
def test_a_malformed_chunked_upload_is_a_400_and_never_completes_upstream(
    shop: tuple[Shop, str], proxy: RunningProxy, tail: bytes
) -> None:
    upstream, _ = shop
    with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
        sock.settimeout(10)
        head = (
            b"PUT /api/uploads/bad.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        sock.sendall(head + b"5\r\nhello\r\n" + tail)
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
    assert "bad.bin" not in upstream.uploads
    assert httpx.get(proxy.url + "/api/pets").status_code == 200  # the proxy goes on


def test_an_upload_cut_short_of_its_content_length_never_completes_upstream(
    shop: tuple[Shop, str], proxy: RunningProxy
) -> None:
    upstream, _ = shop
    with socket.create_connection(("127.0.0.1", proxy.port)) as sock:
        sock.settimeout(10)
        head = (
            b"PUT /api/uploads/short.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"
        )
        sock.sendall(head + b"s" * 1000)
        sock.shutdown(socket.SHUT_WR)
        read_answer(sock)  # a 400, or the connection closed: the client is gone either way
    assert "short.bin" not in upstream.uploads


def read_answer(sock: socket.socket) -> bytes:
    answer = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        answer += chunk
        if b"\r\n\r\n" in answer and answer.split(b"\r\n\r\n", 1)[1].rstrip().endswith(b"}"):
            break
    return answer
