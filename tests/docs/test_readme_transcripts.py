"""The README's curl sessions are what the code answers: each documented command is run with curl
against a real ``specmock serve`` (seed 0, as documented) and its output compared with the README's,
``…`` elisions allowed (see ``transcripts``). A stale id, token or body fails here, so the README
cannot drift from the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from specmock.server import free_port
from tests.docs.transcripts import Step, console_blocks, mismatch, steps

REPO = Path(__file__).resolve().parents[2]
SECTION = "Try the bundled sandboxes with curl"
DOCUMENTED = "127.0.0.1:4010"


class Sandbox:
    def __init__(self, port: int, banner: list[str]) -> None:
        self.port = port
        self.banner = banner
        self.env: dict[str, str] = {}

    def local(self, text: str) -> str:
        return text.replace(DOCUMENTED, f"127.0.0.1:{self.port}").replace(
            "localhost:4010", f"127.0.0.1:{self.port}"
        )


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    if shutil.which("curl") is None:
        pytest.fail("curl is needed to run the README's transcripts (.ci/run installs it)")
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "stderr.txt"
    with log.open("wb") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "specmock", "serve", "--port", str(port), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=REPO,
        )
    try:
        banner = _wait_for(port, log, server)
        yield Sandbox(port, banner)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int, log: Path, server: subprocess.Popen[bytes]) -> list[str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"specmock serve stopped: {log.read_text()}")
        done = subprocess.run(
            ["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}/__specmock/"], check=False
        )
        if done.returncode == 0:
            return [line for line in log.read_text().splitlines() if line.startswith("specmock:")]
        time.sleep(0.1)
    pytest.fail("specmock serve did not answer within 60 s")


def transcript_steps() -> list[Step]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return [step for block in console_blocks(readme, SECTION) for step in steps(block)]


STEPS = transcript_steps()


def test_the_readme_documents_curl_sessions() -> None:
    curls = [step for step in STEPS if step.command.startswith("curl")]
    assert len(curls) >= 15
    assert all(step.output for step in curls), "every documented curl shows what it answers"


# One test, steps in order: each session builds on the state the previous commands left.
def test_every_documented_command_answers_what_the_readme_shows(sandbox: Sandbox) -> None:
    for step in STEPS:
        problem = run(sandbox, step)
        assert problem is None, f"README, $ {step.command}\n{problem}"


def run(sandbox: Sandbox, step: Step) -> str | None:
    command = sandbox.local(step.command)
    documented = [sandbox.local(line) for line in step.output]
    if command.startswith("specmock serve"):
        return None if documented == sandbox.banner else f"printed {sandbox.banner}, documented {documented}"
    name, sep, value = command.partition("=")
    if sep and name.isidentifier() and " " not in name:
        sandbox.env[name] = value.strip("'\"")
        return None
    if not command.startswith("curl "):
        return f"not a command the transcript test can run: {command}"
    status_wanted = step.status if " -i" not in command and "-w " not in command else None
    if status_wanted is not None:
        command += " -w '\\n::%{http_code}'"
    done = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        env={**os.environ, **sandbox.env},
        timeout=30,
        check=False,
    )
    output = done.stdout
    if status_wanted is not None:
        output, _, status = output.rpartition("\n::")
        if int(status) != status_wanted:
            return f"status {status}, documented {status_wanted}: {output[:300]}"
    found = mismatch(documented, output)
    return None if found is None else f"{found}\nwhole output: {output[:1500]}"
