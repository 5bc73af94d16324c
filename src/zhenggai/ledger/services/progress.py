"""Progress reports (整改进展) with evidence files (佐证材料).

A submitted report is never overwritten: `progress_report_correct` adds a new version that
supersedes it. Evidence is typed by its bytes, not its name (a renamed .exe stays refused),
hashed (SHA-256) so the same file uploaded twice for one measure is recognised, and written
through Django's storage API so that S3-compatible storage works unchanged. A file written
by a transaction that does not commit is deleted again (services/stored_files.py); a stored
file that another row reuses is never deleted.

The lifecycle helpers here (`lifecycle_move`, `lifecycle_snapshot`) are shared with the
close-out services: they set the milestone time the model's check constraints demand and
bump `version` (the optimistic lock of `Lifecycle`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q

from zhenggai import clock
from zhenggai.accounts.models import Organisation, User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import CloseOutState, MeasureState
from zhenggai.ledger.models import (
    Assignment,
    CloseOutRequest,
    EvidenceFile,
    FormalReportSubmission,
    Measure,
    ProgressReport,
)
from zhenggai.ledger.models.measure import Lifecycle
from zhenggai.ledger.services.stored_files import store_file

# --- messages the tests assert ---------------------------------------------------------
ASSIGNMENT_NOT_OF_MEASURE = "整改任务不属于该整改措施"
MEASURE_CLOSED = "该措施已销号，不能再填报或修改；如需继续整改，请通过回头看重新打开"
NARRATIVE_REQUIRED = "请填写进展情况"
PERCENT_RANGE = "完成进度应在 0 到 100 之间"
AS_OF_IN_FUTURE = "截至日期不能晚于今天"
ALREADY_CORRECTED = "该进展已有更正版本，请在最新版本上更正"
EVIDENCE_ONE_TARGET = "佐证材料必须且只能属于一条进展或一项销号申请"
EVIDENCE_EMPTY = "文件为空：{name}"
EVIDENCE_TOO_LARGE = "文件“{name}”超过大小上限 {limit_mb} MB"
EVIDENCE_BAD_TYPE = "文件“{name}”的类型不受支持：只接受 docx、xlsx、pdf、jpg、png（按文件内容判断）"
EVIDENCE_DUPLICATE = "文件“{name}”已作为本条材料的佐证上传过，请勿重复上传"
EVIDENCE_REQUEST_DECIDED = "该销号申请已处理，不能再补充佐证材料"
EVIDENCE_REPORT_SUPERSEDED = "该进展已被更正，请在最新版本上补充佐证材料"

#: 20 MB unless the setting says otherwise.
DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

#: Milestone time set when a lifecycle enters each state (check constraints need them).
_STATE_TIME = {
    MeasureState.IN_PROGRESS: "started_at",
    MeasureState.CLOSE_REQUESTED: "close_requested_at",
    MeasureState.RETURNED: "returned_at",
    MeasureState.CLOSED: "closed_at",
    MeasureState.WATCHING: "watching_since",
}
LIFECYCLE_FIELDS = [
    "state",
    "started_at",
    "close_requested_at",
    "returned_at",
    "closed_at",
    "watching_since",
    "reopened_at",
    "version",
]
#: States in which reporting and close-out are over until a reopening (DESIGN: nothing is
#: edited after close-out except through reopening).
FINISHED_STATES = (MeasureState.CLOSED, MeasureState.WATCHING)
_STARTABLE = (MeasureState.PLANNED, MeasureState.RETURNED)


def lifecycle_snapshot(obj: Lifecycle) -> dict[str, Any]:
    return field_values(obj, LIFECYCLE_FIELDS)


def lifecycle_move(obj: Lifecycle, state: str, *, at: dt.datetime) -> None:
    """Set `state`, its milestone time and bump the version; the caller saves and audits.

    `started_at` keeps the first start (a return and a new start is not a new beginning);
    the other milestones record the latest time the state was entered.
    """
    obj.state = state
    field = _STATE_TIME.get(MeasureState(state))
    if field == "started_at":
        if obj.started_at is None:
            obj.started_at = at
    elif field is not None:
        setattr(obj, field, at)
    if state not in FINISHED_STATES:
        obj.closed_at = None
        obj.watching_since = None
    obj.version += 1


def save_lifecycle(
    obj: Lifecycle, *, state: str, at: dt.datetime, actor: User, action: str
) -> None:
    """Move, validate, save and audit one lifecycle change (measure or assignment)."""
    before = lifecycle_snapshot(obj)
    lifecycle_move(obj, state, at=at)
    obj.full_clean()
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, before=before, after=lifecycle_snapshot(obj))


def responsible_unit(measure: Measure, assignment: Assignment | None) -> Organisation | None:
    """The unit that reports on and requests close-out of this measure or assignment."""
    if assignment is not None:
        return assignment.unit
    return measure.lead_unit


def lock_measure(measure_id: int) -> Measure:
    """The measure's row, locked and fresh. Every service locks the measure first, then an
    assignment, then a request: one order everywhere, so two services never deadlock."""
    return (
        Measure.objects.select_for_update(of=("self",))
        .select_related("inspection", "lead_unit")
        .get(pk=measure_id)
    )


def lock_assignment(assignment: Assignment | None, measure: Measure) -> Assignment | None:
    if assignment is None:
        return None
    locked = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=assignment.pk)
    )
    if locked.measure_id != measure.pk:
        raise ValidationError(ASSIGNMENT_NOT_OF_MEASURE, code="invalid")
    return locked


def start_if_needed(
    measure: Measure, assignment: Assignment | None, *, at: dt.datetime, actor: User
) -> None:
    """planned/returned → in_progress for the assignment (if any) and the measure."""
    if assignment is not None and assignment.state in _STARTABLE:
        save_lifecycle(
            assignment,
            state=MeasureState.IN_PROGRESS,
            at=at,
            actor=actor,
            action="assignment.start",
        )
    # A measure split into assignments is returned only through them, never as a whole.
    if measure.state == MeasureState.PLANNED or (
        assignment is None and measure.state == MeasureState.RETURNED
    ):
        save_lifecycle(
            measure, state=MeasureState.IN_PROGRESS, at=at, actor=actor, action="measure.start"
        )


# --- evidence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectedUpload:
    """What the bytes of an upload are: checked before anything is written."""

    upload: File[Any]
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def evidence_max_bytes() -> int:
    """settings.ZHENGGAI_EVIDENCE_MAX_BYTES (from the environment; docs/operations.md)."""
    return int(getattr(settings, "ZHENGGAI_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


def _sniff(upload: File[Any], head: bytes) -> str | None:
    """The file type from its content (magic bytes; OOXML = zip with word/ or xl/ parts)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        upload.seek(0)
        try:
            # Reads the central directory only: nothing is decompressed (no zip bombs).
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def inspect_upload(upload: File[Any]) -> InspectedUpload:
    """Check size and type by content and hash the bytes; raise ValidationError if refused."""
    name = os.path.basename(upload.name or "") or "未命名文件"
    limit = evidence_max_bytes()
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if not head:
            head = chunk[:16]
        size += len(chunk)
        if size > limit:
            raise ValidationError(
                EVIDENCE_TOO_LARGE.format(name=name, limit_mb=round(limit / 1024 / 1024, 1)),
                code="too_large",
            )
        digest.update(chunk)
    if size == 0:
        raise ValidationError(EVIDENCE_EMPTY.format(name=name), code="empty")
    extension = _sniff(upload, head)
    upload.seek(0)
    if extension is None:
        raise ValidationError(EVIDENCE_BAD_TYPE.format(name=name), code="bad_type")
    return InspectedUpload(
        upload=upload,
        original_name=name[:255],
        extension=extension,
        content_type=_CONTENT_TYPES[extension],
        size=size,
        sha256=digest.hexdigest(),
    )


