"""Writes of the records app: institutions, accountability and activities (DESIGN.md §1.5).

Each record is one item the announcement counts ("建立完善制度16项，问责2人"), so a record is
created only here: permission checked, validated, saved and audited in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import Person, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.models import Finding, Inspection
from zhenggai.records.choices import InstitutionKind
from zhenggai.records.models import Accountability, Activity, Institution

#: Error messages (asserted by the tests).
FINDING_NOT_IN_INSPECTION = "所选问题不属于本次巡察：{ids}"
PARTICIPANTS_REQUIRED = "请填写参加人数"


def _findings_of(inspection: Inspection, findings: Iterable[Finding | int]) -> list[Finding]:
    """The given findings, all checked to belong to `inspection` (one query)."""
    ids = sorted({f.pk if isinstance(f, Finding) else int(f) for f in findings})
    if not ids:
        return []
    found = list(Finding.objects.filter(pk__in=ids, inspection=inspection))
    missing = sorted(set(ids) - {f.pk for f in found})
    if missing:
        raise ValidationError(
            {"findings": FINDING_NOT_IN_INSPECTION.format(ids="、".join(map(str, missing)))}
        )
    return found


def _audit_created(
    *, actor: User, action: str, obj: Any, fields: list[str], findings: Sequence[Finding]
) -> None:
    after = field_values(obj, fields)
    after["findings"] = [f.pk for f in findings]
    audit_record(actor=actor, action=action, obj=obj, before=None, after=after)


@transaction.atomic
def institution_record(
    *,
    inspection: Inspection,
    name: str,
    actor: User,
    kind: str = InstitutionKind.ESTABLISHED,
    issued_on: dt.date | None = None,
    document_number: str = "",
    issuing_body: str = "",
    findings: Iterable[Finding | int] = (),
    note: str = "",
) -> Institution:
    """Record an institution established or revised (建章立制), linked to its findings."""
    require(actor, Action.RECORD_INSTITUTION, inspection=inspection)
    linked = _findings_of(inspection, findings)
    institution = Institution(
        inspection=inspection,
        name=name.strip(),
        kind=kind,
        issued_on=issued_on,
        document_number=document_number.strip(),
        issuing_body=issuing_body.strip(),
        note=note,
    )
    institution.full_clean()
    institution.save()
    institution.findings.set(linked)
    _audit_created(
        actor=actor,
        action="institution.record",
        obj=institution,
        fields=["inspection", "name", "kind", "issued_on", "document_number", "issuing_body"],
        findings=linked,
    )
    return institution


@transaction.atomic
def accountability_record(
    *,
    inspection: Inspection,
    person_name: str,
    form: str,
    actor: User,
    position: str = "",
    person: Person | None = None,
    decided_on: dt.date | None = None,
    deciding_body: str = "",
    findings: Iterable[Finding | int] = (),
    note: str = "",
) -> Accountability:
    """Record one person held to account (问责); only the supervisor may.

    The audit entry keeps name, position, form and decision, never the person's phone or
    e-mail (the Person row has them; the entry references it by id).
    """
    require(actor, Action.RECORD_ACCOUNTABILITY, inspection=inspection)
    linked = _findings_of(inspection, findings)
    name = person_name.strip() or (person.name if person is not None else "")
    accountability = Accountability(
        inspection=inspection,
        person_name=name,
        person=person,
        position=position.strip() or (person.position if person is not None else ""),
        form=form,
        decided_on=decided_on,
        deciding_body=deciding_body.strip(),
        note=note,
    )
    accountability.full_clean()
    accountability.save()
    accountability.findings.set(linked)
    _audit_created(
        actor=actor,
        action="accountability.record",
        obj=accountability,
        fields=["inspection", "person_name", "person", "position", "form", "decided_on",
                "deciding_body"],
        findings=linked,
    )
    return accountability


@transaction.atomic
def activity_record(
    *,
    inspection: Inspection,
    kind: str,
    title: str,
    actor: User,
    held_on: dt.date | None = None,
    participants: int | None = None,
    note: str = "",
) -> Activity:
    """Record a study, warning-education or training activity with its participant count.

    The count is required here (the model allows null for imported history) because the
    announcement reports it ("组织开展警示教育3次，参加党员干部210人次").
    """
    require(actor, Action.RECORD_ACTIVITY, inspection=inspection)
    if participants is None:
        raise ValidationError({"participants": PARTICIPANTS_REQUIRED})
    activity = Activity(
        inspection=inspection,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        participants=participants,
        note=note,
    )
    activity.full_clean()
    activity.save()
    audit_record(
        actor=actor,
        action="activity.record",
        obj=activity,
        before=None,
        after=field_values(activity, ["inspection", "kind", "title", "held_on", "participants"]),
    )
    return activity
