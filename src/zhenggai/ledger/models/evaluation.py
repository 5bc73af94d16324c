"""Effectiveness evaluation (整改成效评估): a scored assessment of an inspection's rectification."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.ledger.choices import EvaluationGrade


class EffectivenessEvaluation(models.Model):
    """An evaluation by the supervisor; `total` is 0–100, the sum of its indicator scores."""

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    evaluated_at = models.DateTimeField(_("评估时间"), default=clock.now)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=16, choices=EvaluationGrade.choices)
    reasons = models.TextField(_("评估意见"), blank=True)

    class Meta:
        verbose_name = _("整改成效评估")
        verbose_name_plural = _("整改成效评估")
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=Decimal(0), total__lte=Decimal(100)),
                name="ledger_evaluation_total_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.total}（{self.get_grade_display()}）"


class EvaluationScore(models.Model):
    """The deduction on one indicator of an evaluation, with its reason."""

    evaluation = models.ForeignKey(
        EffectivenessEvaluation,
        verbose_name=_("评估"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    indicator_code = models.CharField(_("指标代码"), max_length=32)
    indicator_label = models.CharField(_("指标名称"), max_length=128)
    max_points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    deduction = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1, default=Decimal(0))
    reason = models.TextField(_("扣分理由"), blank=True)

    class Meta:
        verbose_name = _("评估指标得分")
        verbose_name_plural = _("评估指标得分")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator_code"], name="ledger_evaluationscore_unique"
            ),
            models.CheckConstraint(
                condition=Q(deduction__gte=Decimal(0), deduction__lte=F("max_points")),
                name="ledger_evaluationscore_deduction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_label}：-{self.deduction}"
