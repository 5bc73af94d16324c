"""Progress reports (整改进展) and evidence files (佐证材料): append-only, versioned.

A correction is a new row that `supersedes` the old one; nothing is overwritten, so what a
reviewer saw when closing a measure stays visible. `supersedes` is unique: versions form a
chain, never a fork.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock


class ProgressReport(models.Model):
    """A dated report on a measure (or one assignment of it) by its responsible unit."""

    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("整改措施"),
        on_delete=models.CASCADE,
        related_name="progress_reports",
    )
    assignment = models.ForeignKey(
        "ledger.Assignment",
        verbose_name=_("整改任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_reports",
    )
    reported_at = models.DateTimeField(_("填报时间"), default=clock.now)
    as_of = models.DateField(_("截至日期"))
    narrative = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("更正的版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="ledger_progressreport_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ledger_progressreport_version_positive"
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="ledger_progressreport_not_self"
            ),
            models.UniqueConstraint(
                fields=["supersedes"], name="ledger_progressreport_supersede_once"
            ),
        ]
        indexes = [
            # DESIGN.md §6: the latest progress of a measure.
            models.Index(fields=["measure", "-reported_at"], name="ledger_pr_measure_time"),
            models.Index(fields=["assignment", "-reported_at"], name="ledger_pr_assign_time"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.as_of}"


class EvidenceFile(models.Model):
    """A file proving a progress report, a close-out request or a formal report's submission.

    `sha256` is indexed, not unique: the same scan may legitimately prove two reports, and
    the index finds such re-uses. Files stay in storage even when superseded; only a file
    written by a transaction that rolls back is removed (services/stored_files.py).
    """

    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=127, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    progress_report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("整改进展"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    close_out_request = models.ForeignKey(
        "ledger.CloseOutRequest",
        verbose_name=_("销号申请"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    formal_report_submission = models.ForeignKey(
        "ledger.FormalReportSubmission",
        verbose_name=_("正式报告报送记录"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_files",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)
    version = models.PositiveIntegerField(_("版本"), default=1)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("替换的版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        constraints = [
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ledger_evidence_version_positive"
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="ledger_evidence_not_self"
            ),
            models.UniqueConstraint(fields=["supersedes"], name="ledger_evidence_supersede_once"),
            # A file proves one thing: a progress report, a close-out request or a formal
            # report's submission (the services demand exactly one; the table at most one).
            models.CheckConstraint(
                condition=Q(progress_report__isnull=True, close_out_request__isnull=True)
                | Q(progress_report__isnull=True, formal_report_submission__isnull=True)
                | Q(close_out_request__isnull=True, formal_report_submission__isnull=True),
                name="ledger_evidence_at_most_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
