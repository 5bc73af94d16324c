"""Institutions, accountability and activities: the figures an announcement counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import FindingFactory, InspectionFactory, PersonFactory
from zhenggai.records.choices import AccountabilityForm, ActivityKind, InstitutionKind
from zhenggai.records.models import Accountability, Activity, Institution

pytestmark = pytest.mark.django_db


def test_institution_links_the_findings_it_answers() -> None:
    finding = FindingFactory()
    institution = Institution.objects.create(
        inspection=finding.inspection,
        name="党委议事规则",
        kind=InstitutionKind.REVISED,
        issued_on=dt.date(2026, 8, 1),
        document_number="示城管党〔2026〕12号",
    )
    institution.findings.add(finding)
    assert list(finding.institutions.all()) == [institution]
    assert str(institution) == "党委议事规则"


def test_accountability_names_the_person() -> None:
    inspection = InspectionFactory()
    with (
        pytest.raises(IntegrityError, match="records_accountability_has_name"),
        transaction.atomic(),
    ):
        Accountability.objects.create(
            inspection=inspection, person_name="", form=AccountabilityForm.CRITICISM
        )
    accountability = Accountability.objects.create(
        inspection=inspection,
        person_name="赵伟",
        person=PersonFactory(name="赵伟"),
        position="市政所副所长",
        form=AccountabilityForm.ADMONITION_TALK,
        decided_on=dt.date(2026, 9, 1),
        deciding_body="区纪委监委",
    )
    assert str(accountability) == "赵伟 · 诫勉谈话"
    # Accountable people are counted per inspection (问责2人).
    assert inspection.accountabilities.count() == 1


def test_activity_str_is_its_title() -> None:
    activity = Activity.objects.create(
        inspection=InspectionFactory(),
        kind=ActivityKind.WARNING_EDUCATION,
        title="以案促改警示教育大会",
        held_on=dt.date(2026, 7, 20),
        participants=120,
    )
    assert str(activity) == "以案促改警示教育大会"
