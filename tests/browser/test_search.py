"""The search in Chromium on the shared demo (issue #11's check): the office searches 整改
and every tab lists, page after page, exactly the rows the database's own substring match
(`icontains`, no index) gives within what the office may read, in ledger order, with the
word highlighted. Computed on the demo server's database through `zhenggai shell`, so the
check sees the demo as the other browser tests left it. At 1280 and 390 px, with no console
error and no failed request. Reads only; changes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import quote

from tests.browser.conftest import log_in, screenshot, watch_console
from zhenggai.ledger.selectors.search import COUNT_CAP

REFERENCE = """
import json
from django.db.models import Q
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import view_scope
from zhenggai.ledger.models import Finding, Measure, Problem
from zhenggai.ledger.selectors import search as s
from zhenggai.ledger.selectors.scope import visible_measures
user = User.objects.get(username="office")
whole = view_scope(user).whole_q(organisation="inspection__organisation", inspection="inspection")
readable = visible_measures(user).values("pk")
rows = {
    "m": Measure.objects.filter(Q(content__icontains="整改") | Q(target__icontains="整改"))
    .filter(pk__in=readable),
    "f": Finding.objects.filter(text__icontains="整改").filter(
        whole | Q(pk__in=Finding.objects.filter(measure_links__measure__in=readable).values("pk"))
    ),
    "p": Problem.objects.filter(title__icontains="整改").filter(
        whole | Q(pk__in=Problem.objects.filter(
            findings__measure_links__measure__in=readable).values("pk"))
    ),
}
print(json.dumps({k: list(s._ordered(k, rows[k]).values_list("pk", flat=True)) for k in rows}))
"""


def _reference(demo_server) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "ZHENGGAI_DATA_DIR": str(demo_server.data_dir),
           "DJANGO_SETTINGS_MODULE": "zhenggai.settings"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "zhenggai", "shell", "-c", REFERENCE], env=env,
                          check=True, capture_output=True, text=True)
    return {k: list(v) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def _pages(pg, url: str) -> list[int]:  # type: ignore[no-untyped-def]
    """Every hit of one tab, following 下一页 to the end."""
    found: list[int] = []
    pg.goto(url)
    while True:
        hits = pg.get_by_test_id("hit")
        found += [int(pk) for pk in hits.evaluate_all("els => els.map(e => e.dataset.pk)")]
        more = pg.get_by_test_id("next-page")
        if more.count() == 0:
            return found
        with pg.expect_navigation():
            more.click()


def test_a_search_for_zhenggai_returns_the_substring_reference(page, phone, demo_server):
    problems = watch_console(page)
    reference = _reference(demo_server)
    assert sum(len(v) for v in reference.values()) > 0
    log_in(page, demo_server, "office")
    page.goto(f"{demo_server.url}/search/")
    page.get_by_test_id("search-q").fill("整改")
    with page.expect_navigation():
        page.get_by_test_id("search-q").press("Enter")
    results = page.get_by_test_id("search-results")
    results.get_by_test_id("hit").first.wait_for()
    marks = results.locator("mark").all_inner_texts()
    assert marks and set(marks) == {"整改"}
    screenshot(page, "search-desktop")
    for kind, expected in reference.items():
        badge = page.get_by_test_id(f"count-{kind}").inner_text()
        assert badge.rstrip("+") == str(min(len(expected), COUNT_CAP)), (kind, badge)
        url = f"{demo_server.url}/search/?q={quote('整改')}&kind={kind}"
        assert _pages(page, url) == expected, kind
    assert problems == []

    phone_problems = watch_console(phone)
    log_in(phone, demo_server, "office")
    phone.goto(f"{demo_server.url}/search/?q={quote('整改')}")
    assert phone.get_by_test_id("hit").count() > 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(phone, "search-phone")
    assert phone_problems == []
