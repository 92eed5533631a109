"""The whole stack for browser tests: the action server, the Rasa server with the
web chat channel, the web page server, a neutral "exit" site, and headless
Chromium (Debian's chromium and chromium-driver) driven by Selenium.

These run after training (scripts/test.sh, stage "browser tests").
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from servers import free_port, post_json, start_action_server, stop, wait_until

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "nz-trafficking-help.tar.gz"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
API_TOKEN = uuid.uuid4().hex


class NeutralSite:
    """Stands in for the neutral site that quick exit goes to."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                body = f"<!doctype html><title>Weather</title><h1>Weather {self.path}</h1>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def neutral_site():
    site = NeutralSite()
    yield site
    site.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, neutral_site):
    """URLs of the running Rasa server and web page, with everything stopped after."""
    assert MODEL.is_file(), "train first: scripts/train.sh"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    actions, actions_url = start_action_server({"REFERRAL_URL": "", "REFERRAL_SECRET": ""})
    endpoints = tmp_path_factory.mktemp("stack") / "endpoints.yml"
    endpoints.write_text(
        (ROOT / "endpoints.yml").read_text().replace(
            "http://localhost:5055/webhook", f"{actions_url}/webhook"
        )
    )
    rasa_port, web_port = free_port(), free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    processes = [actions]
    try:
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", str(MODEL),
             "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
             "--port", str(rasa_port), "--cors", web_url,
             # The HTTP API, only here, so that tests can look at the stored conversation.
             "--enable-api", "--auth-token", API_TOKEN],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "bot.web.server", "--port", str(web_port),
             "--rasa-url", rasa_url, "--exit-url", f"{neutral_site.url}/exit"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        wait_until(lambda: urllib.request.urlopen(web_url, timeout=2).status == 200, 60, "web page")
        wait_until(
            lambda: post_json(f"{rasa_url}/webhooks/webchat/webhook",
                              {"sender": uuid.uuid4().hex, "message": "kia ora"})[0] == 200,
            240, "Rasa server",
        )
        yield {"rasa": rasa_url, "web": web_url, "token": API_TOKEN}
    finally:
        for process in reversed(processes):
            stop(process)


def chromium_options(width: int, height: int, user_data: Path):
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions",
        f"--user-data-dir={user_data}", f"--window-size={width},{height}",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return options


@pytest.fixture
def browser_factory(tmp_path):
    """Start headless Chromium at a given window size; all are quit after the test."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), (
        "install Debian's chromium and chromium-driver (scripts/setup.sh browser)"
    )
    drivers = []

    def start(width: int = 1280, height: int = 900):
        user_data = tmp_path / f"chromium-{len(drivers)}"
        driver = webdriver.Chrome(
            service=Service(executable_path=CHROMEDRIVER),
            options=chromium_options(width, height, user_data),
        )
        driver.set_page_load_timeout(60)
        # Headless Chromium keeps windows at least 500 px wide: emulate the exact
        # viewport (a phone is 360 px wide) so that layouts are tested at that size.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500,
        })
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture
def browser(browser_factory):
    return browser_factory()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
