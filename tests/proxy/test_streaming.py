"""Large answers are streamed: the client has the first bytes before the upstream has sent the last,
the proxy never holds the whole body, and the bytes arrive unchanged."""

from __future__ import annotations

import hashlib
import tracemalloc
from dataclasses import replace

import httpx

from specmock.proxy import ProxyConfig, serve_proxy
from tests.proxy.conftest import SHOP
from tests.proxy.upstream import Shop, export_bytes

MIB = 1 << 20


def test_the_client_reads_the_start_before_the_upstream_sends_the_end(shop: tuple[Shop, str]) -> None:
    upstream, url = shop
    size, gate = 3 * MIB, 2 * MIB  # the gate is past the 1 MiB check limit
    with serve_proxy(ProxyConfig(SHOP, upstream=url)) as running_proxy:
        received = 0
        digest = hashlib.sha256()
        target = f"{running_proxy.url}/api/export?size={size}&chunk=65536&gate={gate}"
        with httpx.stream("GET", target, timeout=30) as response:
            assert response.status_code == 200
            for chunk in response.iter_raw():
                received += len(chunk)
                digest.update(chunk)
                if received >= gate // 2 and not upstream.release.is_set():
                    # The upstream is now waiting for this before it sends the rest: a proxy that
                    # buffered the whole answer would never have let these bytes through.
                    assert upstream.export_done_at is None
                    upstream.release.set()
    assert not upstream.gate_timed_out
    assert received == size
    assert digest.hexdigest() == hashlib.sha256(export_bytes(size)).hexdigest()


def test_a_large_body_is_never_held_whole(shop: tuple[Shop, str]) -> None:
    size = 64 * MIB
    config = replace(ProxyConfig(SHOP, upstream=shop[1]), check_limit=256 * 1024)
    with serve_proxy(config) as running_proxy:
        received = 0
        tracemalloc.start()
        try:
            with httpx.stream("GET", f"{running_proxy.url}/api/export?size={size}", timeout=60) as response:
                for chunk in response.iter_raw(65536):
                    received += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert received == size
    # Upstream, proxy and client share this process: together they hold a bounded few MiB (about 9,
    # the same for 16 MiB as for 96 MiB relayed), never the body.
    assert peak < size / 4, f"peak {peak / MIB:.1f} MiB while relaying {size / MIB:.0f} MiB"


def test_a_body_past_the_check_limit_is_relayed_with_its_head_checks(shop: tuple[Shop, str]) -> None:
    config = replace(ProxyConfig(SHOP, upstream=shop[1]), check_limit=1000)
    with serve_proxy(config) as running_proxy:
        # 3 KB of pets: the status and headers are checked, the body streamed unchecked.
        response = httpx.get(running_proxy.url + "/api/pets?break=header")
    assert response.status_code == 200
    assert "X-Total-Count [header]" in response.headers["specmock-violations"]
