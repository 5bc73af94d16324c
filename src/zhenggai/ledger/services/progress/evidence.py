"""Evidence files (佐证材料): typed by their bytes, hashed, stored, audited.

Evidence is typed by its bytes, not its name (a renamed .exe stays refused), hashed
(SHA-256) so the same file uploaded twice for one measure is recognised, and written
through Django's storage API so that S3-compatible storage works unchanged. A file written
by a transaction that does not commit is deleted again (services/stored_files.py); a stored
file that another row reuses is never deleted.
"""

from __future__ import annotations

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

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.services import audit_record, field_values
from zhenggai.ledger.choices import CloseOutState
from zhenggai.ledger.models import (
    CloseOutRequest,
    EvidenceFile,
    FormalReportSubmission,
    Measure,
    ProgressReport,
)
from zhenggai.ledger.services.progress.lifecycle import (
    lock_measure,
    refuse_if_finished,
    responsible_unit,
)
from zhenggai.ledger.services.stored_files import store_file

EVIDENCE_ONE_TARGET = "佐证材料必须且只能属于一条进展或一项销号申请"
EVIDENCE_EMPTY = "文件为空：{name}"
EVIDENCE_TOO_LARGE = "文件“{name}”超过大小上限 {limit_mb} MB"
EVIDENCE_BAD_TYPE = "文件“{name}”的类型不受支持：只接受 docx、xlsx、pdf、jpg、png（按文件内容判断）"
EVIDENCE_DUPLICATE = "文件“{name}”已作为本条材料的佐证上传过，请勿重复上传"
EVIDENCE_REQUEST_DECIDED = "该销号申请已处理，不能再补充佐证材料"
EVIDENCE_REPORT_SUPERSEDED = "该进展已被更正，请在最新版本上补充佐证材料"

#: 20 MB unless the setting says otherwise.
DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


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
        refuse_if_finished(measure, report.assignment)
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

