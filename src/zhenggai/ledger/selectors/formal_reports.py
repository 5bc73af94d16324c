"""Reads of the formal reports' page and the evaluation page of an inspection.

Both pages belong to the whole inspection: their rows are read by whoever may read the
inspection's ledger (VIEW); a unit, which reads only its own measures, is refused with the
permission's reason. A fixed number of queries whatever the history's length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.core.signals import SignalResult
from zhenggai.ledger.models import (
    EffectivenessEvaluation,
    EvaluationScore,
    EvidenceFile,
    FormalReport,
    FormalReportSubmission,
    Inspection,
)
from zhenggai.ledger.signals_view import formal_report_signals
from zhenggai.workdays.selectors import workday_calendar


@dataclass(frozen=True)
class ReportRow:
    """A formal report with its signal, its submissions (oldest first) and the pending one."""

    report: FormalReport
    signal: SignalResult
    submissions: list[FormalReportSubmission]

    @property
    def pending(self) -> FormalReportSubmission | None:
        return next((s for s in self.submissions if not s.decision), None)


def formal_report_rows(*, user: User, inspection: Inspection) -> list[ReportRow]:
    """Both formal reports of `inspection` with their history and files (four queries)."""
    require(user, Action.VIEW, inspection=inspection)
    submissions = FormalReportSubmission.objects.select_related(
        "submitted_by", "reviewed_by"
    ).prefetch_related(
        Prefetch("evidence", queryset=EvidenceFile.objects.order_by("pk"))
    ).order_by("version")
    reports = list(
        FormalReport.objects.filter(inspection=inspection)
        .prefetch_related(Prefetch("submissions", queryset=submissions))
        .order_by("kind")
    )
    signals = formal_report_signals(reports, calendar=workday_calendar(), inspection=inspection)
    return [ReportRow(r, signals[r.pk], list(r.submissions.all())) for r in reports]


def formal_submission(*, pk: int) -> FormalReportSubmission | None:
    """The submission `pk` with its report and inspection, for a review form (the service
    checks who may review; the view checks the reader first)."""
    return (
        FormalReportSubmission.objects.select_related("report__inspection__organisation")
        .filter(pk=pk)
        .first()
    )


def formal_report(*, pk: int) -> FormalReport | None:
    """The report `pk` with its inspection, for the submit form."""
    return FormalReport.objects.select_related("inspection__organisation").filter(pk=pk).first()


def evaluations(*, user: User, inspection: Inspection) -> list[EffectivenessEvaluation]:
    """The inspection's evaluations, newest first, with their scores (two queries)."""
    require(user, Action.VIEW, inspection=inspection)
    return list(
        EffectivenessEvaluation.objects.filter(inspection=inspection)
        .select_related("evaluator")
        .prefetch_related(
            Prefetch("scores", queryset=EvaluationScore.objects.order_by("pk"))
        )
        .order_by("-evaluated_at", "-id")
    )
