"""The findings tree of an inspection: aspect → problem → finding (DESIGN.md §5).

`no` is the number the document shows (null when unnumbered) and `marker` the numbering
exactly as written ("（一）", "1.", "(1)"), so a rendered announcement keeps the document's
own punctuation. `sort_order` is the document order and works for unnumbered items too.
Problem and Finding repeat `inspection` (denormalised) so that ledger queries filter on
one column without joins; the importer and services keep it equal to the parent's.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.ledger.choices import AnswerKind, FindingScope, FindingState


class Aspect(models.Model):
    """A top-level category of findings (方面), e.g. 党的政治建设方面."""

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="aspects",
    )
    no = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    marker = models.CharField(_("编号原文"), max_length=16, blank=True)
    # A document without an aspect level has one aspect whose title is empty.
    title = models.TextField(_("标题"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("方面")
        verbose_name_plural = _("方面")
        ordering = ["inspection", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "no"],
                condition=Q(no__isnull=False),
                name="ledger_aspect_unique_no",
            ),
        ]
        indexes = [
            models.Index(fields=["inspection", "sort_order"], name="ledger_aspect_insp_order")
        ]

    def __str__(self) -> str:
        return self.title or str(_("（未分方面）"))


class Problem(models.Model):
    """A numbered problem (问题) under an aspect; the seed numbers them 1–12 across aspects."""

    aspect = models.ForeignKey(
        Aspect, verbose_name=_("方面"), on_delete=models.CASCADE, related_name="problems"
    )
    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="problems",
    )
    no = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    marker = models.CharField(_("编号原文"), max_length=16, blank=True)
    title = models.TextField(_("标题"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["aspect", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["aspect", "no"],
                condition=Q(no__isnull=False),
                name="ledger_problem_unique_no",
            ),
        ]
        indexes = [
            models.Index(fields=["aspect", "sort_order"], name="ledger_problem_aspect_order")
        ]

    def __str__(self) -> str:
        return f"{self.no}. {self.title}" if self.no is not None else self.title


class Finding(models.Model):
    """A concrete finding (具体问题): the unit that is assigned, answered and closed.

    It closes when all its measures close (a service decides). A finding answered by an
    explanation (情况说明) has no measures; the explanation fields record who accepted the
    explanation and until when it holds, because an accepted explanation is reviewed again.
    """

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="findings"
    )
    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    no = models.PositiveSmallIntegerField(_("序号"), null=True, blank=True)
    marker = models.CharField(_("编号原文"), max_length=16, blank=True)
    label = models.CharField(_("引导语"), max_length=32, blank=True, help_text=_("如“主要问题”"))
    text = models.TextField(_("问题表述"))
    scope = models.CharField(
        _("问题类型"), max_length=16, choices=FindingScope.choices, default=FindingScope.INDIVIDUAL
    )
    concerned_units = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("涉及单位"),
        blank=True,
        related_name="concerned_findings",
    )
    answer_kind = models.CharField(
        _("答复方式"), max_length=16, choices=AnswerKind.choices, default=AnswerKind.NONE
    )
    answer = models.TextField(_("整改情况 / 情况说明"), blank=True)
    root_cause = models.TextField(_("原因剖析"), blank=True)
    is_key = models.BooleanField(_("重点问题"), default=False)
    state = models.CharField(
        _("状态"), max_length=16, choices=FindingState.choices, default=FindingState.OPEN
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    explanation_approver = models.ForeignKey(
        "accounts.Person",
        verbose_name=_("情况说明认定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    explanation_accepted_at = models.DateTimeField(_("情况说明认定时间"), null=True, blank=True)
    explanation_expires_on = models.DateField(_("情况说明有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("具体问题")
        verbose_name_plural = _("具体问题")
        ordering = ["problem", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "no"],
                condition=Q(no__isnull=False),
                name="ledger_finding_unique_no",
            ),
            models.CheckConstraint(
                condition=Q(state=FindingState.OPEN) | Q(closed_at__isnull=False),
                name="ledger_finding_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["inspection", "state"], name="ledger_finding_insp_state"),
            models.Index(fields=["problem", "sort_order"], name="ledger_finding_problem_order"),
        ]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 40 else self.text[:40] + "…"
        return f"（{self.no}）{text}" if self.no is not None else text
