"""Serving evidence files (佐证材料) only to users who may read the measure they prove.

Files never sit under a public URL: the storage keeps them, this view checks permission and
streams them. Anyone who may not see the file gets the same 404 as for a file that does
not exist, so ids do not reveal what exists (no "403 means it is there").
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, may
from zhenggai.ledger.models import EvidenceFile


def _may_read(user: User, evidence: EvidenceFile) -> bool:
    """The responsible unit reads its own evidence; anyone else needs VIEW on the inspection.

    A formal report's files (整改情况报告) belong to the whole inspection: VIEW on it.
    """
    if evidence.formal_report_submission is not None:
        inspection = evidence.formal_report_submission.report.inspection
        return may(user, Action.VIEW, inspection=inspection)
    owner = evidence.progress_report or evidence.close_out_request
    if owner is None:
        return False
    measure = owner.measure
    unit = owner.assignment.unit if owner.assignment is not None else measure.lead_unit
    return may(user, Action.VIEW, inspection=measure.inspection, unit=unit)


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    evidence = (
        EvidenceFile.objects.select_related(
            "progress_report__measure__inspection__organisation",
            "progress_report__measure__lead_unit",
            "progress_report__assignment__unit",
            "close_out_request__measure__inspection__organisation",
            "close_out_request__measure__lead_unit",
            "close_out_request__assignment__unit",
            "formal_report_submission__report__inspection__organisation",
        )
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not isinstance(user, User):
        raise Http404
    if not _may_read(user, evidence):
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
