"""The two formal reports owed after feedback, and their submissions to the inspection office.

A `FormalReport` is the obligation (one per inspection and kind, with its due date); each
time the office sends it, a `FormalReportSubmission` is added with the text, the files
(`EvidenceFile.formal_report_submission`) and, later, the reviewer's decision. Submissions
are append-only: a returned report is sent again as a new version, and the returned one
keeps what was sent, who returned it, when and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.ledger.choices import FormalReportKind, FormalReportState, ReviewDecision


class FormalReport(models.Model):
    """One of the two formal reports due after feedback (整改情况报告, 主要负责人落实情况报告).

    `state` sums up its submissions: planned (nothing sent, or the last one was returned),
    submitted (awaiting review), accepted. `submitted_at` is the time of the submission that
    stands; a return clears it, so the report counts as open again until it is resent.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="formal_reports",
    )
    kind = models.CharField(_("报告类型"), max_length=32, choices=FormalReportKind.choices)
    due_date = models.DateField(_("报送期限"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    document = models.FileField(
        _("报告文件"), upload_to="reports/%Y/%m/", max_length=255, blank=True
    )
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=FormalReportState.choices,
        default=FormalReportState.PLANNED,
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("正式报告")
        verbose_name_plural = _("正式报告")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "kind"], name="ledger_formalreport_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(state=FormalReportState.PLANNED) | Q(submitted_at__isnull=False),
                name="ledger_formalreport_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=FormalReportState.PLANNED) | Q(submitted_at__isnull=True),
                name="ledger_formalreport_planned_has_no_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.get_kind_display()}"


class FormalReportSubmission(models.Model):
    """One submission (报送) of a formal report and the reviewer's decision on it.

    Undecided while `decision` is empty; a decision names its reviewer and time, a return
    its reason, and the reviewer is never the one who submitted. At most one submission of
    a report awaits a decision.
    """

    report = models.ForeignKey(
        FormalReport,
        verbose_name=_("正式报告"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    summary = models.TextField(_("报告内容摘要"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="formal_report_submissions",
    )
    submitted_at = models.DateTimeField(_("报送时间"), default=clock.now)
    decision = models.CharField(
        _("审核结论"), max_length=16, choices=ReviewDecision.choices, blank=True
    )
    opinion = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="formal_report_reviews",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("正式报告报送记录")
        verbose_name_plural = _("正式报告报送记录")
        ordering = ["report", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "version"], name="ledger_formalreportsub_unique_version"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(decision=""),
                name="ledger_formalreportsub_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ledger_formalreportsub_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", *ReviewDecision.values]),
                name="ledger_formalreportsub_decision_valid",
            ),
            # Undecided: no reviewer, no time. Decided: both.
            models.CheckConstraint(
                condition=Q(decision="", reviewed_by__isnull=True, reviewed_at__isnull=True)
                | (~Q(decision="") & Q(reviewed_by__isnull=False, reviewed_at__isnull=False)),
                name="ledger_formalreportsub_decision_complete",
            ),
            # 退回 must say why (GLOSSARY: return with reasons).
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.RETURN) | ~Q(opinion=""),
                name="ledger_formalreportsub_return_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("submitted_by")),
                name="ledger_formalreportsub_reviewer_not_submitter",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True) | Q(reviewed_at__gte=F("submitted_at")),
                name="ledger_formalreportsub_reviewed_after_submitted",
            ),
        ]

    def __str__(self) -> str:
        state = self.get_decision_display() if self.decision else _("待审核")
        return f"{self.report} · 第{self.version}版 · {state}"
