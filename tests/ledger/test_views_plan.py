"""The plan page (views/plan.py): create, revise with a reason, the leader's approval, the
revisions' diffs in Chinese, refusals, errors beside the field, conflicts, IDOR, paging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.web.world import World, build_world
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden
from zhenggai.ledger.choices import PlanState
from zhenggai.ledger.models import PlanRevision, RectificationPlan
from zhenggai.ledger.services.plan import (
    PLAN_ALREADY_APPROVED,
    PLAN_APPROVED,
    measure_update,
    plan_approve,
    plan_create,
    plan_revise,
)
from zhenggai.ledger.services.plan.revisions import PLAN_REVISED_SINCE

pytestmark = pytest.mark.django_db


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


def user(w: World, role: str) -> User:
    found = w.users[role]
    assert found is not None
    return found


def url(w: World, step: str = "") -> str:
    return f"/inspections/{w.inspection.pk}/plan/{step + '/' if step else ''}"


def test_office_creates_the_plan(w: World) -> None:
    office = client_of(user(w, "office"))
    page = office.get(url(w)).content.decode()
    assert 'data-testid="form-create"' in page
    response = office.post(url(w, "create"), {"title": "整改方案（第一稿）"})
    assert response.status_code == 302 and response["Location"] == url(w)
    plan = RectificationPlan.objects.get(inspection=w.inspection)
    assert plan.title == "整改方案（第一稿）"
    page = office.get(url(w)).content.decode()
    assert 'data-testid="revision" data-number="1"' in page
    assert "初始版本：共 3 条整改措施" in page


def test_create_without_a_title_keeps_the_page_with_the_error_beside_the_field(w: World) -> None:
    response = client_of(user(w, "office")).post(url(w, "create"), {"title": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_title_errors"' in page and "请填写方案名称" in page
    assert not RectificationPlan.objects.exists()


def test_htmx_errors_come_back_as_the_forms_part(w: World) -> None:
    plan_create(inspection=w.inspection, title="方案", actor=user(w, "office"))
    response = client_of(user(w, "office")).post(
        url(w, "revise"), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="plan-actions"') and "请填写修订原因" in page
    assert PlanRevision.objects.count() == 1


def test_revision_with_reason_shows_its_diff_and_goes_to_the_leader(w: World) -> None:
    office = user(w, "office")
    plan = plan_create(inspection=w.inspection, title="方案", actor=office)
    measure_update(measure=w.measure_b, target="建立长效机制。", actor=office)
    response = client_of(office).post(url(w, "revise"), {"reason": "征求意见后修订"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTING
    revision = PlanRevision.objects.get(plan=plan, number=2)
    assert revision.reason == "征求意见后修订" and revision.author == office
    page = client_of(user(w, "leader")).get(url(w)).content.decode()
    assert "待审批方案" in page and 'data-testid="form-approve"' in page
    assert 'data-kind="changed"' in page and "整改目标由" in page and "建立长效机制。" in page
    assert "征求意见后修订" in page


def test_the_leader_approves_the_revision_shown(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="方案", actor=user(w, "office"))
    plan_revise(plan=plan, reason="修订", actor=user(w, "office"))
    leader = client_of(user(w, "leader"))
    assert leader.post(url(w, "approve"), {"revision": "2"}).status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and plan.approved_by == user(w, "leader")
    page = leader.get(url(w)).content.decode()
    assert 'data-testid="approved-note"' in page and 'data-testid="form-approve"' not in page


def test_approval_of_an_older_revision_is_a_conflict(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="方案", actor=user(w, "office"))
    plan_revise(plan=plan, reason="修订", actor=user(w, "office"))
    response = client_of(user(w, "leader")).post(url(w, "approve"), {"revision": "1"})
    assert response.status_code == 409
    assert PLAN_REVISED_SINCE.format(number=2) in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTING


def test_approving_twice_and_revising_after_approval_are_conflicts(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="方案", actor=user(w, "office"))
    plan_approve(plan=plan, actor=user(w, "leader"))
    again = client_of(user(w, "leader")).post(url(w, "approve"), {"revision": "1"})
    assert again.status_code == 409 and PLAN_ALREADY_APPROVED in again.content.decode()
    revise = client_of(user(w, "office")).post(url(w, "revise"), {"reason": "再改"})
    assert revise.status_code == 409 and PLAN_APPROVED in revise.content.decode()
    assert 'data-testid="reload"' in revise.content.decode()
    assert PlanRevision.objects.count() == 1


def test_the_office_may_not_approve_nor_the_leader_revise(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="方案", actor=user(w, "office"))
    office = client_of(user(w, "office")).post(url(w, "approve"), {"revision": "1"})
    assert office.status_code == 403
    assert str(forbidden(Action.APPROVE_PLAN).args[0]) in office.content.decode()
    leader = client_of(user(w, "leader")).post(url(w, "revise"), {"reason": "改"})
    assert leader.status_code == 403
    assert str(forbidden(Action.MANAGE_PLAN).args[0]) in leader.content.decode()
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and plan.revisions.count() == 1


def test_another_organisations_inspection_is_not_found_and_nothing_is_written(w: World) -> None:
    office = client_of(user(w, "office"))
    foreign = f"/inspections/{w.foreign.pk}/plan/"
    assert office.get(foreign).status_code == 404
    assert office.post(foreign + "create/", {"title": "越权"}).status_code == 404
    assert not RectificationPlan.objects.filter(inspection=w.foreign).exists()
    # A unit reads only part of the tree: the plan page is not its.
    assert client_of(user(w, "unit_a")).get(url(w)).status_code == 404


def test_revisions_page_by_keyset_in_a_constant_number_of_queries(
    w: World, django_assert_max_num_queries: Any
) -> None:
    office = user(w, "office")
    plan = plan_create(inspection=w.inspection, title="方案", actor=office)
    client = client_of(office)
    client.get(url(w))  # warm the session
    with django_assert_max_num_queries(14) as small:
        client.get(url(w))
    for i in range(11):
        plan_revise(plan=plan, reason=f"第{i}轮", actor=office)
    with django_assert_max_num_queries(14) as large:
        page = client.get(url(w)).content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert page.count('data-testid="revision"') == 10 and "?before=3" in page
    older = client.get(url(w) + "?before=3", HTTP_HX_REQUEST="true").content.decode()
    assert older.count('data-testid="revision"') == 2 and 'data-number="1"' in older


def test_plan_approve_refuses_a_revision_not_the_latest(w: World) -> None:
    plan = plan_create(inspection=w.inspection, title="方案", actor=user(w, "office"))
    plan_revise(plan=plan, reason="修订", actor=user(w, "office"))
    with pytest.raises(Exception) as caught:
        plan_approve(plan=plan, actor=user(w, "leader"), expected_revision=1)
    assert PLAN_REVISED_SINCE.format(number=2) in str(caught.value)
    assert plan_approve(plan=plan, actor=user(w, "leader"), expected_revision=2).state == "approved"


def test_the_leaders_home_lists_plans_waiting_for_approval(w: World) -> None:
    leader = client_of(user(w, "leader"))
    assert 'data-testid="plan-approvals"' not in leader.get("/").content.decode()
    plan = plan_create(inspection=w.inspection, title="待审的方案", actor=user(w, "office"))
    plan_revise(plan=plan, reason="修订", actor=user(w, "office"))
    page = leader.get("/").content.decode()
    assert 'data-testid="plan-approvals" data-total="1"' in page
    assert f'href="/inspections/{w.inspection.pk}/plan/"' in page and "待审的方案" in page
    # The office does not approve: its home has no such list.
    assert "plan-approvals" not in client_of(user(w, "office")).get("/").content.decode()


def test_a_changed_measure_lists_each_field_on_its_own_line() -> None:
    from zhenggai.ledger.selectors.plan import diff_lines

    lines = diff_lines("新增措施：“甲”\n修改措施“乙”：整改目标由“a”改为“b”；责任人由“c”改为“d”\n删除措施：“丙”")
    assert [line.kind for line in lines] == ["added", "changed", "removed"]
    assert lines[1].head == "修改措施“乙”"
    assert lines[1].parts == ["整改目标由“a”改为“b”", "责任人由“c”改为“d”"]
    assert lines[0].parts == [] and lines[0].head == "新增措施：“甲”"
