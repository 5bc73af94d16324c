"""The homes (工作台): "what needs me today", one section per role the user holds.

office — its inspections' summary (numbers linking to the ledger) and the review queue
(close-out requests, extension requests); unit — its measures by urgency: overdue, due
soon, returned to it, waiting for its report (stalled); leader — approvals waiting (key
close-outs, extensions) and the overdue list; supervisor — overdue, escalated measures,
urging notices issued, accountability records; inspector — acceptances waiting and
follow-up reviews. A user with several roles sees each section. Roles only choose the
sections (`roles_held`, as the navigation does); what each lists comes from selectors that
ask `accounts.permissions`.

Every list is bounded (its first rows and the total); lists of measures go through
`filtered_measures` with the `LedgerQuery` their "all" link opens, so the total beside a
list is the ledger's row count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, User
from zhenggai.accounts.permissions import Action, organisations_where, roles_held
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import MEASURE_OPEN, Inspection, Measure
from zhenggai.ledger.selectors.cards import (
    Card,
    count_cards,
    unit_cards_and_rows,
    user_measures,
)
from zhenggai.ledger.selectors.dashboard import summary_cards
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures
from zhenggai.ledger.selectors.plan import plan_approval_queue
from zhenggai.ledger.selectors.queues import (
    QUEUE_SIZE,
    Queue,
    acceptance_queue,
    extension_queue,
    follow_up_reviews,
    inspections_where,
    key_approval_queue,
    review_queue,
    take,
)
from zhenggai.ledger.selectors.scope import visible_inspections, visible_measures
from zhenggai.ledger.selectors.sources import import_warnings
from zhenggai.records.models import Accountability
from zhenggai.urging.choices import EscalationStep, ReminderKind
from zhenggai.urging.models import Reminder, UrgingNotice
from zhenggai.workdays.selectors import workday_calendar

#: Inspections summarised on the office's home (the latest by feedback date).
OFFICE_INSPECTIONS = 3
#: Units shown on a unit user's home (one section each).
MAX_UNITS = 5
#: Inspections listed with their dashboard link.
MAX_INSPECTIONS = 10


@dataclass(frozen=True)
class MeasureList:
    """A card (the total and its ledger link) and its first rows."""

    card: Card
    measures: list[Measure]


@dataclass(frozen=True)
class InspectionSummary:
    inspection: Inspection
    cards: list[Card]
    warnings: list[dict[str, Any]]


@dataclass(frozen=True)
class UnitSection:
    unit: Organisation
    lists: list[MeasureList]


@dataclass
class Home:
    roles: frozenset[str]
    inspections: list[Inspection] = field(default_factory=list)
    office: list[InspectionSummary] = field(default_factory=list)
    review: Queue[Any] | None = None
    office_extensions: Queue[Any] | None = None
    units: list[UnitSection] = field(default_factory=list)
    key_approvals: Queue[Any] | None = None
    plan_approvals: Queue[Any] | None = None
    extensions: Queue[Any] | None = None
    overdue: MeasureList | None = None
    notices: Queue[Any] | None = None
    escalated: Queue[Any] | None = None
    accountability: Queue[Any] | None = None
    acceptances: Queue[Any] | None = None
    follow_ups: Queue[Any] | None = None

    @property
    def is_empty(self) -> bool:
        return not self.inspections and not self.units


def measure_lists(
    user: User,
    cards: list[Card],
    *,
    today: dt.date,
    calendar: WorkdayCalendar,
    limit: int = QUEUE_SIZE,
) -> list[MeasureList]:
    """Each card counted (one aggregate) with its first rows by deadline (one query each,
    none for an empty card)."""
    counted = count_cards(user_measures(user), cards, today=today, calendar=calendar)
    out = []
    for card in counted:
        rows: list[Measure] = []
        if card.count:
            rows = list(
                filtered_measures(user, card.query, today=today, calendar=calendar)
                .select_related("inspection", "lead_unit")
                .order_by(F("deadline").asc(nulls_last=True), "id")[:limit]
            )
        out.append(MeasureList(card, rows))
    return out


def _unit_cards(unit: Organisation) -> list[Card]:
    q = LedgerQuery(unit=unit.pk)
    return [
        Card("overdue", _("已超期"), q.with_(signal=("red",)), tone="danger"),
        Card("due_soon", _("即将到期"), q.with_(signal=("yellow",)), tone="warning"),
        Card("returned", _("被退回"), q.with_(state=(MeasureState.RETURNED,)), tone="danger"),
        Card("stalled", _("待填报进展"), q.with_(stalled=True), tone="secondary"),
    ]


def _unit_section(
    user: User, unit: Organisation, *, today: dt.date, calendar: WorkdayCalendar
) -> UnitSection:
    """The unit's cards over the measures it leads and those it shares."""
    counted = unit_cards_and_rows(
        user, unit, _unit_cards(unit), limit=QUEUE_SIZE, today=today, calendar=calendar
    )
    return UnitSection(unit, [MeasureList(card, rows) for card, rows in counted])


