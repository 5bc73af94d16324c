"""Which steps of the close-out path a user may take on a measure now: the roles from
`accounts.permissions`, the state from the measure page's rows.

The page shows only these; each form's view asks `MeasureActions.refusal` before anything
else (403 with the same Chinese reason the service would give), and the service decides
again under its row locks, so a button shown by a stale page leads to the service's
conflict message, never to a second decision.

`Permits.may` answers exactly as `accounts.permissions.may(user, action, inspection=…,
unit=…)` (a test holds them together) but reads the user's roles once per organisation:
the page asks a dozen questions about three or four organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, User
from zhenggai.accounts.permissions import (
    ACCEPTANCE_PARTY_ACTIONS,
    ROLE_ACTIONS,
    UNIT_SCOPED,
    Action,
    forbidden,
    roles_in,
)
from zhenggai.ledger.choices import (
    AcceptanceParty,
    CloseOutState,
    MeasureState,
    ReviewStage,
)
from zhenggai.ledger.models import Assignment, CloseOutRequest, Inspection
from zhenggai.ledger.selectors.measure_detail import MeasurePage

FINISHED = (MeasureState.CLOSED, MeasureState.WATCHING)
REQUESTABLE = (MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.RETURNED)


class Permits:
    """The user's permissions within one inspection, roles read once per organisation."""

    def __init__(self, user: User, inspection: Inspection) -> None:
        self.user = user
        self.inspection = inspection
        self._roles: dict[int, set[str]] = {}

    def roles(self, organisation: Organisation) -> set[str]:
        if organisation.pk not in self._roles:
            self._roles[organisation.pk] = roles_in(
                self.user, organisation, inspection_id=self.inspection.pk
            )
        return self._roles[organisation.pk]

    def may(self, action: Action, unit: Organisation | None = None) -> bool:
        """`accounts.permissions.may(user, action, inspection=…, unit=unit)`."""
        if not self.user.is_active:
            return False
        wide = self.roles(self.inspection.organisation)
        if action in UNIT_SCOPED:
            if unit is not None and Role.UNIT in self.roles(unit):
                return True
            return any(action in ROLE_ACTIONS.get(r, ()) for r in wide if r != Role.UNIT)
        roles = set(wide)
        if unit is not None and Role.UNIT not in roles:
            roles |= {r for r in self.roles(unit) if r == Role.UNIT}
        return any(action in ROLE_ACTIONS.get(role, ()) for role in roles)

    def may_accept(self, party: str, unit: Organisation | None) -> bool:
        """`accounts.permissions.require_acceptance_party` as a yes/no."""
        allowed = self.may(ACCEPTANCE_PARTY_ACTIONS[party], unit)
        if party != AcceptanceParty.INSPECTED_UNIT:
            allowed = allowed and self.may(Action.ACCEPT)
        return allowed


def _unit(page: MeasurePage, assignment: Assignment | None) -> Organisation | None:
    return assignment.unit if assignment is not None else page.measure.lead_unit


def _target_state(page: MeasurePage, assignment: Assignment | None) -> str:
    return assignment.state if assignment is not None else page.measure.state


