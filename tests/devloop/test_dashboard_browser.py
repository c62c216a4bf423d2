"""The dashboard and Swagger UI in real headless Chromium against a real server on 127.0.0.1.
Screenshots of each step are saved under artifacts/browser/ (ignored by git)."""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from specmock import serve
from specmock.server import Running
from tests.devloop.conftest import Browser
from tests.devloop.specs import pets_spec, write

WAIT = 20  # seconds any element may take to appear
BROWSER_OWN = ("chrome:", "chrome-untrusted:", "data:", "blob:", "about:")


@pytest.fixture
def pets(tmp_path: Path) -> Iterator[Running]:
    with serve(write(tmp_path, pets_spec(), "pets.yaml"), seed=5, latency="1ms..5ms", chaos=0.0) as server:
        yield server


def wait_for(browser: Browser, found: Callable[[], Any], what: str) -> Any:
    return WebDriverWait(browser.driver, WAIT).until(lambda _: found(), message=f"waiting for {what}")


def shown(browser: Browser, css: str) -> WebElement:
    """The first element matching ``css``, once there is one."""
    return wait_for(browser, lambda: element(browser, css), css)  # type: ignore[no-any-return]


def element(browser: Browser, css: str) -> WebElement | None:
    matches = browser.driver.find_elements(By.CSS_SELECTOR, css)
    return matches[0] if matches else None


def test_a_request_made_with_httpx_appears_in_the_journal_view(browser: Browser, pets: Running) -> None:
    browser.driver.get(pets.url + "/__specmock/")
    shown(browser, "[data-api='pets']")
    refused = httpx.get(pets.url + "/pets", params={"limit": 999}, headers={"X-Trace": "it's me"})
    assert refused.status_code == 422
    row = shown(browser, "#journal-rows tr[data-path='/pets?limit=999']")
    assert row.get_attribute("data-status") == "422"
    assert "pets:listPets" in row.text
    row.click()
    detail = shown(browser, "#journal-detail:not([hidden])")
    violation = detail.find_element(By.CSS_SELECTOR, ".violation")
    assert violation.find_element(By.CSS_SELECTOR, ".where").text == "query.limit"
    assert "999 is greater than the maximum of 50" in violation.find_element(By.CSS_SELECTOR, ".what").text
    curl = detail.find_element(By.CSS_SELECTOR, "pre.curl").text
    browser.screenshot("journal")
    # The curl line shown reproduces the request: the same status, the same violation.
    again = subprocess.run(
        [*shlex.split(curl), "-s", "-o", "/dev/null", "-w", "%{http_code}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert again.stdout == "422"
    assert pets.journal()[-1]["violations"] == pets.journal()[0]["violations"]
    assert "'x-trace: it'\"'\"'s me'" in curl  # quoted for the shell


def test_an_edit_made_in_the_page_is_served_by_the_api(browser: Browser, pets: Running) -> None:
    first = httpx.get(pets.url + "/pets/1").json()
    browser.driver.get(pets.url + "/__specmock/")
    shown(browser, "button[data-resource='pets/pets']").click()
    record = shown(browser, "#record-list .record[data-index='0']")
    assert json.loads(record.find_element(By.CSS_SELECTOR, "code").get_attribute("title")) == first
    record.find_element(By.CSS_SELECTOR, "button.edit").click()
    editor = record.find_element(By.CSS_SELECTOR, "textarea.record-editor")
    edited = {**first, "name": "Edited in the browser"}
    editor.clear()
    editor.send_keys(json.dumps(edited))
    record.find_element(By.CSS_SELECTOR, "button.save").click()
    wait_for(browser, lambda: "Saved" in browser.driver.find_element(By.ID, "records-message").text, "saved")
    browser.screenshot("edited")
    assert httpx.get(pets.url + "/pets/1").json() == edited  # the API serves the edit
    # An edit the admin API refuses (two records with one id) changes nothing and says why.
    second = shown(browser, "#record-list .record[data-index='1']")
    second.find_element(By.CSS_SELECTOR, "button.edit").click()
    editor = second.find_element(By.CSS_SELECTOR, "textarea.record-editor")
    editor.clear()
    editor.send_keys(json.dumps({**httpx.get(pets.url + "/pets/2").json(), "id": 1}))
    second.find_element(By.CSS_SELECTOR, "button.save").click()
    message = shown(browser, "#records-message.error")
    assert "Not saved" in message.text
    assert "duplicate" in message.text
    browser.screenshot("refused")
    assert httpx.get(pets.url + "/pets/1").json() == edited
    assert httpx.get(pets.url + "/pets/2").status_code == 200


def test_the_dashboard_shows_apis_settings_and_resets(browser: Browser, pets: Running) -> None:
    created = httpx.post(pets.url + "/pets", json={"name": "Rex"}).json()
    browser.driver.get(pets.url + "/__specmock/")
    api = shown(browser, "[data-api='pets']")
    assert "GET" in api.text
    assert "/pets/{petId}" in api.text
    assert "read pets" in api.text  # what the store does for the operation
    assert "+250ms" in api.text  # x-specmock-latency
    latency = browser.driver.find_element(By.CSS_SELECTOR, "[data-setting='latency'] dd").text
    assert latency == "1ms..5ms"
    browser.screenshot("overview")
    browser.driver.find_element(By.ID, "reset").click()
    wait_for(browser, lambda: pets.journal() == [], "the reset")  # the reset clears the journal too
    assert httpx.get(f"{pets.url}/pets/{created['id']}").status_code == 404


def test_a_refused_reload_is_shown(browser: Browser, tmp_path: Path) -> None:
    path = write(tmp_path, pets_spec(), "pets.yaml")
    with serve(path, watch=True) as server:
        browser.driver.get(server.url + "/__specmock/")
        shown(browser, "[data-api='pets']")
        path.write_text(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {/a: {get: {responses: 5}}}\n"
        )
        banner = shown(browser, "#reload.refused")
        assert "still serving the last good version" in banner.text
        assert str(path) in banner.text
        browser.screenshot("refused-reload")
        assert httpx.get(server.url + "/pets").status_code == 200


def test_swagger_ui_works_offline_and_tries_requests_on_the_sandbox(browser: Browser, pets: Running) -> None:
    browser.driver.get(pets.url + "/__specmock/ui/pets")
    block = shown(browser, "#operations-default-listPets")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    # "Try it out" is on from the start (tryItOutEnabled): Execute sends the request.
    shown(browser, "#operations-default-listPets .execute").click()
    status = shown(
        browser, "#operations-default-listPets .live-responses-table tr.response .response-col_status"
    )
    assert status.text.strip().startswith("200")
    browser.screenshot("swagger-ui")
    assert [(e["method"], e["path"], e["status"]) for e in pets.journal()] == [("GET", "/pets", 200)]
    # Swagger UI's files and the document all came from the sandbox (chrome:// is the browser's own).
    requested = [url for url in browser.requested_urls() if not url.startswith(BROWSER_OWN)]
    assert pets.url + "/__specmock/assets/swagger-ui/swagger-ui-bundle.js" in requested
    assert [url for url in requested if not url.startswith(pets.url + "/")] == []
