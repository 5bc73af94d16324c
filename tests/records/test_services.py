"""Records services (institutions, accountability, activities) and the live figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_verify
from zhenggai.ledger.choices import FindingState, MeasureState
from zhenggai.ledger.models import Inspection
from zhenggai.records.choices import AccountabilityForm, ActivityKind
from zhenggai.records.models import Accountability, Activity, Institution
from zhenggai.records.selectors import (
    accountability_list,
    activity_list,
    institution_list,
    live_figures,
)
from zhenggai.records.services import (
    FINDING_NOT_IN_INSPECTION,
    PARTICIPANTS_REQUIRED,
    accountability_record,
    activity_record,
    institution_record,
)

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]


def user_with(role: str, organisation: Organisation) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def inspection() -> Inspection:
    return InspectionFactory()


def _institution(inspection: Inspection, actor: User) -> Institution:
    return institution_record(
        inspection=inspection, name="党委议事规则", actor=actor, issued_on=dt.date(2026, 8, 1)
    )


def _accountability(inspection: Inspection, actor: User) -> Accountability:
    return accountability_record(
        inspection=inspection,
        person_name="王伟",
        form=AccountabilityForm.ADMONITION_TALK,
        actor=actor,
    )


def _activity(inspection: Inspection, actor: User) -> Activity:
    return activity_record(
        inspection=inspection,
        kind=ActivityKind.WARNING_EDUCATION,
        title="警示教育大会",
        actor=actor,
        held_on=dt.date(2026, 7, 20),
        participants=80,
    )


SERVICES = {
    "institution": (_institution, {Role.OFFICE}),
    "accountability": (_accountability, {Role.SUPERVISOR}),
    "activity": (_activity, {Role.OFFICE}),
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_permission_matrix(inspection: Inspection, service: str, role: str) -> None:
    call, allowed = SERVICES[service]
    actor = user_with(role, inspection.organisation)
    entries = AuditEntry.objects.count()
    if role in allowed:
        call(inspection, actor)
        assert AuditEntry.objects.count() == entries + 1
    else:
        with pytest.raises(PermissionDenied, match="您没有权限执行此操作"):
            call(inspection, actor)
        assert AuditEntry.objects.count() == entries
        assert not Institution.objects.exists()
        assert not Accountability.objects.exists()
        assert not Activity.objects.exists()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_role_in_another_organisation_is_refused(inspection: Inspection, service: str) -> None:
    call, allowed = SERVICES[service]
    (role,) = allowed
    outsider = user_with(role, OrganisationFactory())
    with pytest.raises(PermissionDenied):
        call(inspection, outsider)


def test_institution_links_findings_and_is_audited(inspection: Inspection) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    findings = [FindingFactory(inspection=inspection) for _ in range(2)]
    institution = institution_record(
        inspection=inspection,
        name="  公务接待管理办法 ",
        actor=office,
        document_number="示城管〔2026〕8号",
        findings=[findings[0], findings[1].pk],
    )
    assert institution.name == "公务接待管理办法"
    assert set(institution.findings.all()) == set(findings)
    entry = AuditEntry.objects.get(action="institution.record")
    assert entry.object_id == str(institution.pk)
    assert entry.after["findings"] == sorted(f.pk for f in findings)
    assert entry.after["document_number"] == "示城管〔2026〕8号"
    assert audit_verify().ok


def test_a_finding_of_another_inspection_is_refused_and_nothing_is_written(
    inspection: Inspection,
) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    foreign = FindingFactory()
    with pytest.raises(ValidationError) as info:
        institution_record(inspection=inspection, name="制度", actor=office, findings=[foreign])
    assert info.value.message_dict["findings"] == [
        FINDING_NOT_IN_INSPECTION.format(ids=str(foreign.pk))
    ]
    assert not Institution.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_empty_name_is_refused(inspection: Inspection) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    with pytest.raises(ValidationError):
        institution_record(inspection=inspection, name="   ", actor=office)
    assert not AuditEntry.objects.exists()


def test_accountability_keeps_no_contact_details_in_the_audit(inspection: Inspection) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    person = PersonFactory(
        organisation=inspection.organisation, phone="13800138000", email="wang@example.gov.cn"
    )
    finding = FindingFactory(inspection=inspection)
    accountability = accountability_record(
        inspection=inspection,
        person_name="",
        person=person,
        form=AccountabilityForm.PARTY_DISCIPLINE,
        actor=supervisor,
        deciding_body="区纪委监委",
        findings=[finding],
    )
    assert accountability.person_name == person.name
    entry = AuditEntry.objects.get(action="accountability.record")
    assert entry.after["person"] == person.pk
    assert entry.after["findings"] == [finding.pk]
    text = str(entry.before) + str(entry.after) + entry.object_repr
    assert "13800138000" not in text and "wang@example.gov.cn" not in text


def test_activity_needs_a_participant_count(inspection: Inspection) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    with pytest.raises(ValidationError) as info:
        activity_record(
            inspection=inspection,
            kind=ActivityKind.STUDY,
            title="专题学习",
            actor=office,
            held_on=dt.date(2026, 8, 3),
        )
    assert info.value.message_dict["participants"] == [PARTICIPANTS_REQUIRED]


def test_accountability_is_visible_only_to_roles_that_may_see_it(inspection: Inspection) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    _accountability(inspection, supervisor)
    leader = user_with(Role.LEADER, inspection.organisation)
    assert [a.person_name for a in accountability_list(user=supervisor, inspection=inspection)] == [
        "王伟"
    ]
    assert accountability_list(user=leader, inspection=inspection).count() == 1
    for role in (Role.OFFICE, Role.UNIT, Role.INSPECTOR, Role.ADMIN):
        with pytest.raises(PermissionDenied, match="查看问责记录"):
            accountability_list(user=user_with(role, inspection.organisation), inspection=inspection)
    office = user_with(Role.OFFICE, inspection.organisation)
    assert institution_list(user=office, inspection=inspection).count() == 0
    assert activity_list(user=office, inspection=inspection).count() == 0
    with pytest.raises(PermissionDenied):
        institution_list(user=user_with(Role.OFFICE, OrganisationFactory()), inspection=inspection)


def test_live_figures_are_computed_from_the_ledger_and_records(
    inspection: Inspection, django_assert_max_num_queries: object
) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    findings = [FindingFactory(inspection=inspection) for _ in range(3)]
    findings[0].state = FindingState.CLOSED
    findings[0].closed_at = findings[0].created_at
    findings[0].save()
    MeasureFactory(inspection=inspection, findings=[findings[0]])
    MeasureFactory(
        inspection=inspection,
        findings=[findings[1]],
        state=MeasureState.CLOSED,
        closed_at=dt.datetime(2026, 8, 1, tzinfo=dt.UTC),
    )
    MeasureFactory(inspection=inspection, findings=[findings[2]], state=MeasureState.WATCHING,
                   watching_since=dt.datetime(2026, 8, 1, tzinfo=dt.UTC))
    _institution(inspection, office)
    _institution(inspection, office)
    _accountability(inspection, supervisor)
    # The same person in a second form is still one person held to account.
    accountability_record(
        inspection=inspection, person_name="王伟", form=AccountabilityForm.PARTY_DISCIPLINE,
        actor=supervisor,
    )
    accountability_record(
        inspection=inspection, person_name="李敏", form=AccountabilityForm.CRITICISM,
        actor=supervisor,
    )
    _activity(inspection, office)
    activity_record(inspection=inspection, kind=ActivityKind.STUDY, title="专题学习",
                    actor=office, held_on=dt.date(2026, 8, 3), participants=45)
    # Another inspection's records never count.
    other = InspectionFactory()
    MeasureFactory(inspection=other)
    Institution.objects.create(inspection=other, name="别处的制度")

    with django_assert_max_num_queries(1):  # type: ignore[operator]
        # 1: the inspection row with one scalar subquery per figure
        figures = live_figures(inspection=inspection)
    assert figures == {
        "aspects": 3,
        "problems": 3,
        "findings": 3,
        "closed_findings": 1,
        "measures": 3,
        "closed_measures": 1,
        "watching_measures": 1,
        "immediate_measures": 0,
        "long_term_measures": 0,
        # Each problem has one finding with one measure: the closed and the watched one
        # are completed, the watched one continues (持续整改).
        "completed_problems": 2,
        "continuing_problems": 1,
        "plan_revisions": 0,
        "institutions": 2,
        "accountable_people": 2,
        "activities": 2,
        "activity_participants": 125,
    }


def test_live_figures_of_an_empty_inspection_are_zero(inspection: Inspection) -> None:
    assert set(live_figures(inspection=inspection).values()) == {0}
