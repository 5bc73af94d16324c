"""The search page: results highlighted and linked, htmx swapping only the results, the
messages of a short or fruitless query, escaping, and a query count that does not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.ledger.selectors import search as search_module
from zhenggai.ledger.selectors.search import TOO_SHORT
from zhenggai.ledger.services.search_index import search_index_rebuild

pytestmark = pytest.mark.django_db


def _office(inspection: Inspection) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    return user


def _ledger(n: int) -> tuple[Inspection, Client]:
    inspection = InspectionFactory()
    for i in range(n):
        finding = FindingFactory(inspection=inspection, text=f"第{i}项问题：精准扶贫资金管理不规范。")
        MeasureFactory(inspection=inspection, findings=[finding], no=1, marker="一是",
                       content=f"一是开展扶贫资金专项检查{i}次。")
    search_index_rebuild()
    client = Client()
    client.force_login(_office(inspection))
    return inspection, client


def test_hits_are_listed_highlighted_and_linked() -> None:
    inspection, client = _ledger(3)
    other = MeasureFactory(content="一是开展扶贫资金专项检查。")  # another organisation's
    search_index_rebuild()
    page = client.get("/search/", {"q": "扶贫"}).content.decode()
    assert page.count('data-testid="hit"') == 3
    assert "<mark" in page and ">扶贫</mark>" in page
    assert f'data-pk="{other.pk}"' not in page
    assert 'data-testid="count-m">3<' in page and 'data-testid="count-f">3<' in page
    measure = inspection.measures.first()
    assert measure is not None
    assert f'href="/measures/{measure.pk}/"' in page
    assert ">开展<mark" in page  # the marker 一是 is shown apart, not as the text's start
    findings = client.get("/search/", {"q": "扶贫", "kind": "f"}).content.decode()
    assert "精准<mark" in findings and findings.count('data-kind="f"') == 3


def test_a_capped_count_says_more_than(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "COUNT_CAP", 2)
    _, client = _ledger(3)
    page = client.get("/search/", {"q": "扶贫"}).content.decode()
    assert 'data-testid="count-m" title="超过 2 条">2+<' in page
    assert 'data-testid="count-capped"' in page and "超过 2 条，输入更多的字" in page
    assert page.count('data-testid="hit"') == 3  # the list is not capped
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    page = client.get("/search/", {"q": "扶贫"}).content.decode()
    assert 'data-testid="count-m">3<' in page and 'data-testid="count-capped"' not in page


def test_htmx_swaps_only_the_results() -> None:
    _, client = _ledger(2)
    response = client.get("/search/", {"q": "扶贫"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="search-results"') and "<html" not in body
    full = client.get("/search/", {"q": "扶贫"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in full


def test_short_empty_and_fruitless_queries_say_so() -> None:
    _, client = _ledger(1)
    assert TOO_SHORT in client.get("/search/", {"q": "扶"}).content.decode()
    empty = client.get("/search/").content.decode()
    assert 'data-testid="empty"' in empty and 'data-testid="hit"' not in empty
    none = client.get("/search/", {"q": "不存在的词"}).content.decode()
    assert "没有找到含“不存在的词”的内容" in none


def test_the_query_is_escaped() -> None:
    _, client = _ledger(1)
    page = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_anonymous_visitors_log_in_first() -> None:
    response = Client().get("/search/", {"q": "扶贫"})
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("reader", ["office", "unit"])
def test_the_query_count_does_not_grow_with_the_hits(reader: str) -> None:
    """For the office, and for a unit that leads every other measure (its findings' and
    problems' scope asked of the matches in batches)."""
    counts = []
    for n in (3, 30):
        inspection, client = _ledger(n)
        if reader == "unit":
            unit = OrganisationFactory(parent=inspection.organisation)
            mine = [m.pk for m in inspection.measures.order_by("pk")[::2]]
            Measure.objects.filter(pk__in=mine).update(lead_unit=unit)
            search_index_rebuild()
            user = UserFactory()
            RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=unit)
            client.force_login(user)
        client.get("/search/", {"q": "扶贫"})  # warm the session and caches
        for kind in ("m", "f"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/search/", {"q": "扶贫", "kind": kind})
            assert response.status_code == 200
            readable = (n + 1) // 2 if reader == "unit" else n
            assert response.content.decode().count('data-testid="hit"') == min(
                readable, search_module.PAGE_SIZE
            )
            counts.append((kind, len(queries)))
    assert counts[:2] == counts[2:]
