"""End to end in a real browser: Debian's Chromium driven by selenium through /usr/bin/chromedriver.

Nothing here downloads a browser or a driver: the driver path is given explicitly (selenium-manager is never
used; SE_OFFLINE=1). The server is the real ``oncocohort serve`` in a subprocess on a free port. Screenshots of each
page are taken at 1280 px wide; with ``ONCOCOHORT_WEB_SCREENSHOTS=docs/web`` they are written there (docs/web.md).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.conftest import HTML_ROW, SEEDED_ROW

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
           "apt-get install chromium chromium-driver")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`oncocohort serve` in a subprocess → (base URL, token, workspace)."""
    workspace = tmp_path_factory.mktemp("browser-workspace")
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "oncocohort", "serve", "--no-browser", "--port", str(port),
                                "--workspace", str(workspace)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if match := re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line):
                break
        else:
            raise AssertionError("the server printed no start URL:\n" + "".join(lines))
        base, token = f"http://127.0.0.1:{match[1]}", match[2]
        for _ in range(200):  # the URL is printed just before uvicorn binds
            try:
                urllib.request.urlopen(base + "/", timeout=2)
            except urllib.error.HTTPError:
                break  # 403: up and asking for the token
            except OSError:
                time.sleep(0.1)
        yield base, token, workspace
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads, tmp_path_factory):
    os.environ["SE_OFFLINE"] = "1"  # selenium must never fetch a driver or a browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Folder for the screenshots (docs/web when ONCOCOHORT_WEB_SCREENSHOTS says so)."""
    wanted = os.environ.get("ONCOCOHORT_WEB_SCREENSHOTS")
    folder = (ROOT / wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _screenshot(driver, folder: Path, name: str) -> Path:
    """The whole page at 1280 CSS px wide (the whole height, up to 5000 px), through the DevTools protocol."""
    import base64

    height = min(max(driver.execute_script("return document.documentElement.scrollHeight"), 600), 5000)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": height,
                                                                  "deviceScaleFactor": 1, "mobile": False})
    try:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 10_000
    return path


def _wait(condition, timeout: float = 60, what: str = ""):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    end = time.time() + timeout
    while time.time() < end:
        try:
            value = condition()
        except (NoSuchElementException, StaleElementReferenceException):  # the page is still loading
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_without_the_token_the_server_answers_403(server, browser):
    base, _, _ = server
    browser.get(base + "/")
    assert "403 Forbidden" in browser.find_element("tag name", "body").text
    browser.get(base + "/api/studies")
    assert "needs its token" in browser.find_element("tag name", "body").text


