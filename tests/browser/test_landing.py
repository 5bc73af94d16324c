"""The landing page and login in Chromium, as a rectification office user sees them."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from zhenggai.demo.load import demo_load

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "browser-test-pw"


class LoginPage:
    """Page object for /login/ (STYLE.md: page objects and data-testid)."""

    def __init__(self, page, base_url: str) -> None:  # type: ignore[no-untyped-def]
        self.page, self.base_url = page, base_url

    def log_in(self, username: str, password: str) -> None:
        self.page.goto(f"{self.base_url}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()


def test_anonymous_visitor_is_sent_to_the_login_page(page, live_server):
    page.goto(live_server.url)
    assert "/login/" in page.url
    assert page.locator("input[name=username]").is_visible()
    screenshot(page, "landing-anonymous")


def test_office_logs_in_and_sees_the_ledger(page, live_server):
    demo_load(password=PASSWORD, source=None)
    LoginPage(page, live_server.url).log_in("office", PASSWORD)
    assert page.get_by_test_id("current-user").is_visible()
    ledger = page.get_by_test_id("ledger")
    assert ledger.is_visible()
    assert "整改措施 40" in page.get_by_test_id("state-counts").inner_text()
    assert page.get_by_test_id("measure-row").count() == 40
    screenshot(page, "landing-office")


def test_wrong_password_is_refused_in_chinese(page, live_server):
    demo_load(password=PASSWORD, source=None)
    LoginPage(page, live_server.url).log_in("office", "wrong-password")
    assert "/login/" in page.url
    assert page.get_by_test_id("current-user").count() == 0