_EVIDENCE_AUDIT_FIELDS = ["original_name", "content_type", "size", "sha256"]


def store_evidence(
    checked: InspectedUpload,
    *,
    actor: User,
    reuse_within: Q,
    progress_report: ProgressReport | None = None,
    close_out_request: CloseOutRequest | None = None,
    formal_report_submission: FormalReportSubmission | None = None,
) -> EvidenceFile:
    """Store one checked file as evidence of exactly one target, and audit it.

    The same bytes twice on one target are refused. The same bytes already stored for an
    evidence row matching `reuse_within` (the measure's other reports, the report's earlier
    submissions) are not stored again: the new row names the stored file. A file written
    here is removed again if the transaction does not commit (services/stored_files.py).
    """
    targets = {
        "progress_report": progress_report,
        "close_out_request": close_out_request,
        "formal_report_submission": formal_report_submission,
    }
    given = {name: obj for name, obj in targets.items() if obj is not None}
    if len(given) != 1:
        raise ValidationError(EVIDENCE_ONE_TARGET, code="invalid")
    if EvidenceFile.objects.filter(**given, sha256=checked.sha256).exists():
        raise ValidationError(
            EVIDENCE_DUPLICATE.format(name=checked.original_name), code="duplicate"
        )
    earlier = (
        EvidenceFile.objects.filter(reuse_within, sha256=checked.sha256)
        .order_by("uploaded_at", "id")
        .first()
    )
    evidence = EvidenceFile(
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        **given,
    )
    if earlier is not None:
        # The same bytes already prove another report of this measure: point at the stored
        # file instead of keeping a second copy (the sha256 index exists for this).
        evidence.file.name = earlier.file.name
    else:
        store_file(
            evidence,
            "file",
            f"{checked.sha256[:32]}.{checked.extension}",
            ContentFile(checked.upload.read()),
        )
    evidence.full_clean()
    evidence.save()
    # Entries of progress and close-out evidence keep the keys they always had.
    target_fields = (
        ["formal_report_submission"]
        if formal_report_submission is not None
        else ["progress_report", "close_out_request"]
    )
    after = field_values(evidence, _EVIDENCE_AUDIT_FIELDS + target_fields)
    after["file"] = evidence.file.name
    after["reused_from"] = earlier.pk if earlier is not None else None
    audit_record(actor=actor, action="evidence.add", obj=evidence, after=after)
    return evidence