@dataclass
class MeasureActions:
    """What the user may do now. Targets are None (the whole measure) or an assignment."""

    report: list[Assignment | None] = field(default_factory=list)
    close_out: list[Assignment | None] = field(default_factory=list)
    extension: list[Assignment | None] = field(default_factory=list)
    review: list[CloseOutRequest] = field(default_factory=list)
    leader: list[CloseOutRequest] = field(default_factory=list)
    #: (request, parties the user may still give) for requests in acceptance.
    accept: list[tuple[CloseOutRequest, list[tuple[str, str]]]] = field(default_factory=list)
    decide_extension: bool = False
    check_in: bool = False
    reopen: bool = False
    #: The refusal of each kind of step the user holds no permission for.
    refusals: dict[str, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(
            self.report or self.close_out or self.extension or self.review or self.leader
            or self.accept or self.decide_extension or self.check_in or self.reopen
        )

    def refusal(self, kind: str) -> str:
        """The Chinese reason the user may not take `kind` steps at all ("" when they may)."""
        return self.refusals.get(kind, "")


#: Each kind of step and the permission it needs (acceptance: any party's).
KINDS: dict[str, Action] = {
    "report": Action.REPORT_PROGRESS,
    "close_out": Action.REQUEST_CLOSE_OUT,
    "extension": Action.REQUEST_EXTENSION,
    "review": Action.REVIEW_CLOSE_OUT,
    "leader": Action.APPROVE_KEY_CLOSE_OUT,
    "accept": Action.ACCEPT,
    "decide_extension": Action.APPROVE_EXTENSION,
    "check_in": Action.CHECK_IN,
    "reopen": Action.FOLLOW_UP_REVIEW,
}


def _targets(page: MeasurePage, permits: Permits, action: Action) -> list[Assignment | None]:
    """The measure itself (for its lead unit) and the assignments the user may act for."""
    out: list[Assignment | None] = []
    if permits.may(action, page.measure.lead_unit):
        out.append(None)
    for assignment in page.assignments:
        if permits.may(action, assignment.unit):
            out.append(assignment)
    return out


def measure_actions(user: User, page: MeasurePage) -> MeasureActions:
    """The steps `user` may take on the measure now, and why not the others."""
    measure = page.measure
    permits = Permits(user, measure.inspection)
    actions = MeasureActions()
    units = [measure.lead_unit, *(a.unit for a in page.assignments)]
    for kind, action in KINDS.items():
        if kind == "accept":
            allowed = any(
                permits.may_accept(party, unit) for party in AcceptanceParty.values for unit in units
            )
        elif action in UNIT_SCOPED or action == Action.REQUEST_EXTENSION:
            allowed = any(permits.may(action, unit) for unit in [*units, None])
        else:
            allowed = permits.may(action)
        if not allowed:
            actions.refusals[kind] = str(forbidden(action).args[0])
    measure_finished = measure.state in FINISHED

    if "report" not in actions.refusals and not measure_finished:
        actions.report = [
            t for t in _targets(page, permits, Action.REPORT_PROGRESS)
            if _target_state(page, t) not in FINISHED
        ]
    if "close_out" not in actions.refusals:
        actions.close_out = [
            t for t in _targets(page, permits, Action.REQUEST_CLOSE_OUT)
            if _target_state(page, t) in REQUESTABLE and (t is not None or not page.assignments)
        ]
    if "extension" not in actions.refusals and not measure_finished:
        pending = {e.assignment_id for e in page.pending_extensions}
        actions.extension = [
            t for t in _targets(page, permits, Action.REQUEST_EXTENSION)
            if _target_state(page, t) not in FINISHED
            and (t.deadline if t is not None else measure.deadline) is not None
            and (t.pk if t is not None else None) not in pending
        ]
    active = page.active_requests()
    if "review" not in actions.refusals:
        actions.review = [
            r for r in active if r.state == CloseOutState.PENDING and r.requested_by_id != user.pk
        ]
    if "leader" not in actions.refusals and page.is_key:
        actions.leader = [
            r for r in active
            if r.state == CloseOutState.OFFICE_APPROVED
            and r.requested_by_id != user.pk
            and not any(v.stage == ReviewStage.LEADER for v in r.reviews.all())
            and all(v.reviewer_id != user.pk for v in r.reviews.all())
        ]
    if "accept" not in actions.refusals and measure.inspection.requires_three_party_acceptance:
        actions.accept = _acceptances(page, permits, user, active)
    actions.decide_extension = "decide_extension" not in actions.refusals and any(
        e.requested_by_id != user.pk for e in page.pending_extensions
    )
    actions.check_in = (
        "check_in" not in actions.refusals
        and measure.state == MeasureState.WATCHING
        and bool(page.due_check_ins)
    )
    actions.reopen = "reopen" not in actions.refusals and measure_finished
    return actions


def _acceptances(
    page: MeasurePage, permits: Permits, user: User, active: list[CloseOutRequest]
) -> list[tuple[CloseOutRequest, list[tuple[str, str]]]]:
    """Requests in three-party acceptance and the parties the user may still speak for."""
    out = []
    for request in active:
        if request.state != CloseOutState.OFFICE_APPROVED or request.requested_by_id == user.pk:
            continue
        reviews = request.reviews.all()
        if page.is_key and not any(
            v.stage == ReviewStage.LEADER and v.decision == "approve" for v in reviews
        ):
            continue
        given = list(request.acceptances.all())
        if any(a.person_id == user.pk for a in given):
            continue  # one person speaks for one party only
        done = {a.party for a in given}
        unit = _unit(page, request.assignment)
        parties = [
            (party, str(label)) for party, label in AcceptanceParty.choices
            if party not in done and permits.may_accept(party, unit)
        ]
        if parties:
            out.append((request, parties))
    return out