def test_upload_fix_settings_report_download(server, browser, downloads, shots, tmp_path, seeded_workbook,
                                             fixed_workbook):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, token, workspace = server
    browser.get(f"{base}/?token={token}")
    assert "token=" not in browser.current_url  # the cookie holds it now
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Oncology cohort study")
    _screenshot(browser, shots, "1-start")

    # upload the demo workbook with a seeded error: the problem list names sheet, row and column
    browser.find_element(By.ID, "upload-file").send_keys(_write(tmp_path, "demo cohort.xlsx", seeded_workbook))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    _wait(lambda: "/validation" in browser.current_url, what="the validation page")
    assert browser.find_element(By.ID, "verdict").text.startswith("Not valid — 2 error(s)")
    rows = browser.find_elements(By.CSS_SELECTOR, "#errors tbody tr")
    cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]
    assert ["1", "study.xlsx", "patients", str(SEEDED_ROW), "ecog", "9"] == cells[0][:6]
    assert "must be one of: 0, 1, 2, 3, 4" in cells[0][6]
    # HTML in a cell is shown as text, never as markup
    assert cells[1][:5] == ["2", "study.xlsx", "patients", str(HTML_ROW), "sex"]
    assert cells[1][5] == '<b id="xss">male</b><script>alert(1)</script>'
    assert not browser.find_elements(By.ID, "xss")
    _screenshot(browser, shots, "2-validation")

    # the sheet view opens at the row, with the offending cell highlighted
    rows[0].find_element(By.LINK_TEXT, str(SEEDED_ROW)).click()
    _wait(lambda: "/sheets/patients" in browser.current_url, what="the sheet view")
    row = browser.find_element(By.ID, f"r{SEEDED_ROW}")
    bad = row.find_elements(By.CSS_SELECTOR, "td.bad")
    assert [c.text for c in bad] == ["9"] and "ecog must be one of" in bad[0].get_attribute("title")
    assert not browser.find_elements(By.ID, "xss")
    _screenshot(browser, shots, "3-sheet")

    # fix it by uploading the corrected workbook
    browser.find_element(By.LINK_TEXT, "← all problems").click()
    browser.find_element(By.ID, "reupload-file").send_keys(_write(tmp_path, "fixed.xlsx", fixed_workbook))
    browser.find_element(By.CSS_SELECTOR, "#reupload-form button").click()
    _wait(lambda: browser.find_element(By.ID, "verdict").text.startswith("Valid"), what="a valid study")
    summary = browser.find_element(By.ID, "preview-summary").text
    assert re.match(r"\d+ screened → \d+ included", summary)
    _screenshot(browser, shots, "4-validation-fixed")

    # change a setting in the form
    browser.find_element(By.PARTIAL_LINK_TEXT, "Settings").click()
    Select(browser.find_element(By.ID, "ci_method")).select_by_visible_text("wilson")
    title = browser.find_element(By.ID, "title")
    title.clear()
    title.send_keys("Browser-tested cohort")
    browser.find_element(By.ID, "save-settings").click()
    _wait(lambda: "Saved study.toml." in browser.find_element(By.TAG_NAME, "main").text, what="saved settings")
    text = browser.find_element(By.ID, "toml-text").text
    assert 'ci_method = "wilson"' in text and 'title = "Browser-tested cohort"' in text
    _screenshot(browser, shots, "5-settings")

    # run the report and watch the progress bar finish
    browser.find_element(By.PARTIAL_LINK_TEXT, "Report").click()
    browser.find_element(By.ID, "run-report").click()
    _wait(lambda: browser.find_elements(By.ID, "progress"), what="the progress bar")
    percents = set()

    def finished():
        try:
            bar = browser.find_element(By.CSS_SELECTOR, "#progress .bar")
            percents.add(int(bar.get_attribute("aria-valuenow")))
            return browser.find_elements(By.ID, "report-frame") or browser.find_elements(By.ID, "report-error")
        except Exception:  # the page reloads when the run ends
            return False

    _wait(finished, timeout=300, what="the report")
    assert not browser.find_elements(By.ID, "report-error"), browser.find_element(By.ID, "report-error").text
    assert browser.find_element(By.CSS_SELECTOR, "#progress .bar").get_attribute("aria-valuenow") == "100"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#stages li.done")) == 8
    assert percents - {100}, "the bar was never seen part-way"
    _screenshot(browser, shots, "6-report")

    # the report itself, inline: the title set in the form, figures drawn
    browser.switch_to.frame(browser.find_element(By.ID, "report-frame"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Browser-tested cohort"
    assert len(browser.find_elements(By.TAG_NAME, "img")) >= 5
    assert "Wilson" in browser.find_element(By.TAG_NAME, "body").text
    browser.switch_to.default_content()

    # download the DOCX
    browser.find_element(By.LINK_TEXT, "report.docx").click()
    docx = downloads / "report.docx"
    _wait(lambda: docx.exists() and docx.stat().st_size > 0 and not list(downloads.glob("*.crdownload")),
          what="the DOCX download")
    from docx import Document

    assert Document(str(docx)).core_properties.title == "Browser-tested cohort"

    browser.find_element(By.PARTIAL_LINK_TEXT, "How this was computed").click()
    assert "oncocohort report" in browser.find_element(By.ID, "cli-command").text
    assert 'ci_method = "wilson"' in browser.find_element(By.ID, "how-toml").text
    _screenshot(browser, shots, "7-how")
    # the app worked on copies: the files the user uploaded are as they were
    assert (tmp_path / "demo cohort.xlsx").read_bytes() == seeded_workbook
    assert (tmp_path / "fixed.xlsx").read_bytes() == fixed_workbook


def test_a_zip_slip_upload_is_refused_in_the_browser(server, browser, tmp_path):
    import io
    import zipfile

    from selenium.webdriver.common.by import By

    base, token, workspace = server
    browser.get(f"{base}/?token={token}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("study/study.toml", "[study]\n")
        archive.writestr("study/../../../escaped.csv", "patient_id\n")
    before = sorted(p.name for p in (workspace / "studies").iterdir())
    browser.find_element(By.ID, "upload-file").send_keys(_write(tmp_path, "evil.zip", buffer.getvalue()))
    browser.find_element(By.CSS_SELECTOR, "#upload-form button").click()
    error = _wait(lambda: browser.find_elements(By.ID, "upload-error"), what="the refusal")[0].text
    assert "points outside its folder" in error and "refused" in error
    assert sorted(p.name for p in (workspace / "studies").iterdir()) == before
    assert not list(workspace.parent.rglob("escaped.csv"))