def _store_evidence(
    checked: InspectedUpload,
    *,
    measure: Measure,
    progress_report: ProgressReport | None,
    close_out_request: CloseOutRequest | None,
    actor: User,
) -> EvidenceFile:
    return store_evidence(
        checked,
        actor=actor,
        reuse_within=Q(progress_report__measure=measure) | Q(close_out_request__measure=measure),
        progress_report=progress_report,
        close_out_request=close_out_request,
    )


@transaction.atomic
def evidence_add(
    *,
    upload: File[Any],
    progress_report: ProgressReport | None = None,
    close_out_request: CloseOutRequest | None = None,
    actor: User,
) -> EvidenceFile:
    """Attach one file to a progress report or a close-out request (exactly one of them).

    The same bytes twice on the same report/request are refused; on another report of the
    same measure they are recognised and the stored file is reused.
    """
    if (progress_report is None) == (close_out_request is None):
        raise ValidationError(EVIDENCE_ONE_TARGET, code="invalid")
    target_measure_id = (progress_report or close_out_request).measure_id  # type: ignore[union-attr]
    measure = lock_measure(target_measure_id)
    if progress_report is not None:
        report = ProgressReport.objects.select_related("assignment__unit").get(
            pk=progress_report.pk
        )
        unit = responsible_unit(measure, report.assignment)
        require(actor, Action.REPORT_PROGRESS, inspection=measure.inspection, unit=unit)
        if ProgressReport.objects.filter(supersedes=report).exists():
            raise ValidationError(EVIDENCE_REPORT_SUPERSEDED, code="superseded")
        _refuse_if_finished(measure, report.assignment)
        checked = inspect_upload(upload)
        return _store_evidence(
            checked, measure=measure, progress_report=report, close_out_request=None, actor=actor
        )
    assert close_out_request is not None
    request = (
        CloseOutRequest.objects.select_for_update(of=("self",))
        .select_related("assignment__unit")
        .get(pk=close_out_request.pk)
    )
    unit = responsible_unit(measure, request.assignment)
    require(actor, Action.REQUEST_CLOSE_OUT, inspection=measure.inspection, unit=unit)
    if request.state != CloseOutState.PENDING:
        raise ValidationError(EVIDENCE_REQUEST_DECIDED, code="conflict")
    checked = inspect_upload(upload)
    return _store_evidence(
        checked, measure=measure, progress_report=None, close_out_request=request, actor=actor
    )


def check_files(files: Sequence[File[Any]]) -> list[InspectedUpload]:
    """Check every file of a batch (type, size, no file twice) before any is stored."""
    checked = [inspect_upload(f) for f in files]
    seen: set[str] = set()
    for item in checked:
        if item.sha256 in seen:
            raise ValidationError(
                EVIDENCE_DUPLICATE.format(name=item.original_name), code="duplicate"
            )
        seen.add(item.sha256)
    return checked


def add_checked_files(
    files: Sequence[File[Any]],
    *,
    measure: Measure,
    progress_report: ProgressReport | None = None,
    close_out_request: CloseOutRequest | None = None,
    actor: User,
) -> list[EvidenceFile]:
    """Check every file first, then store them: a refused file writes nothing at all."""
    return [
        _store_evidence(
            item,
            measure=measure,
            progress_report=progress_report,
            close_out_request=close_out_request,
            actor=actor,
        )
        for item in check_files(files)
    ]


# --- progress reports -------------------------------------------------------------------

_REPORT_FIELDS = [
    "measure",
    "assignment",
    "as_of",
    "narrative",
    "percent",
    "version",
    "supersedes",
]


def _refuse_if_finished(measure: Measure, assignment: Assignment | None) -> None:
    target: Lifecycle = assignment if assignment is not None else measure
    if target.state in FINISHED_STATES or measure.state in FINISHED_STATES:
        raise ValidationError(MEASURE_CLOSED, code="closed")


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
    _refuse_if_finished(locked, locked_assignment)
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
    _refuse_if_finished(locked, locked_assignment)
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
    audit_record(
        actor=actor,
        action="progress_report.correct",
        obj=new,
        before=field_values(old, _REPORT_FIELDS),
        after=field_values(new, _REPORT_FIELDS),
    )
    add_checked_files(files, measure=locked, progress_report=new, actor=actor)
    return new
