"""The effectiveness evaluation page (views/evaluation.py): the supervisor scores the
configured indicators, the total and grade come from the service; errors beside the
indicator they name (400, nothing lost or written); refusals with the reason; IDOR."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.web.world import World, build_world
from zhenggai.accounts.models import User
from zhenggai.ledger.models import EffectivenessEvaluation
from zhenggai.ledger.services.evaluation import (
    DEDUCTION_NEEDS_REASON,
    DEDUCTION_OUT_OF_RANGE,
    configured_indicators,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> World:
    return build_world()


def client_of(w: World, role: str) -> Client:
    client = Client()
    user = w.users[role]
    assert isinstance(user, User)
    client.force_login(user)
    return client


def url(w: World) -> str:
    return f"/inspections/{w.inspection.pk}/evaluation/"


def field_errors(page: str, name: str) -> str:
    found = re.search(rf'id="id_{name}_errors"[^>]*>(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def test_form_lists_the_configured_indicators(w: World) -> None:
    page = client_of(w, "supervisor").get(url(w)).content.decode()
    codes = re.findall(r'data-testid="indicator" data-code="([^"]+)"', page)
    assert codes == [i.code for i in configured_indicators()]
    assert 'data-testid="empty"' in page


def test_supervisor_records_and_the_service_computes_total_and_grade(w: World) -> None:
    client = client_of(w, "supervisor")
    first, second = configured_indicators()[:2]
    response = client.post(url(w), {
        f"deduction_{first.code}": "8", f"reason_{first.code}": "部署迟缓",
        f"deduction_{second.code}": "5.5", f"reason_{second.code}": "两项未完成",
        "reasons": "总体较好。",
    })
    assert response.status_code == 302
    evaluation = EffectivenessEvaluation.objects.get()
    assert evaluation.total == Decimal("86.5") and evaluation.grade == "fairly_good"
    page = client_of(w, "inspector").get(url(w)).content.decode()
    assert "86.5" in page and "较好" in page and "部署迟缓" in page
    assert 'data-testid="evaluation-form"' not in page
    # The latest evaluation is shown on the inspection's page.
    inspection_page = client.get(f"/inspections/{w.inspection.pk}/").content.decode()
    assert "86.5" in inspection_page
    assert re.search(r'data-testid="evaluation-grade">较好<', inspection_page)


def test_errors_beside_the_indicator_with_400_and_nothing_lost(w: World) -> None:
    first, second = configured_indicators()[:2]
    response = client_of(w, "supervisor").post(url(w), {
        f"deduction_{first.code}": "3",  # no reason
        f"deduction_{second.code}": "99", f"reason_{second.code}": "太多",
        "reasons": "保留的意见",
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert DEDUCTION_NEEDS_REASON.format(label=first.label) in field_errors(
        page, f"reason_{first.code}")
    assert DEDUCTION_OUT_OF_RANGE.split("{", 1)[0] + second.label in field_errors(
        page, f"deduction_{second.code}")
    assert "保留的意见" in page and 'value="太多"' in page
    assert not EffectivenessEvaluation.objects.exists()


def test_a_bad_number_is_refused_beside_its_field(w: World) -> None:
    first = configured_indicators()[0]
    response = client_of(w, "supervisor").post(url(w), {f"deduction_{first.code}": "八"})
    assert response.status_code == 400
    assert field_errors(response.content.decode(), f"deduction_{first.code}")
    assert not EffectivenessEvaluation.objects.exists()


def test_others_are_refused_with_the_reason(w: World) -> None:
    office = client_of(w, "office").post(url(w), {"reasons": "代评"})
    assert office.status_code == 403 and "整改成效评估" in office.content.decode()
    unit = client_of(w, "unit_a").get(url(w))
    assert unit.status_code == 403 and "查看台账" in unit.content.decode()
    assert not EffectivenessEvaluation.objects.exists()


def test_another_inspection_is_404_and_nothing_written(w: World) -> None:
    response = client_of(w, "supervisor").post(f"/inspections/{w.foreign.pk}/evaluation/",
                                                {"reasons": "越权"})
    assert response.status_code == 404
    assert not EffectivenessEvaluation.objects.exists()


def test_inspection_page_links_its_pages(w: World) -> None:
    page = client_of(w, "supervisor").get(f"/inspections/{w.inspection.pk}/").content.decode()
    for testid, path in [("tool-evaluation", url(w)),
                         ("tool-formal-reports", f"/inspections/{w.inspection.pk}/formal-reports/"),
                         ("tool-records", f"/inspections/{w.inspection.pk}/records/institutions/"),
                         ("tool-urging", f"/inspections/{w.inspection.pk}/urging/")]:
        assert f'href="{path}" data-testid="{testid}"' in page
    unit_page = client_of(w, "unit_a").get(f"/inspections/{w.inspection.pk}/").content.decode()
    assert 'data-testid="tool-evaluation"' not in unit_page
    assert 'data-testid="tool-urging"' in unit_page
