"""The leading group page (views/leading_group.py): lines saved through leading_group_set,
the service's refusals above the lines with everything kept, IDOR, refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import PersonFactory
from tests.web.world import World, build_world
from zhenggai.accounts.models import Person
from zhenggai.ledger.choices import LeadingGroupRole
from zhenggai.ledger.models import LeadingGroupMember
from zhenggai.ledger.services.plan import LEADING_GROUP_DUPLICATE, LEADING_GROUP_NEEDS_LEADER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w() -> World:
    return build_world()


def as_(w: World, role: str) -> Client:
    client = Client()
    found = w.users[role]
    assert found is not None
    client.force_login(found)
    return client


def lines(*rows: tuple[Person | None, str, str], principal: Person | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "60",
        "principal_leader": principal.pk if principal else "",
    }
    for i, (person, role, duty) in enumerate(rows):
        data[f"form-{i}-person"] = person.pk if person else ""
        data[f"form-{i}-role"] = role
        data[f"form-{i}-duty"] = duty
    return data


def url(w: World) -> str:
    return f"/inspections/{w.inspection.pk}/plan/leading-group/"


def test_the_office_sets_the_group_and_the_first_leader_is_principal(w: World) -> None:
    head = PersonFactory(organisation=w.committee, name="张书记")
    deputy = PersonFactory(organisation=w.unit_a, name="李副局长")
    office = as_(w, "office")
    assert 'data-testid="form-leading-group"' in office.get(url(w)).content.decode()
    response = office.post(url(w), lines(
        (head, LeadingGroupRole.LEADER, "全面负责"), (deputy, LeadingGroupRole.DEPUTY_LEADER, ""),
        (None, LeadingGroupRole.MEMBER, ""),
    ))
    assert response.status_code == 302
    rows = list(LeadingGroupMember.objects.filter(inspection=w.inspection).order_by("sort_order"))
    assert [(r.person, r.role, r.duty) for r in rows] == [
        (head, "leader", "全面负责"), (deputy, "deputy_leader", "")]
    w.inspection.refresh_from_db()
    assert w.inspection.principal_leader == head
    # The form shows the group as saved.
    page = office.get(url(w)).content.decode()
    assert f'<option value="{head.pk}" selected>' in page


def test_refusals_of_the_service_keep_the_lines(w: World) -> None:
    member = PersonFactory(organisation=w.committee, name="王成员")
    no_leader = as_(w, "office").post(url(w), lines((member, LeadingGroupRole.MEMBER, "联络")))
    assert no_leader.status_code == 400
    page = no_leader.content.decode()
    assert LEADING_GROUP_NEEDS_LEADER in page
    assert f'<option value="{member.pk}" selected>' in page and 'value="联络"' in page
    twice = as_(w, "office").post(url(w), lines(
        (member, LeadingGroupRole.LEADER, ""), (member, LeadingGroupRole.LEADER, "")))
    assert twice.status_code == 400
    assert LEADING_GROUP_DUPLICATE.format(person="王成员", role="组长") in twice.content.decode()
    assert not LeadingGroupMember.objects.exists()


def test_a_person_of_another_organisation_is_refused_and_nothing_written(w: World) -> None:
    outsider = PersonFactory(organisation=w.foreign.organisation)
    response = as_(w, "office").post(url(w), lines((outsider, LeadingGroupRole.LEADER, "")))
    assert response.status_code == 400 and "请选择列出的人员" in response.content.decode()
    assert not LeadingGroupMember.objects.exists()
    foreign = f"/inspections/{w.foreign.pk}/plan/leading-group/"
    assert as_(w, "office").post(foreign, lines((outsider, "leader", ""))).status_code == 404
    assert not LeadingGroupMember.objects.exists()


def test_only_the_office_manages_the_group(w: World) -> None:
    head = PersonFactory(organisation=w.committee)
    leader = as_(w, "leader").post(url(w), lines((head, LeadingGroupRole.LEADER, "")))
    assert leader.status_code == 403 and "编制整改方案" in leader.content.decode()
    assert as_(w, "unit_a").get(url(w)).status_code == 404
    assert not LeadingGroupMember.objects.exists()
