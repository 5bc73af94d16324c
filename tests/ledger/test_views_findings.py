"""A finding's tools (views/findings.py): key finding, scope and units, explanation and its
acceptance, reopening; the follow-up review page. Success, refusal with the reason, errors
beside the field with nothing lost, conflicts, IDOR, paging in constant queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import FindingFactory, PersonFactory
from tests.web.world import World, build_world
from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, forbidden
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import AnswerKind, FindingScope, FindingState
from zhenggai.ledger.models import Assignment, Finding, FollowUpReview
from zhenggai.ledger.services.close_out import (
    EXPIRY_IN_PAST,
    EXPLANATION_HAS_MEASURES,
    FINDING_NOT_OPEN,
    REVIEW_DATE_IN_FUTURE,
    explanation_accept,
    explanation_file,
    follow_up_review_create,
)
from zhenggai.ledger.services.key_findings import UNDER_REVIEW
from zhenggai.ledger.services.plan import COMMON_NEEDS_UNITS

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


def as_(w: World, role: str) -> Client:
    return client_of(w.users[role])


def user(w: World, role: str) -> User:
    found = w.users[role]
    assert found is not None
    return found


def bare(w: World) -> Finding:
    """A finding of the world's inspection with no measure (no close-out under way)."""
    return FindingFactory(problem=w.finding.problem)


def explained(w: World) -> Finding:
    finding = bare(w)
    return explanation_file(finding=finding, text="历史遗留，已另案处理。", actor=user(w, "office"))


def test_the_office_sees_the_tools_and_a_unit_does_not(w: World) -> None:
    page = as_(w, "office").get(f"/findings/{w.finding.pk}/").content.decode()
    assert 'data-testid="finding-tools"' in page and 'data-testid="mark-key"' in page
    assert 'data-testid="tool-scope"' in page
    assert 'data-testid="tool-explanation"' not in page  # it has measures
    unit = as_(w, "unit_a").get(f"/findings/{w.finding.pk}/").content.decode()
    assert 'data-testid="finding-tools"' not in unit


def test_mark_and_unmark_a_key_finding(w: World) -> None:
    finding = bare(w)
    office = as_(w, "office")
    assert office.post(f"/findings/{finding.pk}/key/", {"is_key": "on"}).status_code == 302
    finding.refresh_from_db()
    assert finding.is_key
    assert AuditEntry.objects.filter(action="finding.set_key", object_id=str(finding.pk)).exists()
    page = office.get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="unmark-key"' in page and 'data-testid="key-flag"' in page
    assert office.post(f"/findings/{finding.pk}/key/", {"is_key": ""}).status_code == 302
    finding.refresh_from_db()
    assert not finding.is_key


def test_key_refused_while_a_close_out_is_under_review_and_for_the_leader(w: World) -> None:
    response = as_(w, "office").post(f"/findings/{w.finding.pk}/key/", {"is_key": "on"})
    assert response.status_code == 400 and UNDER_REVIEW in response.content.decode()
    leader = as_(w, "leader").post(f"/findings/{w.finding.pk}/key/", {"is_key": "on"})
    assert leader.status_code == 403
    assert forbidden(Action.MANAGE_PLAN).args[0] in leader.content.decode()
    w.finding.refresh_from_db()
    assert not w.finding.is_key


def test_a_common_finding_gives_each_unit_its_assignments(w: World) -> None:
    url = f"/findings/{w.finding.pk}/scope/"
    form = as_(w, "office").get(url).content.decode()
    assert w.unit_a.name in form and w.unit_b.name in form
    response = as_(w, "office").post(
        url, {"scope": FindingScope.COMMON, "concerned_units": [w.unit_a.pk, w.unit_b.pk]})
    assert response.status_code == 302
    w.finding.refresh_from_db()
    assert w.finding.scope == FindingScope.COMMON
    assert set(Assignment.objects.filter(measure=w.measure_b).values_list("unit_id", flat=True)) \
        == {w.unit_a.pk, w.unit_b.pk}


