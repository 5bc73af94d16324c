"""What is urged (targets) and who is urged at each step of the ladder (recipients).

A target is an open assignment, or a measure without assignments; its recipients are
found step by step: responsible person → responsible leader → the unit's principal → the
office. A step without anyone reachable (no person, or one with neither an active account
nor an e-mail address) falls through to the next one up, so an overdue item is never left
unurged silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.accounts.permissions import role_holders
from zhenggai.ledger.models import Assignment, Inspection, Measure
from zhenggai.urging.choices import Channel, EscalationStep
from zhenggai.urging.services.thresholds import TOP_STEP, URGED_STATES


@dataclass(frozen=True)
class Recipient:
    """Someone to urge at ladder `level`: an account, a person (from the ledger), or both."""

    level: int
    user: User | None
    person: Person | None
    email: str

    @property
    def token(self) -> str:
        return f"u{self.user.pk}" if self.user is not None else f"p{self.person.pk}"  # type: ignore[union-attr]

    @property
    def channels(self) -> list[str]:
        out: list[str] = [Channel.EMAIL] if self.email else []
        if self.user is not None:
            out.append(Channel.IN_APP)
        return out


def person_recipient(level: int, person: Person | None) -> list[Recipient]:
    """`person` as a recipient, or none when they cannot be reached (no account, no e-mail)."""
    if person is None:
        return []
    user = person.user if person.user is not None and person.user.is_active else None
    email = (user.email if user is not None else "") or person.email
    if user is None and not email:
        return []
    return [Recipient(level, user, person, email)]


@dataclass
class Target:
    """One urged item: an assignment, or a measure that has none."""

    measure: Measure
    assignment: Assignment | None

    @property
    def key(self) -> str:
        if self.assignment is not None:
            return f"assignment:{self.assignment.pk}"
        return f"measure:{self.measure.pk}"

    @property
    def deadline(self) -> dt.date:
        item = self.assignment or self.measure
        assert item.deadline is not None
        return item.deadline

    @property
    def unit(self) -> Organisation | None:
        return self.assignment.unit if self.assignment is not None else self.measure.lead_unit

    @property
    def inspection(self) -> Inspection:
        return self.measure.inspection

    @property
    def label(self) -> str:
        return str(self.measure)

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else "未明确"

    def people_at(self, level: int) -> list[Recipient]:
        if level == EscalationStep.RESPONSIBLE_PERSON:
            person = (
                self.assignment.responsible_person if self.assignment is not None else None
            ) or self.measure.responsible_person
            return person_recipient(level, person)
        if level == EscalationStep.RESPONSIBLE_LEADER:
            return person_recipient(level, self.measure.responsible_leader)
        if level == EscalationStep.UNIT_PRINCIPAL:
            unit = self.unit
            return person_recipient(level, unit.principal if unit is not None else None)
        return []


def urged_targets(until: dt.date) -> Iterator[Target]:
    """Open, urgeable assignments and assignment-less measures with a deadline ≤ `until`."""
    people = [
        "measure__inspection__organisation",
        "measure__responsible_leader__user",
        "measure__responsible_person__user",
        "measure__lead_unit",
    ]
    assignments = (
        Assignment.objects.filter(state__in=URGED_STATES, deadline__lte=until)
        .select_related(*people, "unit__principal__user", "responsible_person__user")
        .order_by("deadline", "id")
    )
    for assignment in assignments.iterator(chunk_size=2000):
        yield Target(assignment.measure, assignment)
    measures = (
        Measure.objects.filter(state__in=URGED_STATES, deadline__lte=until)
        .exclude(Exists(Assignment.objects.filter(measure=OuterRef("pk"))))
        .select_related(
            "inspection__organisation",
            "responsible_leader__user",
            "responsible_person__user",
            "lead_unit__principal__user",
        )
        .order_by("deadline", "id")
    )
    for measure in measures.iterator(chunk_size=2000):
        yield Target(measure, None)


class Offices:
    """Office users per inspection, one query per inspection met (not per item)."""

    def __init__(self) -> None:
        self._cache: dict[int, list[User]] = {}

    def __call__(self, inspection: Inspection) -> list[User]:
        if inspection.pk not in self._cache:
            self._cache[inspection.pk] = list(role_holders(role=Role.OFFICE, inspection=inspection))
        return self._cache[inspection.pk]

    def recipients(self, inspection: Inspection) -> list[Recipient]:
        return [Recipient(TOP_STEP, u, None, u.email) for u in self(inspection)]


def ladder(target: Target, start: int, offices: Offices) -> list[Recipient]:
    """The recipients of step `start`, or of the first step above it that has any."""
    for level in range(start, TOP_STEP + 1):
        found = (
            offices.recipients(target.inspection)
            if level == TOP_STEP
            else target.people_at(level)
        )
        if found:
            return found
    return []
