"""The homes (工作台): each role's sections, their queues and empty states, every number a
link to exactly its ledger rows, scope, bounded queries."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.test import Client

from tests.factories import FindingFactory, MeasureFactory, UserFactory
from tests.ledger.dashboard_world import Board, _grant, add_measures, build_board
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.ledger.choices import AcceptanceDecision, AcceptanceParty, CloseOutState, MeasureState
from zhenggai.ledger.models import (
    Acceptance,
    CloseOutRequest,
    Extension,
    FollowUpReview,
    Measure,
)
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.records.choices import AccountabilityForm
from zhenggai.records.models import Accountability
from zhenggai.urging.choices import Channel, ReminderKind, UrgingLevel
from zhenggai.urging.models import Reminder, UrgingNotice

pytestmark = pytest.mark.django_db

CARD = re.compile(r'href="([^"]+)" data-testid="card" data-card="[^"]*" data-count="(\d+)"')


@pytest.fixture
def board() -> Board:
    board = build_board()
    committee = board.inspection.organisation
    board.users["supervisor"] = _grant(Role.SUPERVISOR, committee, include_subtree=True)
    board.users["inspector"] = _grant(Role.INSPECTOR, committee, include_subtree=True)
    return board


def html_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    """The HTML of the element marked `data-testid=testid` (up to the next section)."""
    start = html.index(f'data-testid="{testid}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else None]


def rows_behind(user: User, link: str) -> int:
    parts = urlsplit(html_lib.unescape(link))
    assert parts.path == "/ledger/"
    return filtered_measures(user, LedgerQuery.from_querydict(QueryDict(parts.query))).count()


def request_for(
    measure: Measure, user: User, state: str = CloseOutState.PENDING
) -> CloseOutRequest:
    Measure.objects.filter(pk=measure.pk).update(
        state=MeasureState.CLOSE_REQUESTED, close_requested_at=clock.now()
    )
    return CloseOutRequest.objects.create(
        measure=measure, requested_by=user, summary="整改已完成。", state=state
    )


def key_request(board: Board) -> CloseOutRequest:
    """A close-out of a key finding the office approved: the leader's turn."""
    finding = FindingFactory(inspection=board.inspection, is_key=True)
    measure = MeasureFactory(
        inspection=board.inspection,
        findings=[finding],
        lead_unit=board.unit_a,
        content="措施重点",
        deadline=clock.today() + dt.timedelta(days=40),
    )
    return request_for(measure, board.users["unit_a"], CloseOutState.OFFICE_APPROVED)


@pytest.mark.parametrize("who", ["office", "leader", "supervisor", "unit_a", "unit_b"])
def test_every_number_on_a_home_equals_the_rows_of_the_list_it_opens(board, who):
    html = html_of(board.users[who])
    cards = CARD.findall(html)
    assert cards
    for href, count in cards:
        assert rows_behind(board.users[who], href) == int(count), href


def test_the_office_sees_its_inspection_and_the_requests_waiting_for_review(board):
    request_for(board.measures["soon"], board.users["unit_a"])
    Extension.objects.create(
        measure=board.measures["shared"],
        original_deadline=board.measures["shared"].deadline,
        new_deadline=board.measures["shared"].deadline + dt.timedelta(days=30),
        reason="施工季节受限",
        requested_by=board.users["unit_b"],
    )
    html = html_of(board.users["office"])
    office = section(html, "home-office")
    assert board.inspection.title in office
    assert f'href="/inspections/{board.inspection.pk}/dashboard/"' in office
    assert 'data-card="overdue" data-count="1"' in office
    review = section(html, "review-queue")
    assert 'data-total="1"' in review
    assert f'href="/measures/{board.measures["soon"].pk}/"' in review and "措施临期" in review
    extensions = section(html, "office-extensions")
    assert 'data-total="1"' in extensions and "措施分解" in extensions
    # The office holds no unit, leader, supervisor or inspector role.
    for other in ("home-unit", "home-leader", "home-supervisor", "home-inspector"):
        assert f'data-testid="{other}"' not in html


def test_an_empty_queue_says_nothing_is_waiting(board):
    html = html_of(board.users["office"])
    assert "没有等待审核的销号申请" in html and "没有等待审批的延期申请" in html


def test_a_unit_sees_its_measures_by_urgency_and_nothing_of_the_other_unit(board):
    html = html_of(board.users["unit_a"])
    unit = section(html, "home-unit")
    assert "环卫所的整改任务" in unit
    counts = dict(re.findall(r'data-testid="card" data-card="(\w+)" data-count="(\d+)"', unit))
    assert counts == {"overdue": "1", "due_soon": "1", "returned": "0", "stalled": "1"}
    assert "措施超期" in unit and "措施临期" in unit
    assert "没有需要处理的措施" in unit  # nothing returned to unit A
    html_b = html_of(board.users["unit_b"])
    unit_b = section(html_b, "home-unit")
    assert "措施已退回" in unit_b and "措施超期" not in html_b
    assert 'data-testid="home-office"' not in html_b


def test_the_leader_sees_key_close_outs_and_extensions_to_approve_and_the_overdue(board):
    request = key_request(board)
    request_for(board.measures["soon"], board.users["unit_a"], CloseOutState.OFFICE_APPROVED)
    html = html_of(board.users["leader"])
    approvals = section(html, "key-approvals")
    # Only the key finding's close-out waits for the leader; the other waits for nobody here.
    assert 'data-total="1"' in approvals
    assert f'href="/measures/{request.measure_id}/"' in approvals
    assert "没有等待审批的延期申请" in section(html, "extensions")
    overdue = section(html, "home-overdue")
    assert 'data-count="1"' in overdue and "措施超期" in overdue
    assert 'data-testid="home-office"' not in html