def test_common_without_units_keeps_the_choice_with_the_error_beside_the_field(w: World) -> None:
    response = as_(w, "office").post(
        f"/findings/{w.finding.pk}/scope/", {"scope": FindingScope.COMMON}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="tool-scope"')
    assert 'id="id_concerned_units_errors"' in page and COMMON_NEEDS_UNITS in page
    assert 'value="common" class="form-check-input" id="id_scope_1" checked' in page \
        or ('value="common"' in page and "checked" in page)
    w.finding.refresh_from_db()
    assert w.finding.scope == FindingScope.INDIVIDUAL


def test_a_unit_of_another_organisation_is_refused_and_nothing_written(w: World) -> None:
    foreign_unit = w.foreign.organisation
    response = as_(w, "office").post(
        f"/findings/{w.finding.pk}/scope/",
        {"scope": FindingScope.COMMON, "concerned_units": [foreign_unit.pk]})
    assert response.status_code == 400 and "所选单位不属于这次巡察" in response.content.decode()
    assert not Assignment.objects.filter(unit=foreign_unit).exists()
    # Another organisation's finding: not found.
    foreign = w.foreign_measure.findings.get()
    assert as_(w, "office").post(f"/findings/{foreign.pk}/key/", {"is_key": "on"}).status_code == 404
    foreign.refresh_from_db()
    assert not foreign.is_key


def test_the_office_files_an_explanation_and_the_leader_accepts_it(w: World) -> None:
    finding = bare(w)
    office = as_(w, "office")
    assert office.post(f"/findings/{finding.pk}/explanation/",
                       {"text": "不属于本单位职责。"}).status_code == 302
    finding.refresh_from_db()
    assert finding.answer_kind == AnswerKind.EXPLAINED and finding.answer == "不属于本单位职责。"
    page = as_(w, "leader").get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="tool-accept"' in page
    approver = PersonFactory(organisation=w.committee)
    until = clock.today() + dt.timedelta(days=90)
    response = as_(w, "leader").post(f"/findings/{finding.pk}/explanation/accept/",
                                     {"approver": approver.pk, "expires_on": until.isoformat()})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED and finding.explanation_approver == approver
    # Accepted already: a second acceptance is a conflict, not a server error.
    again = as_(w, "office").post(f"/findings/{finding.pk}/explanation/accept/",
                                  {"approver": approver.pk})
    assert again.status_code == 409 and FINDING_NOT_OPEN in again.content.decode()


def test_explanation_errors_beside_their_fields(w: World) -> None:
    has_measures = as_(w, "office").post(f"/findings/{w.finding.pk}/explanation/",
                                         {"text": "情况说明。"})
    assert has_measures.status_code == 400
    assert EXPLANATION_HAS_MEASURES in has_measures.content.decode()
    assert "情况说明。" in has_measures.content.decode()  # what was typed is kept
    finding = explained(w)
    approver = PersonFactory(organisation=w.committee)
    past = as_(w, "leader").post(f"/findings/{finding.pk}/explanation/accept/",
                                 {"approver": approver.pk, "expires_on": clock.today().isoformat()})
    assert past.status_code == 400
    assert 'id="id_expires_on_errors"' in past.content.decode()
    assert EXPIRY_IN_PAST in past.content.decode()
    outsider = PersonFactory()  # a person of another organisation
    idor = as_(w, "leader").post(f"/findings/{finding.pk}/explanation/accept/",
                                 {"approver": outsider.pk})
    assert idor.status_code == 400
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN
    supervisor = as_(w, "supervisor").post(f"/findings/{finding.pk}/explanation/accept/",
                                           {"approver": approver.pk})
    assert supervisor.status_code == 403


def test_the_inspection_group_reopens_a_closed_finding_citing_a_review(w: World) -> None:
    finding = explained(w)
    approver = PersonFactory(organisation=w.committee)
    explanation_accept(finding=finding, approver_person=approver, actor=user(w, "leader"))
    review = follow_up_review_create(inspection=w.inspection, date=clock.today(),
                                     conclusion="发现反弹。", actor=user(w, "inspector"))
    page = as_(w, "inspector").get(f"/findings/{finding.pk}/").content.decode()
    assert 'data-testid="tool-reopen"' in page
    empty = as_(w, "inspector").post(f"/findings/{finding.pk}/reopen/", {"reason": ""})
    assert empty.status_code == 400 and 'id="id_reason_errors"' in empty.content.decode()
    office = as_(w, "office").post(f"/findings/{finding.pk}/reopen/", {"reason": "复查"})
    assert office.status_code == 403
    response = as_(w, "inspector").post(f"/findings/{finding.pk}/reopen/",
                                        {"reason": "回头看发现问题反弹", "review": review.pk})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN
    assert finding.reopenings.get().follow_up_review == review


def test_follow_up_reviews_are_recorded_by_the_inspection_group(w: World) -> None:
    url = f"/inspections/{w.inspection.pk}/follow-up/"
    inspector = as_(w, "inspector")
    assert 'data-testid="form-follow-up"' in inspector.get(url).content.decode()
    future = (clock.today() + dt.timedelta(days=2)).isoformat()
    bad = inspector.post(url, {"date": future, "conclusion": "整改成效巩固。"})
    assert bad.status_code == 400 and REVIEW_DATE_IN_FUTURE in bad.content.decode()
    assert 'id="id_date_errors"' in bad.content.decode() and "整改成效巩固。" in bad.content.decode()
    ok = inspector.post(url, {"date": clock.today().isoformat(), "conclusion": "整改成效巩固。"})
    assert ok.status_code == 302
    assert "整改成效巩固。" in as_(w, "office").get(url).content.decode()
    refused = as_(w, "office").post(url, {"date": clock.today().isoformat(), "conclusion": "x"})
    assert refused.status_code == 403
    assert as_(w, "unit_a").get(url).status_code == 404
    assert as_(w, "inspector").get(f"/inspections/{w.foreign.pk}/follow-up/").status_code == 404
    assert FollowUpReview.objects.count() == 1


def test_follow_up_pages_by_keyset_in_constant_queries(
    w: World, django_assert_max_num_queries: Any
) -> None:
    url = f"/inspections/{w.inspection.pk}/follow-up/"
    client = as_(w, "office")
    inspector = user(w, "inspector")

    def add(n: int) -> None:
        for i in range(n):
            follow_up_review_create(inspection=w.inspection,
                                    date=clock.today() - dt.timedelta(days=i),
                                    conclusion=f"第{i}次", actor=inspector)

    add(3)
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    add(30)
    with django_assert_max_num_queries(20) as large:
        page = client.get(url).content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)
    assert page.count('data-testid="review"') == 20 and "?cursor=" in page
    cursor = page.split("?cursor=", 1)[1].split('"', 1)[0]
    rest = client.get(url + "?cursor=" + cursor).content.decode()
    assert rest.count('data-testid="review"') == 13
    assert client.get(url + "?cursor=bad").status_code == 400


def test_explanation_file_checks_permission_text_and_state_and_is_audited(w: World) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from zhenggai.ledger.services.close_out import EXPLANATION_REQUIRED

    finding = bare(w)
    with pytest.raises(PermissionDenied):
        explanation_file(finding=finding, text="说明", actor=user(w, "leader"))
    with pytest.raises(ValidationError) as empty:
        explanation_file(finding=finding, text="  ", actor=user(w, "office"))
    assert empty.value.messages == [EXPLANATION_REQUIRED]
    before = {"answer_kind": finding.answer_kind, "answer": finding.answer}
    explanation_file(finding=finding, text="说明。", actor=user(w, "office"))
    entry = AuditEntry.objects.get(action="finding.file_explanation", object_id=str(finding.pk))
    assert entry.before == before
    assert entry.after == {"answer_kind": AnswerKind.EXPLAINED, "answer": "说明。"}
    explanation_accept(finding=finding, approver_person=PersonFactory(organisation=w.committee),
                       actor=user(w, "leader"))
    with pytest.raises(ValidationError) as closed:
        explanation_file(finding=finding, text="再改", actor=user(w, "office"))
    assert closed.value.messages == [FINDING_NOT_OPEN]
