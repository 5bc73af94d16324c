"""Bulk corrections (services/bulk.py): every selected row through `measure_correct`, all or
nothing, each row audited; rows the user may not change refused by name; forged ids and
oversized selections refused before anything is read or written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    ProblemFactory,
    UserFactory,
)
from zhenggai import clock
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import MeasureState, Urgency
from zhenggai.ledger.models import Inspection, Measure, PlanRevision, RectificationPlan
from zhenggai.ledger.selectors.bulk import MAX_BULK_ROWS, SelectionNotFound, bulk_rows
from zhenggai.ledger.services.bulk import (
    NOTHING_SELECTED,
    TOO_MANY,
    BulkInvalid,
    BulkRefused,
    measures_bulk_correct,
)
from zhenggai.ledger.services.corrections import UNIT_OUTSIDE, measure_correct
from zhenggai.ledger.services.plan import MEASURE_CLOSED, plan_approve, plan_create

pytestmark = pytest.mark.django_db


def grant(user: User, role: str, organisation: Organisation) -> User:
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation,
                                  include_subtree=True)
    return user


@dataclass
class World:
    committee: Organisation
    unit_a: Organisation
    unit_b: Organisation
    inspection: Inspection
    measures: list[Measure]
    office: User
    other: Inspection  # another committee's: the office reads it as inspector only
    other_measure: Measure


def _measures(inspection: Inspection, unit: Organisation, count: int, start: int = 1) -> list[Measure]:
    problem = ProblemFactory(inspection=inspection, no=start)
    out = []
    for i in range(count):
        finding = FindingFactory(problem=problem, no=i + 1)
        out.append(MeasureFactory(inspection=inspection, lead_unit=unit, findings=[finding],
                                  no=1, content=f"第{start}-{i + 1}项整改措施内容。"))
    return out


@pytest.fixture
def w() -> World:
    committee = OrganisationFactory(name="城管局党委", kind=OrganisationKind.COMMITTEE)
    unit_a = OrganisationFactory(parent=committee, name="执法大队")
    unit_b = OrganisationFactory(parent=committee, name="环卫所")
    inspection = InspectionFactory(organisation=committee)
    office = grant(UserFactory(), Role.OFFICE, committee)
    other_committee = OrganisationFactory(name="水务局党委", kind=OrganisationKind.COMMITTEE)
    grant(office, Role.INSPECTOR, other_committee)
    other = InspectionFactory(organisation=other_committee)
    return World(committee, unit_a, unit_b, inspection, _measures(inspection, unit_a, 3), office,
                 other, _measures(other, OrganisationFactory(parent=other_committee), 1)[0])


def ids(measures: list[Measure]) -> list[int]:
    return [m.pk for m in measures]


def test_assigns_the_unit_to_every_row_each_with_its_audit_entry(w: World) -> None:
    done = measures_bulk_correct(actor=w.office, ids=ids(w.measures),
                                 values={"lead_unit": w.unit_b})
    assert len(done) == 3
    assert {m.lead_unit_id for m in Measure.objects.filter(pk__in=ids(w.measures))} == {w.unit_b.pk}
    audited = AuditEntry.objects.filter(action="measure.update")
    assert sorted(int(e.object_id) for e in audited) == sorted(ids(w.measures))
    assert {e.actor_id for e in audited} == {w.office.pk}


def test_deadline_and_time_limit_type_through_the_same_service(w: World) -> None:
    measures_bulk_correct(actor=w.office, ids=ids(w.measures[:2]),
                          values={"deadline": dt.date(2026, 12, 31), "urgency": Urgency.LONG_TERM})
    first, second, third = (Measure.objects.get(pk=m.pk) for m in w.measures)
    assert first.deadline == second.deadline == dt.date(2026, 12, 31)
    assert first.urgency == second.urgency == Urgency.LONG_TERM
    assert third.deadline == w.measures[2].deadline  # not selected: untouched


def test_one_row_the_service_refuses_rolls_back_every_row(w: World) -> None:
    Measure.objects.filter(pk=w.measures[1].pk).update(state=MeasureState.CLOSED, closed_at=clock.now())
    with pytest.raises(BulkInvalid) as caught:
        measures_bulk_correct(actor=w.office, ids=ids(w.measures), values={"lead_unit": w.unit_b})
    [row] = caught.value.rows
    assert row.label.startswith("1-(2)-1 第1-2项整改措施")
    assert row.messages == [MEASURE_CLOSED]
    assert not Measure.objects.filter(lead_unit=w.unit_b).exists()
    assert not AuditEntry.objects.filter(action="measure.update").exists()


def test_errors_are_listed_for_every_refused_row(w: World) -> None:
    # A unit of the first inspection's tree is outside the other inspection's.
    office = grant(w.office, Role.OFFICE, w.other.organisation)
    with pytest.raises(BulkInvalid) as caught:
        measures_bulk_correct(actor=office, ids=[*ids(w.measures), w.other_measure.pk],
                              values={"lead_unit": w.unit_b})
    [row] = caught.value.rows
    assert row.fields == {"lead_unit": [UNIT_OUTSIDE.format(organisation="水务局党委")]}
    assert not AuditEntry.objects.filter(action="measure.update").exists()


def test_rows_the_user_may_not_change_are_refused_by_name(w: World) -> None:
    with pytest.raises(BulkRefused) as caught:
        measures_bulk_correct(actor=w.office, ids=[*ids(w.measures), w.other_measure.pk],
                              values={"lead_unit": w.unit_b})
    assert caught.value.rows == ["1-(1)-1 第1-1项整改措施内容。"]
    assert not AuditEntry.objects.filter(action="measure.update").exists()
    assert not Measure.objects.filter(lead_unit=w.unit_b).exists()


@pytest.mark.parametrize("forged", ["foreign", "missing"])
def test_forged_ids_refuse_the_whole_selection(w: World, forged: str) -> None:
    stranger = MeasureFactory()  # another organisation's: the office may not read it
    extra = stranger.pk if forged == "foreign" else stranger.pk + 1000
    with pytest.raises(SelectionNotFound):
        measures_bulk_correct(actor=w.office, ids=[*ids(w.measures), extra],
                              values={"lead_unit": w.unit_b})
    assert not AuditEntry.objects.filter(action="measure.update").exists()
    assert Measure.objects.get(pk=stranger.pk).lead_unit_id == stranger.lead_unit_id


def test_the_size_of_a_selection_is_bounded(w: World) -> None:
    with pytest.raises(ValidationError) as caught:
        measures_bulk_correct(actor=w.office, ids=range(1, MAX_BULK_ROWS + 2),
                              values={"lead_unit": w.unit_b})
    assert caught.value.messages == [TOO_MANY.format(limit=500, count=501)]
    with pytest.raises(ValidationError) as caught:
        measures_bulk_correct(actor=w.office, ids=[], values={"lead_unit": w.unit_b})
    assert caught.value.messages == [NOTHING_SELECTED]


def test_only_plan_columns_are_set_in_bulk(w: World) -> None:
    with pytest.raises(ValueError):
        measures_bulk_correct(actor=w.office, ids=ids(w.measures), values={"content": "x"})


def _queries(call: object) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()  # type: ignore[operator]
    return len(ctx.captured_queries)


def test_reads_do_not_grow_per_row_beyond_the_single_service(w: World) -> None:
    more = _measures(w.inspection, w.unit_a, 8, start=2)
    person = PersonFactory(organisation=w.unit_b)

    def bulk(chunk: list[Measure]) -> int:
        return _queries(lambda: measures_bulk_correct(
            actor=w.office, ids=ids(chunk), values={"responsible_person": person}))

    bulk(more[:1])  # warm-up: the audit chain's first entry of the test
    one, two, three = bulk(more[1:2]), bulk(more[2:4]), bulk(more[4:7])
    single = _queries(lambda: measure_correct(
        measure=more[7], actor=w.office, responsible_person=person))
    assert two - one == three - two == single


def test_the_preview_reads_the_rows_in_a_constant_number_of_queries(w: World) -> None:
    more = _measures(w.inspection, w.unit_a, 9, start=2)
    small = _queries(lambda: bulk_rows(user=w.office, ids=ids(w.measures)))
    large = _queries(lambda: bulk_rows(user=w.office, ids=ids(more)))
    assert small == large


# --- after approval: one plan revision for the whole action -------------------------------


def _approved_plan(w: World) -> RectificationPlan:
    leader = grant(UserFactory(), Role.LEADER, w.committee)
    plan = plan_create(inspection=w.inspection, title="整改工作方案", actor=w.office)
    return plan_approve(plan=plan, actor=leader)


def test_after_approval_the_action_is_one_revision_naming_every_row(w: World) -> None:
    plan = _approved_plan(w)
    before = plan.revisions.count()
    measures_bulk_correct(actor=w.office, ids=ids(w.measures), values={"lead_unit": w.unit_b},
                          reason="调整牵头单位")
    revisions = list(PlanRevision.objects.filter(plan=plan).order_by("number"))
    assert len(revisions) == before + 1
    last = revisions[-1]
    assert last.reason == "调整牵头单位"
    assert last.diff.count("修改措施") == 3 and last.diff.count("环卫所") == 3
    assert len(entries := AuditEntry.objects.filter(action="plan_revision.create")) == before + 1
    assert entries.order_by("-seq")[0].object_id == str(last.pk)
    # A single correction afterwards is a revision of its own again.
    measure_correct(measure=w.measures[0], actor=w.office, lead_unit=w.unit_a, reason="改回")
    assert plan.revisions.count() == before + 2


def test_after_approval_a_refused_row_leaves_no_revision(w: World) -> None:
    plan = _approved_plan(w)
    before = plan.revisions.count()
    Measure.objects.filter(pk=w.measures[2].pk).update(state=MeasureState.CLOSED,
                                                       closed_at=clock.now())
    with pytest.raises(BulkInvalid):
        measures_bulk_correct(actor=w.office, ids=ids(w.measures),
                              values={"lead_unit": w.unit_b}, reason="调整牵头单位")
    assert plan.revisions.count() == before
    assert not AuditEntry.objects.filter(action="measure.update").exists()
