"""Steps that bring a version of an announcement to a state, through the services."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import CHECKLIST_ITEMS, ChecklistAnswer
from zhenggai.publication.models import Announcement
from zhenggai.publication.services import (
    announcement_approve,
    announcement_generate,
    announcement_publish,
    announcement_submit,
    exceptions_checklist_answer,
)


def user_with(role: str, organisation: Organisation) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


@dataclass
class People:
    by_role: dict[str, User]
    outsider: User  # the office of another committee

    @property
    def office(self) -> User:
        return self.by_role[Role.OFFICE]

    @property
    def leader(self) -> User:
        return self.by_role[Role.LEADER]


def people_of(inspection: Inspection) -> People:
    return People(
        by_role={role.value: user_with(role, inspection.organisation) for role in Role},
        outsider=user_with(Role.OFFICE, OrganisationFactory()),
    )


ALL_CLEAR = {item: ChecklistAnswer.ABSENT for item, _ in CHECKLIST_ITEMS}


def draft(inspection: Inspection, people: People) -> Announcement:
    return announcement_generate(inspection=inspection, actor=people.office)


def answer_checklist(announcement: Announcement, people: People, **answers: str) -> None:
    exceptions_checklist_answer(
        announcement=announcement, answers={**ALL_CLEAR, **answers}, actor=people.office
    )


def submitted(inspection: Inspection, people: People) -> Announcement:
    announcement = draft(inspection, people)
    answer_checklist(announcement, people)
    return announcement_submit(announcement=announcement, actor=people.office)


def approved(inspection: Inspection, people: People) -> Announcement:
    return announcement_approve(announcement=submitted(inspection, people), actor=people.leader)


def published(inspection: Inspection, people: People) -> Announcement:
    return announcement_publish(announcement=approved(inspection, people), actor=people.office)


def fresh(announcement: Announcement) -> Announcement:
    return Announcement.objects.get(pk=announcement.pk)
