"""Formal urging notices (督办通知书 → 提醒书 → 告诫书 → 问责书).

Each is numbered per inspection and year (〔year〕N号, the inspection row locked while the
number is taken), stored as DOCX and audited. The cycle issues them by itself at each
escalation step; `urging_notice_issue` is the office issuing one by hand.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record
from zhenggai.ledger.models import Assignment, Inspection, Measure, MeasureFinding
from zhenggai.urging.choices import UrgingLevel
from zhenggai.urging.documents import NoticeContent, notice_docx
from zhenggai.urging.models import UrgingNotice
from zhenggai.urging.services.recipients import Target
from zhenggai.urging.services.thresholds import notice_number_prefix
from zhenggai.workdays.selectors import workday_calendar

NOTICE_NEEDS_DEADLINE = "没有整改时限的措施不能印发督办文书"
ISSUING_BODY = "{organisation}巡察整改工作领导小组办公室"


def _next_number(inspection: Inspection, year: int) -> str:
    """The next 〔year〕N号 of this inspection; the inspection row is locked meanwhile."""
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    prefix = f"{notice_number_prefix()}〔{year}〕"
    used = UrgingNotice.objects.filter(inspection=inspection, number__startswith=prefix)
    numbers = [
        int(n.removeprefix(prefix).removesuffix("号"))
        for n in used.values_list("number", flat=True)
        if n.removeprefix(prefix).removesuffix("号").isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}号"


def issue_notice(
    *,
    target: Target,
    level: str,
    today: dt.date,
    days_overdue: int,
    issued_by: User,
    actor: User | None,
) -> UrgingNotice:
    """Number, render, store and audit one notice; runs inside the caller's transaction."""
    inspection = target.inspection
    number = _next_number(inspection, today.year)
    primary = next(
        (link.finding for link in MeasureFinding.objects.filter(
            measure=target.measure, is_primary=True).select_related("finding")),
        None,
    )
    content = NoticeContent(
        level=level,
        number=number,
        addressee=target.unit_name,
        measure=target.measure.content,
        finding=primary.text if primary is not None else "",
        deadline=target.deadline,
        today=today,
        days_overdue=days_overdue,
        issuing_body=ISSUING_BODY.format(organisation=inspection.organisation.name),
    )
    notice = UrgingNotice(
        inspection=inspection,
        measure=target.measure,
        assignment=target.assignment,
        unit=target.unit,
        level=level,
        number=number,
        body="\n".join(content.body_paragraphs()),
        issued_by=issued_by,
    )
    notice.full_clean(exclude=["file"])
    number_digits = number.removeprefix(f"{notice_number_prefix()}〔{today.year}〕").removesuffix("号")
    name = f"urging-{inspection.pk}-{today.year}-{number_digits}-{level}.docx"
    notice.file.save(name, ContentFile(notice_docx(content)), save=False)
    notice.save()
    audit_record(
        actor=actor,
        action="urging_notice.issue",
        obj=notice,
        before=None,
        after={
            "number": number,
            "level": level,
            "measure": target.measure.pk,
            "assignment": target.assignment.pk if target.assignment is not None else None,
            "unit": target.unit.pk if target.unit is not None else None,
            "days_overdue": days_overdue,
            "file": notice.file.name,
        },
    )
    return notice


@transaction.atomic
def urging_notice_issue(
    *,
    measure: Measure,
    level: str,
    actor: User,
    assignment: Assignment | None = None,
    today: dt.date | None = None,
) -> UrgingNotice:
    """The office issues a formal urging notice by hand (the cycle issues them by itself)."""
    require(actor, Action.URGE, inspection=measure.inspection)
    today = today or clock.today()
    target = Target(measure, assignment)
    if (assignment or measure).deadline is None:
        raise ValidationError(NOTICE_NEEDS_DEADLINE)
    over = workday_calendar().working_days_between(target.deadline, today)
    return issue_notice(
        target=target, level=UrgingLevel(level), today=today, days_overdue=max(over, 0),
        issued_by=actor, actor=actor,
    )
