"""The bulk page (web/views/bulk.py) and the ledger's checkboxes: choose → preview → confirm,
errors beside the field or listed per row with status 400 and the selection kept, forged
ids 404, oversized selections refused, a constant number of queries for the preview."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import FindingFactory, MeasureFactory, PersonFactory
from tests.web.world import World, build_world
from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import Measure
from zhenggai.ledger.services.corrections import REASON_REQUIRED
from zhenggai.ledger.services.plan import MEASURE_CLOSED, MEASURE_STALE, plan_approve, plan_create
from zhenggai.urging.models import Reminder
from zhenggai.urging.services.manual import NOBODY

pytestmark = pytest.mark.django_db
URL = "/ledger/bulk/"
NEXT = "/ledger/?unit=1"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return build_world()


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def office(w: World) -> Client:
    return client_of(w.users["office"])


def post(w: World, ids: list[int], step: str = "choose", **data: Any) -> Any:
    return office(w).post(URL, {"ids": ids, "step": step, "next": NEXT, **data})


def hidden_ids(html: str) -> set[int]:
    return {int(v) for v in re.findall(r'name="ids" value="(\d+)"', html)}


def test_the_ledger_gives_the_office_checkboxes_and_the_bar(w: World) -> None:
    html = office(w).get("/ledger/").content.decode()
    assert html.count('data-testid="bulk-check"') == 3
    assert 'form="ledger-bulk"' in html and 'id="ledger-bulk"' in html
    assert 'action="/ledger/bulk/"' in html
    unit = client_of(w.users["unit_a"]).get("/ledger/").content.decode()
    assert 'data-testid="bulk-check"' not in unit and 'id="ledger-bulk"' not in unit


def test_choose_asks_for_the_value_and_lists_the_rows(w: World) -> None:
    response = post(w, [w.measure_a.pk, w.measure_b.pk], action="unit")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="bulk-row"') == 2
    assert 'name="lead_unit"' in html and "环卫所" in html and "市政所" in html
    assert 'name="deadline"' not in html  # only the chosen action's field
    assert hidden_ids(html) == {w.measure_a.pk, w.measure_b.pk}


def test_a_missing_value_is_said_beside_its_field_and_the_selection_kept(w: World) -> None:
    response = post(w, [w.measure_a.pk, w.measure_b.pk], "preview", action="person")
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_responsible_person_errors"[^>]*>请选择责任人<', html)
    assert hidden_ids(html) == {w.measure_a.pk, w.measure_b.pk}


def test_preview_shows_each_row_now_and_after_then_confirm_applies(w: World) -> None:
    ids = [w.measure_a.pk, w.measure_b.pk]
    preview = post(w, ids, "preview", action="unit", lead_unit=w.unit_b.pk)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-testid="bulk-confirm"' in html and "确认修改 2 条" in html
    assert "<del class=\"text-body-secondary\">环卫所</del>" in html  # measure A's unit now
    assert html.count("<ins class=\"text-decoration-none fw-semibold\">市政所</ins>") == 2
    assert not AuditEntry.objects.filter(action="measure.update").exists()  # nothing yet
    client = office(w)  # the message waits in this client's session
    done = client.post(URL, {"ids": ids, "step": "confirm", "next": NEXT, "action": "unit",
                             "lead_unit": w.unit_b.pk})
    assert done.status_code == 302 and done["Location"] == NEXT
    assert {m.lead_unit_id for m in Measure.objects.filter(pk__in=ids)} == {w.unit_b.pk}
    assert AuditEntry.objects.filter(action="measure.update").count() == 1  # B's was B already
    page = client.get(NEXT).content.decode()
    assert "已调整责任单位：2 条整改措施。" in page


def test_a_row_the_service_refuses_is_listed_and_nothing_is_written(w: World) -> None:
    Measure.objects.filter(pk=w.measure_b.pk).update(state=MeasureState.CLOSED, closed_at=clock.now())
    ids = [w.measure_a.pk, w.measure_b.pk]
    response = post(w, ids, "confirm", action="unit", lead_unit=w.unit_b.pk)
    html = response.content.decode()
    assert response.status_code == 400
    errors = re.findall(r'data-testid="bulk-row-error">(.*?)</li>', html, re.S)
    assert len(errors) == 1 and MEASURE_CLOSED in errors[0]
    assert hidden_ids(html) == set(ids)
    assert f'value="{w.unit_b.pk}" selected' in html  # the chosen unit kept
    assert Measure.objects.get(pk=w.measure_a.pk).lead_unit_id == w.unit_a.pk
    assert not AuditEntry.objects.filter(action="measure.update").exists()


def test_after_approval_the_reason_is_asked_beside_its_field(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.users["office"])
    plan_approve(plan=plan, actor=w.users["leader"])
    ids = [w.measure_a.pk, w.measure_b.pk]
    response = post(w, ids, "confirm", action="leader",
                    responsible_leader=w.measure_b.responsible_leader_id)
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_reason_errors"[^>]*>' + REASON_REQUIRED, html)
    assert 'data-testid="bulk-row-errors"' not in html  # said once, not per row
    done = post(w, ids, "confirm", action="leader", reason="征求意见后调整分工",
                responsible_leader=w.measure_b.responsible_leader_id)
    assert done.status_code == 302
    assert Measure.objects.get(pk=w.measure_a.pk).responsible_leader_id == (
        w.measure_b.responsible_leader_id)


@pytest.mark.parametrize("forged", ["foreign", "missing", "garbage"])
def test_forged_ids_are_not_found_and_nothing_is_written(w: World, forged: str) -> None:
    extra: Any = {"foreign": w.foreign_measure.pk, "missing": 999999, "garbage": "1 OR 1"}[forged]
    response = office(w).post(URL, {"ids": [w.measure_a.pk, extra], "step": "confirm",
                                    "action": "unit", "lead_unit": w.unit_b.pk})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="measure.update").exists()


def test_more_than_500_rows_are_refused_with_a_message(w: World) -> None:
    response = post(w, list(range(1, 502)), action="unit")
    assert response.status_code == 400
    assert "一次最多处理 500 条，已选 501 条" in response.content.decode()
    assert post(w, [], action="unit").status_code == 400


def test_rows_the_user_may_not_change_are_named(w: World) -> None:
    response = client_of(w.users["leader"]).post(
        URL, {"ids": [w.measure_a.pk], "action": "unit", "step": "confirm",
              "lead_unit": w.unit_b.pk})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="bulk-refused-row"' in html and "您无权修改" in html
    assert Measure.objects.get(pk=w.measure_a.pk).lead_unit_id == w.unit_a.pk


def test_the_return_address_stays_on_the_ledger(w: World) -> None:
    response = office(w).post(URL, {"ids": [w.measure_b.pk], "step": "confirm", "action": "unit",
                                    "lead_unit": w.unit_a.pk, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/ledger/"


def test_reminders_name_the_rows_nobody_can_be_reminded_of(w: World) -> None:
    response = post(w, [w.measure_b.pk], "confirm", action="remind")
    assert response.status_code == 400
    assert NOBODY in response.content.decode()
    assert not Reminder.objects.exists()
    Measure.objects.filter(pk=w.measure_b.pk).update(
        responsible_person=PersonFactory(organisation=w.unit_b, email="li@example.cn"))
    preview = post(w, [w.measure_b.pk], "preview", action="remind")
    assert preview.status_code == 200 and "确认提醒 1 条" in preview.content.decode()
    assert post(w, [w.measure_b.pk], "confirm", action="remind").status_code == 302
    assert Reminder.objects.filter(measure=w.measure_b).count() == 1


def _preview_queries(w: World, ids: list[int]) -> int:
    client = office(w)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(URL, {"ids": ids, "step": "preview", "action": "person",
                                     "responsible_person": w.measure_a.responsible_person_id})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_preview_runs_a_constant_number_of_queries(w: World) -> None:
    small = _preview_queries(w, [w.measure_a.pk, w.measure_b.pk])
    more = [MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a,
                           findings=[FindingFactory(inspection=w.inspection)]).pk
            for _ in range(10)]
    assert _preview_queries(w, [w.measure_a.pk, w.measure_b.pk, *more]) == small


def test_a_row_changed_since_the_preview_is_named_not_overwritten(w: World) -> None:
    ids = [w.measure_a.pk, w.measure_b.pk]
    preview = post(w, ids, "preview", action="unit", lead_unit=w.unit_b.pk).content.decode()
    versions = re.findall(r'name="version" value="([\d:]+)"', preview)
    assert len(versions) == 2
    Measure.objects.filter(pk=w.measure_a.pk).update(version=99)  # someone saved meanwhile
    response = post(w, ids, "confirm", action="unit", lead_unit=w.unit_b.pk, version=versions)
    html = response.content.decode()
    assert response.status_code == 400
    [error] = re.findall(r'data-testid="bulk-row-error">(.*?)</li>', html, re.S)
    assert MEASURE_STALE in error
    assert Measure.objects.get(pk=w.measure_a.pk).lead_unit_id == w.unit_a.pk


def test_an_unknown_action_is_said_beside_the_action_field(w: World) -> None:
    response = post(w, [w.measure_a.pk], action="delete")
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_action_errors"[^>]*>请选择列表中的批量操作<', html)
    assert hidden_ids(html) == {w.measure_a.pk}
