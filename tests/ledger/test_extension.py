"""Extensions (延期): request by unit or office, decision by the leader, original kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    AssignmentFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    UserFactory,
)
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import ExtensionStatus, MeasureState
from zhenggai.ledger.models import Assignment, Extension, Measure
from zhenggai.ledger.services.extension import (
    EXTENSION_CLOSED,
    EXTENSION_DEADLINE_MOVED,
    EXTENSION_DECIDED,
    EXTENSION_NEEDS_REASON,
    EXTENSION_NO_DEADLINE,
    EXTENSION_NOT_LATER,
    EXTENSION_OWN_REQUEST,
    EXTENSION_PENDING_EXISTS,
    EXTENSION_REJECT_NEEDS_NOTE,
    EXTENSION_WRONG_ASSIGNMENT,
    assignment_original_deadline,
    extension_approve,
    extension_reject,
    extension_request,
)

pytestmark = pytest.mark.django_db
D = dt.date


def grant(role: str, organisation: Organisation, *, subtree: bool = False) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=role, organisation=organisation, include_subtree=subtree
    )
    return user


@dataclass
class World:
    committee: Organisation
    unit_a: Organisation
    unit_b: Organisation
    measure: Measure
    assignment: Assignment
    office: User
    leader: User
    unit_user: User
    unit_b_user: User


@pytest.fixture
def w() -> World:
    committee = OrganisationFactory(name="中共示范区城市管理局委员会", kind=OrganisationKind.COMMITTEE)
    unit_a = OrganisationFactory(parent=committee, name="综合行政执法大队")
    unit_b = OrganisationFactory(parent=committee, name="市政工程管理所")
    inspection = InspectionFactory(organisation=committee)
    measure = MeasureFactory(inspection=inspection, lead_unit=unit_a, deadline=D(2026, 9, 30))
    assignment = AssignmentFactory(measure=measure, unit=unit_b, deadline=D(2026, 9, 30))
    return World(
        committee, unit_a, unit_b, measure, assignment,
        office=grant(Role.OFFICE, committee, subtree=True),
        leader=grant(Role.LEADER, committee, subtree=True),
        unit_user=grant(Role.UNIT, unit_a),
        unit_b_user=grant(Role.UNIT, unit_b),
    )


def test_approval_moves_the_deadline_and_keeps_the_original(w: World) -> None:
    extension = extension_request(
        measure=w.measure, new_deadline=D(2026, 10, 31), reason="涉及财政资金审批，需延长一个月",
        actor=w.unit_user,
    )
    assert (extension.status, extension.original_deadline) == (ExtensionStatus.PENDING, D(2026, 9, 30))
    w.measure.refresh_from_db()
    assert w.measure.deadline == D(2026, 9, 30)  # a request alone changes nothing
    extension = extension_approve(extension=extension, note="同意", actor=w.leader)
    assert (extension.status, extension.decided_by, extension.decision_note) == (
        ExtensionStatus.APPROVED, w.leader, "同意",
    )
    assert extension.decided_at is not None
    w.measure.refresh_from_db()
    assert (w.measure.original_deadline, w.measure.deadline) == (D(2026, 9, 30), D(2026, 10, 31))
    assert w.measure.version == 2
    # The unit's share that was due with the measure moves with it.
    w.assignment.refresh_from_db()
    assert w.assignment.deadline == D(2026, 10, 31)
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["extension.request", "assignment.update", "measure.extend", "extension.approve"]
    entry = AuditEntry.objects.get(action="measure.extend")
    assert entry.before["deadline"] == "2026-09-30"
    assert entry.after == {"deadline": "2026-10-31", "original_deadline": "2026-09-30", "version": 2}


def test_a_second_extension_keeps_the_first_original_deadline(w: World) -> None:
    first = extension_request(measure=w.measure, new_deadline=D(2026, 10, 31), reason="一",
                              actor=w.office)
    extension_approve(extension=first, actor=w.leader)
    second = extension_request(measure=w.measure, new_deadline=D(2026, 12, 31), reason="二",
                               actor=w.unit_user)
    assert second.original_deadline == D(2026, 10, 31)
    extension_approve(extension=second, actor=w.leader)
    w.measure.refresh_from_db()
    assert (w.measure.original_deadline, w.measure.deadline) == (D(2026, 9, 30), D(2026, 12, 31))


def test_an_assignment_is_extended_on_its_own(w: World) -> None:
    extension = extension_request(
        measure=w.measure, assignment=w.assignment, new_deadline=D(2026, 11, 30),
        reason="本所施工期延长", actor=w.unit_b_user,
    )
    extension_approve(extension=extension, actor=w.leader)
    w.assignment.refresh_from_db()
    w.measure.refresh_from_db()
    assert w.assignment.deadline == D(2026, 11, 30)
    assert (w.measure.deadline, w.measure.original_deadline) == (D(2026, 9, 30), None)
    assert assignment_original_deadline(w.assignment) == D(2026, 9, 30)
    # A measure-level extension no longer drags the assignment that has its own deadline.
    other = extension_request(measure=w.measure, new_deadline=D(2026, 10, 15), reason="整体延期",
                              actor=w.office)
    extension_approve(extension=other, actor=w.leader)
    w.assignment.refresh_from_db()
    assert w.assignment.deadline == D(2026, 11, 30)


def test_rejection_needs_a_reason_and_keeps_the_deadline(w: World) -> None:
    extension = extension_request(measure=w.measure, new_deadline=D(2026, 10, 31), reason="理由",
                                  actor=w.unit_user)
    with pytest.raises(ValidationError) as exc:
        extension_reject(extension=extension, note=" ", actor=w.leader)
    assert exc.value.messages == [EXTENSION_REJECT_NEEDS_NOTE]
    extension = extension_reject(extension=extension, note="理由不充分，应按期完成", actor=w.leader)
    assert extension.status == ExtensionStatus.REJECTED
    w.measure.refresh_from_db()
    assert (w.measure.deadline, w.measure.original_deadline) == (D(2026, 9, 30), None)
    for decide in (
        lambda: extension_approve(extension=extension, actor=w.leader),
        lambda: extension_reject(extension=extension, note="再拒", actor=w.leader),
    ):
        with pytest.raises(ValidationError) as exc:
            decide()
        assert exc.value.messages == [EXTENSION_DECIDED]
    # Decided: a new request is possible again.
    extension_request(measure=w.measure, new_deadline=D(2026, 10, 15), reason="补充理由",
                      actor=w.unit_user)


@pytest.mark.parametrize(
    ("new_deadline", "reason", "message"),
    [
        (D(2026, 9, 30), "理由", EXTENSION_NOT_LATER.format(deadline="2026-09-30")),
        (D(2026, 9, 1), "理由", EXTENSION_NOT_LATER.format(deadline="2026-09-30")),
        (D(2026, 10, 31), "  ", EXTENSION_NEEDS_REASON),
    ],
)
def test_a_request_must_be_later_and_give_a_reason(
    w: World, new_deadline: dt.date, reason: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        extension_request(measure=w.measure, new_deadline=new_deadline, reason=reason,
                          actor=w.unit_user)
    assert exc.value.messages == [message]
    assert not Extension.objects.exists()
    assert not AuditEntry.objects.exists()


def test_one_pending_request_per_measure_and_per_assignment(w: World) -> None:
    extension_request(measure=w.measure, new_deadline=D(2026, 10, 31), reason="一", actor=w.unit_user)
    with pytest.raises(ValidationError) as exc:
        extension_request(measure=w.measure, new_deadline=D(2026, 11, 30), reason="二",
                          actor=w.office)
    assert exc.value.messages == [EXTENSION_PENDING_EXISTS]
    # The assignment is a separate thing to extend.
    extension_request(measure=w.measure, assignment=w.assignment, new_deadline=D(2026, 10, 31),
                      reason="三", actor=w.unit_b_user)
    with pytest.raises(ValidationError):
        extension_request(measure=w.measure, assignment=w.assignment,
                          new_deadline=D(2026, 11, 30), reason="四", actor=w.unit_b_user)
    assert Extension.objects.count() == 2


def test_closed_or_undated_measures_and_foreign_assignments_are_refused(w: World) -> None:
    foreign = AssignmentFactory(unit=w.unit_b)
    with pytest.raises(ValidationError) as exc:
        extension_request(measure=w.measure, assignment=foreign, new_deadline=D(2026, 12, 1),
                          reason="理由", actor=w.office)
    assert exc.value.messages == [EXTENSION_WRONG_ASSIGNMENT]
    Measure.objects.filter(pk=w.measure.pk).update(deadline=None)
    with pytest.raises(ValidationError) as exc:
        extension_request(measure=w.measure, new_deadline=D(2026, 12, 1), reason="理由",
                          actor=w.office)
    assert exc.value.messages == [EXTENSION_NO_DEADLINE]
    Measure.objects.filter(pk=w.measure.pk).update(
        deadline=D(2026, 9, 30), state=MeasureState.CLOSED,
        closed_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
    )
    with pytest.raises(ValidationError) as exc:
        extension_request(measure=w.measure, new_deadline=D(2026, 12, 1), reason="理由",
                          actor=w.office)
    assert exc.value.messages == [EXTENSION_CLOSED]


def test_nobody_approves_their_own_request(w: World) -> None:
    both = grant(Role.OFFICE, w.committee, subtree=True)
    RoleAssignment.objects.create(user=both, role=Role.LEADER, organisation=w.committee)
    extension = extension_request(measure=w.measure, new_deadline=D(2026, 10, 31), reason="理由",
                                  actor=both)
    with pytest.raises(ValidationError) as exc:
        extension_approve(extension=extension, actor=both)
    assert exc.value.messages == [EXTENSION_OWN_REQUEST]
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


def test_a_deadline_moved_since_the_request_needs_a_new_request(w: World) -> None:
    extension = extension_request(measure=w.measure, new_deadline=D(2026, 10, 31), reason="理由",
                                  actor=w.unit_user)
    Measure.objects.filter(pk=w.measure.pk).update(deadline=D(2026, 10, 10))
    with pytest.raises(ValidationError) as exc:
        extension_approve(extension=extension, actor=w.leader)
    assert exc.value.messages == [EXTENSION_DEADLINE_MOVED.format(deadline="2026-10-10")]
    extension.refresh_from_db()
    w.measure.refresh_from_db()
    assert (extension.status, w.measure.deadline) == (ExtensionStatus.PENDING, D(2026, 10, 10))


# --- permissions ---------------------------------------------------------------------------


def _request(w: World, u: User) -> Any:
    return extension_request(measure=w.measure, new_deadline=D(2026, 10, 31), reason="理由", actor=u)


def _request_assignment(w: World, u: User) -> Any:
    return extension_request(measure=w.measure, assignment=w.assignment,
                             new_deadline=D(2026, 10, 31), reason="理由", actor=u)


def _pending(w: World) -> Extension:
    return extension_request(measure=w.measure, new_deadline=D(2026, 10, 31), reason="理由",
                             actor=w.office)


def _approve(w: World, u: User) -> Any:
    return extension_approve(extension=_pending(w), actor=u)


def _reject(w: World, u: User) -> Any:
    return extension_reject(extension=_pending(w), note="不同意", actor=u)


# action → (run, roles allowed inside, the unit whose unit users may act)
ACTIONS: dict[str, tuple[Callable[[World, User], Any], set[str], str | None]] = {
    "request": (_request, {Role.OFFICE, Role.UNIT}, "unit_a"),
    "request_assignment": (_request_assignment, {Role.OFFICE, Role.UNIT}, "unit_b"),
    "approve": (_approve, {Role.LEADER}, None),
    "reject": (_reject, {Role.LEADER}, None),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("where", ["in", "other_unit", "out"])
@pytest.mark.parametrize("role", Role.values)
def test_permission_matrix(w: World, role: str, where: str, action: str) -> None:
    run, allowed_roles, own_unit = ACTIONS[action]
    if where == "in":
        # A unit user sits in the unit that owns the measure or assignment; others in the
        # committee with its sub-tree.
        organisation = getattr(w, own_unit) if role == Role.UNIT and own_unit else w.committee
        user = grant(role, organisation, subtree=role != Role.UNIT)
    elif where == "other_unit":
        # Inside the organisation, but in a unit that owns neither the measure nor the share.
        user = grant(role, OrganisationFactory(parent=w.committee))
    else:
        user = grant(role, OrganisationFactory(), subtree=True)
    allowed = where == "in" and role in allowed_roles
    if allowed:
        run(w, user)
        assert AuditEntry.objects.filter(actor=user).exists()
        return
    before = (
        list(Extension.objects.values_list("status", flat=True)),
        list(Measure.objects.values_list("deadline", "original_deadline")),
    )
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        if action in ("approve", "reject"):
            extension = _pending(w)
            before = (
                list(Extension.objects.values_list("status", flat=True)),
                before[1],
            )
            entries = AuditEntry.objects.count()
            (extension_approve(extension=extension, actor=user) if action == "approve"
             else extension_reject(extension=extension, note="不同意", actor=user))
        else:
            run(w, user)
    assert (
        list(Extension.objects.values_list("status", flat=True)),
        list(Measure.objects.values_list("deadline", "original_deadline")),
    ) == before
    assert AuditEntry.objects.count() == entries
