"""``specmock proxy`` as users run it: a process on 127.0.0.1 in front of a real backend, stopped by
its pid; every flag documented in ``--help``; a bad invocation refused in one line."""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from specmock.cli import main
from specmock.server import free_port
from tests.integration.test_serve_command import SPECMOCK, stop, wait_ready
from tests.proxy.conftest import SHOP
from tests.proxy.upstream import Shop

FLAGS = (
    "--upstream",
    "--host",
    "--port",
    "--errors",
    "--strict",
    "--fallback",
    "--record",
    "--base-path",
    "--seed",
    "--timeout",
    "--check-limit",
    "--max-body",
    "--quiet",
)


def test_help_documents_every_flag() -> None:
    result = CliRunner().invoke(main, ["proxy", "--help"])
    assert result.exit_code == 0
    options = re.findall(r"^  (?:-\w, )?(--[\w-]+)", result.output, flags=re.MULTILINE)
    assert sorted(options) == sorted([*FLAGS, "--help"])
    for flag in FLAGS:
        line = next(line for line in result.output.splitlines() if flag in line)
        assert len(line.split(flag, 1)[1].split()) > 1, f"{flag} has no help text"


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--upstream", "ftp://example.com"], "expected an http:// or https:// URL"),
        (["--upstream", "http://127.0.0.1:9/?x=1"], "without a query or fragment"),
    ],
)
def test_a_bad_upstream_is_refused_in_one_line(arguments: list[str], said: str) -> None:
    result = CliRunner().invoke(main, ["proxy", str(SHOP), *arguments])
    assert result.exit_code == 2
    assert said in result.output
    assert result.output.strip().count("\n") == 0


def test_the_command_relays_checks_and_records(shop: tuple[Shop, str], tmp_path: Path) -> None:
    port = free_port()
    command = [
        str(SPECMOCK), "proxy", str(SHOP), "--upstream", shop[1], "--port", str(port),
        "--fallback", "mock", "--record", str(tmp_path / "rec"), "--max-body", "64KiB",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, url + "/__specmock/journal")
        with httpx.Client(base_url=url + "/api", timeout=30) as client:
            assert client.get("/pets/2").json() == {"id": 2, "name": "Tom", "tag": "cat"}
            assert "[status]" in client.get("/teapot").headers["specmock-violations"]
            assert client.get("/orders").status_code == 200  # the mock's
            upload = client.put("/uploads/a.bin", content=b"x" * (64 * 1024 + 1))
            assert upload.status_code == 413
        journal = httpx.get(url + "/__specmock/journal").json()
        assert [(e["path"], e["status"]) for e in journal] == [
            ("/api/pets/2", 200),
            ("/api/teapot", 418),
            ("/api/orders", 200),
            ("/api/uploads/a.bin", 413),
        ]
        assert (tmp_path / "rec" / "pets.json").is_file()
    finally:
        assert stop(process) in (0, -signal.SIGTERM)
    assert process.stdout is not None
    with process.stdout:
        output = process.stdout.read().decode()
    assert f"proxy for shop (14 operations) at {url}/api/ → {shop[1]}" in output
    assert "getTeapot response.status [status]: 418 is not documented" in output  # the log
