"""Progress reports (整改进展): filed with evidence, corrected by a new version.

A submitted report is never overwritten: `progress_report_correct` adds a new version that
supersedes it, so what a reviewer saw when closing a measure stays visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.models import (
    Assignment,
    Measure,
    ProgressReport,
)
from zhenggai.ledger.services.progress.evidence import add_checked_files
from zhenggai.ledger.services.progress.lifecycle import (
    lock_assignment,
    lock_measure,
    refuse_if_finished,
    responsible_unit,
    start_if_needed,
)

NARRATIVE_REQUIRED = "请填写进展情况"
PERCENT_RANGE = "完成进度应在 0 到 100 之间"
AS_OF_IN_FUTURE = "截至日期不能晚于今天"
ALREADY_CORRECTED = "该进展已有更正版本，请在最新版本上更正"

_REPORT_FIELDS = [
    "measure",
    "assignment",
    "as_of",
    "narrative",
    "percent",
    "version",
    "supersedes",
]



def note_reported(measure: Measure, at: dt.datetime) -> None:
    """Keep `measure.last_reported_at` the latest report time (the stalled filter reads it).

    Written by a conditional UPDATE (never moves back, whatever order reports arrive in)
    and on the instance too, so a later full save of the same locked row keeps it; the
    measure's `updated_at` and `version` are left alone: a report is not an edit."""
    Measure.objects.filter(pk=measure.pk).filter(
        Q(last_reported_at__isnull=True) | Q(last_reported_at__lt=at)
    ).update(last_reported_at=at)
    if measure.last_reported_at is None or measure.last_reported_at < at:
        measure.last_reported_at = at


def _check_report_fields(narrative: str, percent: int | None, as_of: dt.date) -> None:
    if not narrative.strip():
        raise ValidationError(NARRATIVE_REQUIRED, code="required")
    if percent is not None and not 0 <= percent <= 100:
        raise ValidationError(PERCENT_RANGE, code="invalid")
    if as_of > clock.today():
        raise ValidationError(AS_OF_IN_FUTURE, code="invalid")


@transaction.atomic
def progress_report_submit(
    *,
    measure: Measure,
    assignment: Assignment | None = None,
    narrative: str,
    percent: int | None,
    as_of: dt.date,
    files: Sequence[File[Any]] = (),
    actor: User,
) -> ProgressReport:
    """File a dated progress report (with evidence); a planned/returned item starts."""
    locked = lock_measure(measure.pk)
    locked_assignment = lock_assignment(assignment, locked)
    require(
        actor,
        Action.REPORT_PROGRESS,
        inspection=locked.inspection,
        unit=responsible_unit(locked, locked_assignment),
    )
    refuse_if_finished(locked, locked_assignment)
    _check_report_fields(narrative, percent, as_of)
    now = clock.now()
    report = ProgressReport(
        measure=locked,
        assignment=locked_assignment,
        author=actor,
        reported_at=now,
        as_of=as_of,
        narrative=narrative.strip(),
        percent=percent,
    )
    report.full_clean()
    report.save()
    note_reported(locked, report.reported_at)
    audit_record(
        actor=actor,
        action="progress_report.submit",
        obj=report,
        after=field_values(report, _REPORT_FIELDS),
    )
    add_checked_files(files, measure=locked, progress_report=report, actor=actor)
    start_if_needed(locked, locked_assignment, at=now, actor=actor)
    return report


@transaction.atomic
def progress_report_correct(
    *,
    report: ProgressReport,
    narrative: str,
    percent: int | None,
    as_of: dt.date,
    files: Sequence[File[Any]] = (),
    actor: User,
) -> ProgressReport:
    """A corrected version superseding `report`; the submitted version stays as it was."""
    locked = lock_measure(report.measure_id)
    old = ProgressReport.objects.select_for_update().get(pk=report.pk)
    locked_assignment = lock_assignment(old.assignment, locked)
    require(
        actor,
        Action.REPORT_PROGRESS,
        inspection=locked.inspection,
        unit=responsible_unit(locked, locked_assignment),
    )
    if ProgressReport.objects.filter(supersedes=old).exists():
        raise ValidationError(ALREADY_CORRECTED, code="conflict")
    refuse_if_finished(locked, locked_assignment)
    _check_report_fields(narrative, percent, as_of)
    new = ProgressReport(
        measure=locked,
        assignment=locked_assignment,
        author=actor,
        reported_at=clock.now(),
        as_of=as_of,
        narrative=narrative.strip(),
        percent=percent,
        version=old.version + 1,
        supersedes=old,
    )
    new.full_clean()
    new.save()
    note_reported(locked, new.reported_at)
    audit_record(
        actor=actor,
        action="progress_report.correct",
        obj=new,
        before=field_values(old, _REPORT_FIELDS),
        after=field_values(new, _REPORT_FIELDS),
    )
    add_checked_files(files, measure=locked, progress_report=new, actor=actor)
    return new
