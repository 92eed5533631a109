"""The running assistant for the end-to-end tests: the `stack` fixture (action
server, Rasa server with every channel, web page server, a neutral exit site,
and the fake messaging platform from tests/conftest.py), and headless Chromium
(Debian's chromium and chromium-driver) driven by Selenium for the widget.
These run after training (scripts/test.sh).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def chromium_options(width: int, height: int, user_data: Path):
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={user_data}",
        f"--window-size={width},{height}",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return options


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """One headless Chromium for all the browser tests of this process.

    Starting Chromium takes about a second; each test gets a new tab of it
    instead (`browser_factory`), with its own history, viewport and logs. The
    widget keeps nothing on the device (tests check that), so tabs share
    nothing that a test could see.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "install Debian's chromium and chromium-driver (scripts/setup.sh browser)"
    )
    driver = webdriver.Chrome(
        service=Service(executable_path=CHROMEDRIVER),
        options=chromium_options(1280, 900, tmp_path_factory.mktemp("chromium")),
    )
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def browser_factory(chromium):
    """Open a new tab at a given viewport size; the test's tabs close after it."""
    opened: list[str] = []

    def start(width: int = 1280, height: int = 900):
        chromium.switch_to.new_window("tab")
        opened.append(chromium.current_window_handle)
        # Headless Chromium keeps windows at least 500 px wide: emulate the exact
        # viewport (a phone is 360 px wide) so that layouts are tested at that size.
        chromium.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": width < 500,
            },
        )
        for kind in ("performance", "browser"):  # only this test's entries from here on
            chromium.get_log(kind)
        return chromium

    yield start
    for handle in opened:
        if handle in chromium.window_handles:
            chromium.switch_to.window(handle)
            chromium.close()
    chromium.switch_to.window(chromium.window_handles[0])


@pytest.fixture
def browser(browser_factory):
    return browser_factory()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- the running assistant ----------------------------------------------------------------


@pytest.fixture(scope="session")
def neutral_site():
    from stack import NeutralSite

    site = NeutralSite()
    yield site
    site.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, neutral_site, platform):
    """The running assistant: its addresses (rasa, web) and the API token for tests."""
    from stack import run_stack

    yield from run_stack(tmp_path_factory.mktemp("stack"), neutral_site, platform)
