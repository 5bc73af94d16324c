"""Close-out (销号): request → reviews → acceptance; follow-up reviews, reopenings, check-ins.

Reviews, acceptances and reopenings are records of decisions: services create them and
never update or delete them (the audit log holds the same facts, hash-chained).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.ledger.choices import (
    ACTIVE_CLOSE_OUT_STATES,
    AcceptanceDecision,
    AcceptanceParty,
    CloseOutState,
    ReviewDecision,
    ReviewStage,
)


class CloseOutRequest(models.Model):
    """A unit's request to close a measure (or its assignment), with summary and evidence."""

    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("整改措施"),
        on_delete=models.CASCADE,
        related_name="close_out_requests",
    )
    assignment = models.ForeignKey(
        "ledger.Assignment",
        verbose_name=_("整改任务"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="close_out_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="close_out_requests",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    summary = models.TextField(_("整改完成情况"))
    state = models.CharField(
        _("状态"), max_length=16, choices=CloseOutState.choices, default=CloseOutState.PENDING
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        constraints = [
            # At most one request awaiting a decision, per measure (whole) or per assignment.
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(state__in=ACTIVE_CLOSE_OUT_STATES, assignment__isnull=True),
                name="ledger_closeout_one_active_measure",
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state__in=ACTIVE_CLOSE_OUT_STATES, assignment__isnull=False),
                name="ledger_closeout_one_active_assign",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "requested_at"], name="ledger_closeout_state_time")
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.get_state_display()}"


class CloseOutReview(models.Model):
    """One reviewer's decision on a close-out request (整改办审核 or 领导审批).

    Immutable: services create it and never update it; a second look is a new review.
    """

    request = models.ForeignKey(
        CloseOutRequest,
        verbose_name=_("销号申请"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        related_name="close_out_reviews",
    )
    stage = models.CharField(_("审核环节"), max_length=16, choices=ReviewStage.choices)
    decision = models.CharField(_("审核结论"), max_length=16, choices=ReviewDecision.choices)
    reason = models.TextField(_("理由"), blank=True)
    decided_at = models.DateTimeField(_("审核时间"), default=clock.now)

    class Meta:
        verbose_name = _("销号审核")
        verbose_name_plural = _("销号审核")
        ordering = ["request", "decided_at", "id"]
        constraints = [
            # 退回 must say why (GLOSSARY: return with reasons).
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.APPROVE) | ~Q(reason=""),
                name="ledger_closeoutreview_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.get_decision_display()}"


class Acceptance(models.Model):
    """One party's acceptance (三方验收) of a close-out; at most one per party and request."""

    request = models.ForeignKey(
        CloseOutRequest,
        verbose_name=_("销号申请"),
        on_delete=models.CASCADE,
        related_name="acceptances",
    )
    party = models.CharField(_("验收方"), max_length=32, choices=AcceptanceParty.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        on_delete=models.PROTECT,
        related_name="acceptances",
    )
    decision = models.CharField(_("验收结论"), max_length=16, choices=AcceptanceDecision.choices)
    note = models.TextField(_("验收意见"), blank=True)
    decided_at = models.DateTimeField(_("验收时间"), default=clock.now)

    class Meta:
        verbose_name = _("验收")
        verbose_name_plural = _("验收")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "party"], name="ledger_acceptance_unique_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} · {self.get_decision_display()}"


class FollowUpReview(models.Model):
    """A follow-up review (回头看) checking that closed findings stay fixed."""

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="follow_up_reviews",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        on_delete=models.PROTECT,
        related_name="follow_up_reviews",
    )
    date = models.DateField(_("检查日期"))
    conclusion = models.TextField(_("检查结论"))
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")

    def __str__(self) -> str:
        return f"{self.inspection} · {self.date}"


class Reopening(models.Model):
    """A closed measure or finding opened again (by a follow-up review or otherwise)."""

    follow_up_review = models.ForeignKey(
        FollowUpReview,
        verbose_name=_("回头看"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reopenings",
    )
    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("整改措施"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reopenings",
    )
    finding = models.ForeignKey(
        "ledger.Finding",
        verbose_name=_("具体问题"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reopenings",
    )
    reason = models.TextField(_("重新打开原因"))
    #: None when the system reopened it (an explanation's acceptance ran out).
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reopenings",
    )
    reopened_at = models.DateTimeField(_("重新打开时间"), default=clock.now)

    class Meta:
        verbose_name = _("重新打开")
        verbose_name_plural = _("重新打开")
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__isnull=False) | Q(finding__isnull=False),
                name="ledger_reopening_has_target",
            ),
        ]

    def __str__(self) -> str:
        return str(self.measure or self.finding)


class CheckIn(models.Model):
    """A periodic check of a long-term measure (长期坚持) that stays watched after close-out."""

    measure = models.ForeignKey(
        "ledger.Measure",
        verbose_name=_("整改措施"),
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    due_date = models.DateField(_("应检查日期"))
    done_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    note = models.TextField(_("检查情况"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_ins",
    )

    class Meta:
        verbose_name = _("跟踪检查")
        verbose_name_plural = _("跟踪检查")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "due_date"], name="ledger_checkin_unique_due"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=Q(done_at__isnull=True),
                name="ledger_checkin_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.due_date}"