def _user_units(user: User) -> list[Organisation]:
    where = organisations_where(user, [Role.UNIT])
    return list(Organisation.objects.filter(where).order_by("path", "id")[:MAX_UNITS])


def _office(user: User, *, today: dt.date, calendar: WorkdayCalendar) -> list[InspectionSummary]:
    inspections = list(
        inspections_where(user, Action.REVIEW_CLOSE_OUT)
        .select_related("organisation")
        .order_by(F("feedback_date").desc(nulls_last=True), "-id")[:OFFICE_INSPECTIONS]
    )
    warnings = import_warnings(inspection_ids=[i.pk for i in inspections])
    return [
        InspectionSummary(
            i,
            summary_cards(user, i, today=today, calendar=calendar),
            warnings.get(i.pk, []),
        )
        for i in inspections
    ]


def _notices(user: User) -> QuerySet[UrgingNotice]:
    return (
        UrgingNotice.objects.filter(inspection__in=visible_inspections(user).values("pk"))
        .select_related("inspection", "measure", "unit")
        .order_by("-issued_at", "-id")
    )


def _escalated(user: User) -> QuerySet[Measure]:
    """Open measures the reminder ladder has escalated (逐级督办) past the responsible
    person, latest deadline last."""
    escalations = Reminder.objects.filter(
        measure_id=OuterRef("pk"),
        kind=ReminderKind.ESCALATION,
        step__gte=EscalationStep.RESPONSIBLE_LEADER,
    )
    return (
        visible_measures(user)
        .filter(MEASURE_OPEN, Exists(escalations))
        .select_related("inspection", "lead_unit")
        .order_by(F("deadline").asc(nulls_last=True), "id")
    )


def _accountability(user: User) -> QuerySet[Accountability]:
    where = inspections_where(user, Action.VIEW_ACCOUNTABILITY).values("pk")
    return (
        Accountability.objects.filter(inspection__in=where)
        .select_related("inspection")
        .order_by(F("decided_on").desc(nulls_last=True), "-id")
    )


def home_for(user: User, *, today: dt.date | None = None) -> Home:
    """The sections of `user`'s home, by the roles held."""
    today = today or clock.today()
    calendar = workday_calendar()
    roles = roles_held(user)
    home = Home(roles=roles)
    home.inspections = list(
        visible_inspections(user)
        .select_related("organisation")
        .order_by(F("feedback_date").desc(nulls_last=True), "-id")[:MAX_INSPECTIONS]
    )
    if Role.OFFICE in roles:
        home.office = _office(user, today=today, calendar=calendar)
        home.review = review_queue(user)
        home.office_extensions = extension_queue(user, action=Action.REVIEW_CLOSE_OUT)
    if Role.UNIT in roles:
        home.units = [
            _unit_section(user, unit, today=today, calendar=calendar) for unit in _user_units(user)
        ]
    if Role.LEADER in roles:
        home.key_approvals = key_approval_queue(user)
        home.plan_approvals = plan_approval_queue(user)
        home.extensions = extension_queue(user)
    if Role.LEADER in roles or Role.SUPERVISOR in roles:
        overdue = Card("overdue", _("超期措施"), LedgerQuery(signal=("red",)), tone="danger")
        home.overdue = measure_lists(user, [overdue], today=today, calendar=calendar)[0]
    if Role.SUPERVISOR in roles:
        home.notices = take(_notices(user), QUEUE_SIZE)
        home.escalated = take(_escalated(user), QUEUE_SIZE)
        home.accountability = take(_accountability(user), QUEUE_SIZE)
    if Role.INSPECTOR in roles:
        home.acceptances = acceptance_queue(user)
        home.follow_ups = follow_up_reviews(user)
    return home
