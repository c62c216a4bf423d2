"""Headless Chromium for the dashboard tests (Debian's `chromium` and `chromium-driver`; `.ci/run`
installs them when missing), driven through selenium with the matching /usr/bin/chromedriver."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SPECMOCK_ARTIFACTS", ROOT / "artifacts")) / "browser"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
    # Nothing but this machine resolves: a page that reached for the network would fail to load.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


def _executable(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if found is None:
        pytest.fail(f"{name} is not installed: apt-get install chromium chromium-driver (.ci/run does)")
    return found


class Browser:
    """A Chromium page plus what the test run keeps of it (screenshots, requests made)."""

    def __init__(self, driver: Any, name: str) -> None:
        self.driver = driver
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)

    def screenshot(self, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.driver.save_screenshot(str(path))
        return path

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for since the last call (Chromium's performance log)."""
        urls = []
        for item in self.driver.get_log("performance"):
            message = json.loads(item["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls


@pytest.fixture
def browser(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Browser]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _executable("chromium")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(_executable("chromedriver")))
    try:
        yield Browser(driver, request.node.name)
    finally:
        driver.quit()
