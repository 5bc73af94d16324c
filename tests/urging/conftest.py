"""Urging fixtures: a private media folder, and one measure with its ladder.

The ladder: responsible person (王…, an account with e-mail) → responsible leader (an
account) → the unit's principal (an account) → the office (one account). The measure's
deadline is Wednesday 30 September 2026, just before the National Day holiday (1–7 October
off, Saturday 10 October a make-up working day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.factories import (
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, Person, RoleAssignment, User
from zhenggai.ledger.models import Inspection, Measure

DEADLINE = dt.date(2026, 9, 30)


def user_with(role: str, organisation: Organisation) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


def person_with_account(organisation: Organisation, position: str) -> Person:
    return PersonFactory(organisation=organisation, position=position, user=UserFactory())


@pytest.fixture(autouse=True)
def _urging_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ZHENGGAI_URGING_NUMBER_PREFIX = "城管整改督"
    settings.ZHENGGAI_REMIND_BEFORE_WORKING_DAYS = (5, 1)
    settings.ZHENGGAI_ESCALATION_WORKING_DAYS = 5


@dataclass
class Ladder:
    inspection: Inspection
    unit: Organisation
    measure: Measure
    person: Person
    leader: Person
    principal: Person
    office: User


@pytest.fixture
def ladder(db: None) -> Ladder:
    inspection = InspectionFactory()
    unit = OrganisationFactory(
        name="示范区城市管理局综合行政执法大队", parent=inspection.organisation
    )
    person = person_with_account(unit, "科员")
    leader = person_with_account(unit, "副局长")
    principal = person_with_account(unit, "党委书记、局长")
    unit.principal = principal
    unit.save(update_fields=["principal"])
    office = user_with(Role.OFFICE, inspection.organisation)
    finding = FindingFactory(inspection=inspection, text="部分公务接待无公函、无清单。")
    measure = MeasureFactory(
        inspection=inspection,
        findings=[finding],
        lead_unit=unit,
        responsible_person=person,
        responsible_leader=leader,
        content="修订公务接待管理办法，严格执行公函制度和接待清单制度。",
        deadline=DEADLINE,
    )
    return Ladder(inspection, unit, measure, person, leader, principal, office)