def test_the_supervisor_sees_overdue_urging_notices_and_accountability(board):
    UrgingNotice.objects.create(
        inspection=board.inspection,
        measure=board.measures["overdue"],
        unit=board.unit_a,
        level=UrgingLevel.NOTICE,
        number="督〔2026〕1号",
        issued_by=board.users["office"],
    )
    Accountability.objects.create(
        inspection=board.inspection,
        person_name="张某",
        position="科长",
        form=AccountabilityForm.ADMONITION_TALK,
        decided_on=clock.today(),
    )
    Accountability.objects.create(  # another organisation's: not shown
        inspection=MeasureFactory().inspection,
        person_name="李某",
        form=AccountabilityForm.WARNING_TALK,
    )
    for measure, step in ((board.measures["overdue"], 1), (board.measures["soon"], 0)):
        Reminder.objects.create(
            measure=measure,
            kind=ReminderKind.ESCALATION,
            step=step,
            channel=Channel.IN_APP,
            subject="督办提醒",
        )
    html = html_of(board.users["supervisor"])
    escalated = section(html, "escalated")
    # Escalated past the responsible person: the overdue one; the other was only reminded.
    assert 'data-total="1"' in escalated and "措施超期" in escalated and "措施临期" not in escalated
    supervisor = section(html, "home-supervisor")
    assert "督〔2026〕1号" in supervisor and "督办通知书" in supervisor
    assert f'href="/measures/{board.measures["overdue"].pk}/"' in supervisor
    assert "张某" in supervisor and "诫勉谈话" in supervisor and "李某" not in supervisor
    assert 'data-testid="home-overdue"' in html


def test_the_inspector_sees_acceptances_waiting_and_follow_up_reviews(board):
    request = key_request(board)
    html = html_of(board.users["inspector"])
    # The inspection needs no three-party acceptance: nothing waits for the group.
    assert "没有等待验收的销号申请" in html
    board.inspection.requires_three_party_acceptance = True
    board.inspection.save()
    FollowUpReview.objects.create(
        inspection=board.inspection,
        reviewer=board.users["inspector"],
        date=clock.today(),
        conclusion="整改成果巩固良好。",
    )
    html = html_of(board.users["inspector"])
    acceptances = section(html, "acceptances")
    assert 'data-total="1"' in acceptances
    assert f'href="/measures/{request.measure_id}/"' in acceptances
    assert "整改成果巩固良好" in section(html, "follow-ups")
    # Once the group has accepted, it no longer waits for it.
    Acceptance.objects.create(
        request=request,
        party=AcceptanceParty.INSPECTION_GROUP,
        person=board.users["inspector"],
        decision=AcceptanceDecision.ACCEPT,
    )
    assert "没有等待验收的销号申请" in html_of(board.users["inspector"])


def test_a_user_with_several_roles_sees_each_section(board):
    user = board.users["office"]
    RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=board.unit_b)
    RoleAssignment.objects.create(
        user=user,
        role=Role.SUPERVISOR,
        organisation=board.inspection.organisation,
        include_subtree=True,
    )
    html = html_of(user)
    for testid in ("home-office", "home-unit", "home-supervisor", "home-overdue"):
        assert f'data-testid="{testid}"' in html
    assert "市政所的整改任务" in html


def test_a_queue_is_bounded_and_says_how_many_more(board):
    for i in range(10):
        measure = MeasureFactory(
            inspection=board.inspection,
            findings=[board.findings[0]],
            lead_unit=board.unit_a,
            content=f"待审措施{i}",
        )
        request_for(measure, board.users["unit_a"])
    review = section(html_of(board.users["office"]), "review-queue")
    assert 'data-total="10"' in review
    assert review.count('data-testid="queue-item"') == 8
    assert "另有 2 条" in review


def test_another_organisations_queue_is_not_shown(board):
    foreign = MeasureFactory(content="外单位措施")
    request_for(foreign, UserFactory())
    html = html_of(board.users["office"])
    assert "外单位措施" not in html and foreign.inspection.title not in html


def test_a_user_without_roles_is_told_so(board):
    assert "您暂无可查看的巡察台账" in html_of(UserFactory())


@pytest.mark.parametrize("who", ["office", "unit_a", "leader", "supervisor", "inspector"])
def test_home_queries_do_not_grow_with_the_ledger(board, who, django_assert_max_num_queries):
    client = Client()
    client.force_login(board.users[who])
    add_measures(board, 5)
    # Empty queues skip their list query: both sizes have rows in every queue.
    request_for(board.measures["soon"], board.users["unit_a"])
    client.get("/")  # the holiday calendar is read once per process, then cached
    with django_assert_max_num_queries(45) as small:
        client.get("/")
    add_measures(board, 45)
    for _i in range(10):
        measure = board.inspection.measures.filter(state=MeasureState.PLANNED).first()
        assert measure is not None
        request_for(measure, board.users["unit_a"])
    with django_assert_max_num_queries(45) as large:
        client.get("/")
    assert len(large.captured_queries) == len(small.captured_queries)
