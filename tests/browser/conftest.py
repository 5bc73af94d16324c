"""Playwright on Debian's Chromium (never a downloaded browser), against one shared server.

The browser tests share ONE server and ONE demo database for the whole run (`demo_server`):
a temporary data folder, `zhenggai migrate`, `holidays seed` and `demo` run once, then
`runserver` serves it in a subprocess, as `make run` would. Tests act through the pages as
users do and read results from the pages; a test that changes data uses its own objects
(or runs last in its module) so that the others see the demo as loaded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ZHENGGAI_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
SCREENSHOTS = Path(os.environ.get("ZHENGGAI_SCREENSHOTS", "/tmp/zhenggai-screenshots"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run scripts/bootstrap.sh --test")
    # Django's async-unsafe check trips over Playwright's event loop in the same thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


#: The demo users' password in the shared server.
DEMO_PASSWORD = "browser-demo-pw"
#: The widths every page is looked at (desktop, phone).
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@dataclass(frozen=True)
class DemoServer:
    url: str
    data_dir: Path
    password: str = DEMO_PASSWORD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The demo, loaded once, served by a subprocess for every browser test of the run."""
    data_dir = Path(tempfile.mkdtemp(prefix="zhenggai-browser-"))
    env = {
        **os.environ,
        "ZHENGGAI_DATA_DIR": str(data_dir),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "zhenggai.settings",
        "AXES_FAILURE_LIMIT": "50",
    }
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "zhenggai"]
    for args in (["migrate", "--no-input"], ["holidays", "seed"],
                 ["demo", "--password", DEMO_PASSWORD]):
        subprocess.run([*run, *args], env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [*run, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError((data_dir / "server.log").read_text()) from None
            time.sleep(0.2)
    try:
        yield DemoServer(f"http://127.0.0.1:{port}", data_dir)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A page at phone width (390 px), touch and all."""
    width, height = WIDTHS["phone"]
    context = browser.new_context(
        locale="zh-CN", viewport={"width": width, "height": height}, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )
    pg = context.new_page()
    yield pg
    context.close()


def log_in(page, server: DemoServer, username: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form, as a user does."""
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


#: The demo's inspection is the first the demo server's database holds; browser tests add
#: others to the same committee (the import wizard's seed, the Excel import's sheet), some
#: with a later feedback date, so "the first row of the list" is not always the demo's.
DEMO_INSPECTION_PK = 1


def open_demo_inspection(page, server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    """The inspection list → the demo's inspection, by its link as a user clicks it."""
    page.goto(f"{server.url}/inspections/")
    row = page.get_by_test_id("inspection-row").filter(
        has=page.locator(f'a[href$="/inspections/{DEMO_INSPECTION_PK}/"]')
    )
    row.locator("a").first.click()
    page.wait_for_load_state()


def watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Collect console errors and failed requests (404s included) of `page`."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return problems


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
