"""Writes of the records app: institutions, accountability and activities (DESIGN.md §1.5).

Each record is one item the announcement counts ("建立完善制度16项，问责2人"), so a record is
created only here: permission checked, validated, saved and audited in one transaction.
The three services validate alike: every field error is reported at once, keyed by field
(a form shows each beside its input), and the findings a record answers must belong to
its inspection. Dates are of things done, so none may lie after today (`clock.today()`,
which the demo can move into the past).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import Person, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.models import Finding, Inspection
from zhenggai.records.choices import InstitutionKind
from zhenggai.records.models import Accountability, Activity, Institution

#: Error messages (asserted by the tests).
FINDING_NOT_IN_INSPECTION = "所选问题不属于本次巡察：{ids}"
NAME_REQUIRED = "请填写制度名称"
ISSUED_ON_IN_FUTURE = "印发日期不能晚于今天"
PERSON_NAME_REQUIRED = "请填写被问责人姓名或选择人员"
PERSON_NAME_MISMATCH = "被问责人姓名“{name}”与所选人员“{person}”不一致"
DECIDED_ON_IN_FUTURE = "决定日期不能晚于今天"
TITLE_REQUIRED = "请填写活动名称"
HELD_ON_REQUIRED = "请填写举办日期"
HELD_ON_IN_FUTURE = "举办日期不能晚于今天"
PARTICIPANTS_REQUIRED = "请填写参加人数"
PARTICIPANTS_POSITIVE = "参加人数应至少为1人"


def _findings_of(
    inspection: Inspection, findings: Iterable[Finding | int], errors: dict[str, str]
) -> list[Finding]:
    """The given findings in id order, checked to belong to `inspection` (one query).

    Any finding of another inspection (or none at all) is named in `errors["findings"]`.
    """
    ids = sorted({f.pk if isinstance(f, Finding) else int(f) for f in findings})
    if not ids:
        return []
    found = list(Finding.objects.filter(pk__in=ids, inspection=inspection).order_by("pk"))
    missing = sorted(set(ids) - {f.pk for f in found})
    if missing:
        errors["findings"] = FINDING_NOT_IN_INSPECTION.format(ids="、".join(map(str, missing)))
    return found


def _refuse_future(
    errors: dict[str, str], field: str, value: dt.date | None, message: str
) -> None:
    if value is not None and value > clock.today():
        errors[field] = message


def _raise_if_any(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


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
    """Record an institution established or revised (建章立制), linked to its findings.

    The document number (文号) stays optional: rules adopted by a Party committee meeting
    and kept as internal rules often have none.
    """
    require(actor, Action.RECORD_INSTITUTION, inspection=inspection)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = NAME_REQUIRED
    _refuse_future(errors, "issued_on", issued_on, ISSUED_ON_IN_FUTURE)
    linked = _findings_of(inspection, findings, errors)
    _raise_if_any(errors)
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

    The name may be left empty when a Person is chosen (it is taken from there); a name
    that differs from the chosen Person's is refused, because the announcement counts
    people by name ("问责2人") and the link would then point at someone else.
    The audit entry keeps name, position, form and decision, never the person's phone or
    e-mail (the Person row has them; the entry references it by id).
    """
    require(actor, Action.RECORD_ACCOUNTABILITY, inspection=inspection)
    errors: dict[str, str] = {}
    typed_name = person_name.strip()
    if person is not None and typed_name and typed_name != person.name:
        errors["person_name"] = PERSON_NAME_MISMATCH.format(name=typed_name, person=person.name)
    name = typed_name or (person.name if person is not None else "")
    if not name:
        errors["person_name"] = PERSON_NAME_REQUIRED
    _refuse_future(errors, "decided_on", decided_on, DECIDED_ON_IN_FUTURE)
    linked = _findings_of(inspection, findings, errors)
    _raise_if_any(errors)
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
    findings: Iterable[Finding | int] = (),
    note: str = "",
) -> Activity:
    """Record a study, warning-education or training session, linked to the findings it
    answers if any.

    Date and count are required here (the model allows null for imported history) because
    the announcement reports them ("7月20日召开警示教育大会，参加党员干部210人次"); a
    session nobody attended was not held.
    """
    require(actor, Action.RECORD_ACTIVITY, inspection=inspection)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = TITLE_REQUIRED
    if held_on is None:
        errors["held_on"] = HELD_ON_REQUIRED
    _refuse_future(errors, "held_on", held_on, HELD_ON_IN_FUTURE)
    if participants is None:
        errors["participants"] = PARTICIPANTS_REQUIRED
    elif participants < 1:
        errors["participants"] = PARTICIPANTS_POSITIVE
    linked = _findings_of(inspection, findings, errors)
    _raise_if_any(errors)
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
    activity.findings.set(linked)
    _audit_created(
        actor=actor,
        action="activity.record",
        obj=activity,
        fields=["inspection", "kind", "title", "held_on", "participants"],
        findings=linked,
    )
    return activity
