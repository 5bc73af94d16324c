"""The three records services alike: the findings they answer, and what they refuse.

Institutions, accountability and activities link findings of their own inspection only,
record the finding ids in the audit entry, and refuse bad input with a field-keyed Chinese
message before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import FindingFactory, InspectionFactory, PersonFactory, UserFactory
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_verify
from zhenggai.ledger.models import Finding, Inspection
from zhenggai.records.choices import AccountabilityForm, ActivityKind
from zhenggai.records.models import Accountability, Activity, Institution
from zhenggai.records.selectors import activity_list
from zhenggai.records.services import (
    DECIDED_ON_IN_FUTURE,
    FINDING_NOT_IN_INSPECTION,
    HELD_ON_IN_FUTURE,
    HELD_ON_REQUIRED,
    ISSUED_ON_IN_FUTURE,
    NAME_REQUIRED,
    PARTICIPANTS_POSITIVE,
    PERSON_NAME_MISMATCH,
    PERSON_NAME_REQUIRED,
    TITLE_REQUIRED,
    accountability_record,
    activity_record,
    institution_record,
)

pytestmark = pytest.mark.django_db

#: 2026-09-01 10:00 in Shanghai; "today" for the date checks below.
MOMENT = dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 9, 1)


def user_with(role: str, organisation: Organisation) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def inspection() -> Inspection:
    return InspectionFactory()


def _record_institution(
    inspection: Inspection, actor: User, findings: Iterable[Finding | int] = (), **kw: Any
) -> Institution:
    fields: dict[str, Any] = {"name": "公务用车管理办法", "issued_on": dt.date(2026, 8, 1)}
    return institution_record(
        inspection=inspection, actor=actor, findings=findings, **{**fields, **kw}
    )


def _record_accountability(
    inspection: Inspection, actor: User, findings: Iterable[Finding | int] = (), **kw: Any
) -> Accountability:
    fields: dict[str, Any] = {
        "person_name": "王伟",
        "form": AccountabilityForm.ADMONITION_TALK,
        "decided_on": dt.date(2026, 8, 10),
    }
    return accountability_record(
        inspection=inspection, actor=actor, findings=findings, **{**fields, **kw}
    )


def _record_activity(
    inspection: Inspection, actor: User, findings: Iterable[Finding | int] = (), **kw: Any
) -> Activity:
    fields: dict[str, Any] = {
        "kind": ActivityKind.WARNING_EDUCATION,
        "title": "公车私用典型案例警示教育会",
        "held_on": dt.date(2026, 8, 20),
        "participants": 86,
    }
    return activity_record(
        inspection=inspection, actor=actor, findings=findings, **{**fields, **kw}
    )


Record = Callable[..., Institution | Accountability | Activity]
#: service name → (call, role that may, audit action)
SERVICES: dict[str, tuple[Record, str, str]] = {
    "institution": (_record_institution, Role.OFFICE, "institution.record"),
    "accountability": (_record_accountability, Role.SUPERVISOR, "accountability.record"),
    "activity": (_record_activity, Role.OFFICE, "activity.record"),
}
RECORD_MODELS = (Institution, Accountability, Activity)


def _nothing_written() -> None:
    assert not AuditEntry.objects.exists()
    for model in RECORD_MODELS:
        assert not model.objects.exists()
        assert not model.findings.through.objects.exists()  # type: ignore[attr-defined]


def _actor(service: str, inspection: Inspection) -> User:
    return user_with(SERVICES[service][1], inspection.organisation)


# --- the findings a record answers -------------------------------------------------------------


def test_an_activity_links_the_findings_it_answers_and_audits_their_ids(
    inspection: Inspection,
) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    findings = [FindingFactory(inspection=inspection) for _ in range(3)]
    # Given in no particular order, as a Finding or an id; the entry lists ids in order.
    activity = _record_activity(
        inspection, office, findings=[findings[2].pk, findings[0], findings[2]]
    )
    assert set(activity.findings.all()) == {findings[0], findings[2]}
    assert list(findings[0].activities.all()) == [activity]
    assert not findings[1].activities.exists()
    entry = AuditEntry.objects.get(action="activity.record")
    assert entry.object_id == str(activity.pk)
    assert entry.after["findings"] == sorted([findings[0].pk, findings[2].pk])
    assert entry.after["held_on"] == "2026-08-20"
    assert entry.after["participants"] == 86
    assert audit_verify().ok


def test_an_activity_may_answer_no_particular_finding(inspection: Inspection) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    FindingFactory(inspection=inspection)
    activity = _record_activity(inspection, office)
    assert not activity.findings.exists()
    assert AuditEntry.objects.get(action="activity.record").after["findings"] == []


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_audit_lists_finding_ids_in_id_order(inspection: Inspection, service: str) -> None:
    call, _, action = SERVICES[service]
    # Created so that the ledger's order (problem, sort order) is not the id order.
    first = FindingFactory(inspection=inspection, sort_order=1)
    second = FindingFactory(problem=first.problem, sort_order=0)
    assert list(Finding.objects.filter(problem=first.problem)) == [second, first]
    call(inspection, _actor(service, inspection), findings=[second, first])
    assert AuditEntry.objects.get(action=action).after["findings"] == [first.pk, second.pk]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_finding_of_another_inspection_is_refused_and_nothing_is_written(
    inspection: Inspection, service: str
) -> None:
    call, _, _ = SERVICES[service]
    own = FindingFactory(inspection=inspection)
    foreign = FindingFactory()
    with pytest.raises(ValidationError) as info:
        call(inspection, _actor(service, inspection), findings=[own, foreign])
    assert info.value.message_dict == {
        "findings": [FINDING_NOT_IN_INSPECTION.format(ids=str(foreign.pk))]
    }
    _nothing_written()


def test_an_unknown_finding_id_is_refused(inspection: Inspection) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    with pytest.raises(ValidationError) as info:
        _record_activity(inspection, office, findings=[987654])
    assert info.value.message_dict["findings"] == [FINDING_NOT_IN_INSPECTION.format(ids="987654")]
    _nothing_written()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_refused_role_is_refused_before_its_findings_are_looked_at(
    inspection: Inspection, service: str
) -> None:
    call, _, _ = SERVICES[service]
    foreign = FindingFactory()
    with pytest.raises(PermissionDenied, match="您没有权限执行此操作"):
        call(inspection, user_with(Role.UNIT, inspection.organisation), findings=[foreign])
    _nothing_written()


def test_the_activity_list_fetches_findings_in_a_constant_number_of_queries(
    inspection: Inspection,
) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    findings = [FindingFactory(inspection=inspection) for _ in range(2)]

    def list_with_findings() -> tuple[int, list[list[int]]]:
        with CaptureQueriesContext(connection) as queries:
            rows = [
                [f.pk for f in a.findings.all()]
                for a in activity_list(user=office, inspection=inspection)
            ]
        return len(queries.captured_queries), rows

    _record_activity(inspection, office, findings=findings)
    one, _ = list_with_findings()
    for _ in range(4):
        _record_activity(inspection, office, findings=findings[:1])
    five, rows = list_with_findings()
    # The permission check, the activities, and one query for all their findings.
    assert five == one
    assert sorted(map(len, rows)) == [1, 1, 1, 1, 2]


# --- what each service refuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "field", "value", "message"),
    [
        ("institution", "name", "  ", NAME_REQUIRED),
        ("accountability", "person_name", " ", PERSON_NAME_REQUIRED),
        ("activity", "title", "", TITLE_REQUIRED),
        ("activity", "held_on", None, HELD_ON_REQUIRED),
        ("activity", "participants", 0, PARTICIPANTS_POSITIVE),
        ("activity", "participants", -5, PARTICIPANTS_POSITIVE),
    ],
)
def test_missing_or_impossible_values_are_refused_with_a_clear_message(
    inspection: Inspection, service: str, field: str, value: Any, message: str
) -> None:
    call, _, _ = SERVICES[service]
    with pytest.raises(ValidationError) as info:
        call(inspection, _actor(service, inspection), **{field: value})
    assert info.value.message_dict == {field: [message]}
    _nothing_written()


@pytest.mark.parametrize(
    ("service", "field", "message"),
    [
        ("institution", "issued_on", ISSUED_ON_IN_FUTURE),
        ("accountability", "decided_on", DECIDED_ON_IN_FUTURE),
        ("activity", "held_on", HELD_ON_IN_FUTURE),
    ],
)
def test_a_date_after_today_is_refused_and_today_is_accepted(
    inspection: Inspection, service: str, field: str, message: str
) -> None:
    call, _, action = SERVICES[service]
    actor = _actor(service, inspection)
    with clock.travel(MOMENT):
        with pytest.raises(ValidationError) as info:
            call(inspection, actor, **{field: TODAY + dt.timedelta(days=1)})
        assert info.value.message_dict == {field: [message]}
        _nothing_written()
        call(inspection, actor, **{field: TODAY})
    assert AuditEntry.objects.get(action=action).after[field] == TODAY.isoformat()


def test_today_is_the_date_in_shanghai_not_in_utc(inspection: Inspection) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    # 2026-09-01 17:30 UTC is already 2026-09-02 01:30 in Shanghai.
    with clock.travel(dt.datetime(2026, 9, 1, 17, 30, tzinfo=dt.UTC)):
        activity = _record_activity(inspection, office, held_on=dt.date(2026, 9, 2))
    assert activity.held_on == dt.date(2026, 9, 2)


def test_every_field_error_is_reported_at_once(inspection: Inspection) -> None:
    office = user_with(Role.OFFICE, inspection.organisation)
    foreign = FindingFactory()
    with pytest.raises(ValidationError) as info:
        _record_activity(
            inspection, office, title=" ", held_on=None, participants=0, findings=[foreign]
        )
    assert info.value.message_dict == {
        "title": [TITLE_REQUIRED],
        "held_on": [HELD_ON_REQUIRED],
        "participants": [PARTICIPANTS_POSITIVE],
        "findings": [FINDING_NOT_IN_INSPECTION.format(ids=str(foreign.pk))],
    }
    _nothing_written()


def test_a_name_that_differs_from_the_chosen_person_is_refused(inspection: Inspection) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    person = PersonFactory(organisation=inspection.organisation, name="李敏")
    with pytest.raises(ValidationError) as info:
        _record_accountability(inspection, supervisor, person_name="王伟", person=person)
    assert info.value.message_dict == {
        "person_name": [PERSON_NAME_MISMATCH.format(name="王伟", person="李敏")]
    }
    _nothing_written()
    # The chosen person's own name, typed or left empty, is accepted.
    typed = _record_accountability(inspection, supervisor, person_name=" 李敏 ", person=person)
    empty = _record_accountability(inspection, supervisor, person_name="", person=person)
    assert typed.person_name == empty.person_name == "李敏"
