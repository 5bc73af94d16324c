"""Effectiveness evaluation (整改成效评估): deductions from 100 on configurable indicators.

After the concentrated rectification period the discipline commission or the organisation
department (role `supervisor`) scores an inspection. Each indicator has a maximum; the
evaluator deducts points with a reason; the total is 100 minus the deductions and gives the
grade 好 (≥ 90) / 较好 (≥ 80) / 一般 (≥ 60) / 差. A 差 means a follow-up review (回头看) is
required: the inspectors of the inspection (the office when none is registered) are
notified, because a FollowUpReview row records a review that was *done* (reviewer, date,
conclusion) and must not be faked as a placeholder.

Indicators come from `settings.ZHENGGAI_EVALUATION_INDICATORS` ([(code, label, max)…]) or
the `indicators` argument; their maxima must add up to 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require, role_holders
from zhenggai.audit.services import audit_record
from zhenggai.ledger.choices import EvaluationGrade
from zhenggai.ledger.models import EffectivenessEvaluation, EvaluationScore, Inspection
from zhenggai.notifications.services import notification_send

#: Error messages (asserted by the tests).
INDICATORS_NOT_100 = "评估指标分值合计须为100分，当前为{total}分"
UNKNOWN_INDICATOR = "未知的评估指标：{code}"
DUPLICATE_INDICATOR = "评估指标重复：{code}"
DEDUCTION_OUT_OF_RANGE = "“{label}”扣分须在0到{max}分之间"
DEDUCTION_NEEDS_REASON = "“{label}”扣分须说明理由"
BAD_NUMBER = "扣分须为数字：{value}"
FOLLOW_UP_TITLE = "整改成效评估为“差”，需开展回头看"
FOLLOW_UP_BODY = "《{inspection}》整改成效评估得分{total}分，等次为“差”，请组织开展巡察整改“回头看”。"

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    max_points: Decimal


DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    Indicator("deployment", "部署推进", Decimal(20)),
    Indicator("task_completion", "任务完成", Decimal(40)),
    Indicator("organisation", "组织保障", Decimal(15)),
    Indicator("public_satisfaction", "群众满意度", Decimal(15)),
    Indicator("overall", "综合评价", Decimal(10)),
)

#: Lower bounds of the grades, best first; below the last one the grade is 差.
GRADE_THRESHOLDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), EvaluationGrade.GOOD),
    (Decimal(80), EvaluationGrade.FAIRLY_GOOD),
    (Decimal(60), EvaluationGrade.AVERAGE),
)


def configured_indicators() -> tuple[Indicator, ...]:
    """The indicators from settings, else the defaults; checked to add up to 100."""
    raw = getattr(settings, "ZHENGGAI_EVALUATION_INDICATORS", None)
    if not raw:
        return DEFAULT_INDICATORS
    return check_indicators(Indicator(str(c), str(lbl), Decimal(str(m))) for c, lbl, m in raw)


def check_indicators(indicators: Iterable[Indicator]) -> tuple[Indicator, ...]:
    out = tuple(indicators)
    total = sum((i.max_points for i in out), Decimal(0))
    if total != HUNDRED:
        raise ValidationError(INDICATORS_NOT_100.format(total=_points(total)))
    codes = [i.code for i in out]
    for code in codes:
        if codes.count(code) > 1:
            raise ValidationError(DUPLICATE_INDICATOR.format(code=code))
    return out


def grade_for(total: Decimal) -> str:
    for bound, grade in GRADE_THRESHOLDS:
        if total >= bound:
            return grade
    return EvaluationGrade.POOR


def _decimal(value: object) -> Decimal:
    """A deduction as stored (one decimal place), so the audit entry shows what the row holds."""
    try:
        return Decimal(str(value)).quantize(TENTH)
    except InvalidOperation as exc:
        raise ValidationError(BAD_NUMBER.format(value=value)) from exc


def _points(value: Decimal) -> str:
    """10 not 1E+1, 8.5 not 8.50."""
    return f"{value.normalize():f}"


@transaction.atomic
def evaluation_record(
    *,
    inspection: Inspection,
    scores: Sequence[tuple[str, object, str]],
    reasons: str,
    actor: User,
    indicators: Iterable[Indicator] | None = None,
) -> EffectivenessEvaluation:
    """Record an evaluation: `scores` are (indicator code, deduction, reason) triples.

    Indicators not listed get no deduction. Everything is checked before anything is
    written; the evaluation, its scores and the audit entry commit together.
    """
    require(actor, Action.EVALUATE, inspection=inspection)
    chosen = check_indicators(indicators) if indicators is not None else configured_indicators()
    by_code = {i.code: i for i in chosen}
    given: dict[str, tuple[Decimal, str]] = {}
    errors: list[str] = []
    for code, deduction, reason in scores:
        indicator = by_code.get(code)
        if indicator is None:
            errors.append(UNKNOWN_INDICATOR.format(code=code))
            continue
        if code in given:
            errors.append(DUPLICATE_INDICATOR.format(code=code))
            continue
        points = _decimal(deduction)
        if not Decimal(0) <= points <= indicator.max_points:
            errors.append(
                DEDUCTION_OUT_OF_RANGE.format(
                    label=indicator.label, max=_points(indicator.max_points)
                )
            )
        elif points > 0 and not reason.strip():
            errors.append(DEDUCTION_NEEDS_REASON.format(label=indicator.label))
        given[code] = (points, reason.strip())
    if errors:
        raise ValidationError(errors)

    total = (HUNDRED - sum((points for points, _ in given.values()), Decimal(0))).quantize(TENTH)
    evaluation = EffectivenessEvaluation(
        inspection=inspection,
        evaluator=actor,
        total=total,
        grade=grade_for(total),
        reasons=reasons.strip(),
    )
    evaluation.full_clean()
    evaluation.save()
    rows = [
        EvaluationScore(
            evaluation=evaluation,
            indicator_code=i.code,
            indicator_label=i.label,
            max_points=i.max_points,
            deduction=given.get(i.code, (Decimal(0), ""))[0].quantize(TENTH),
            reason=given.get(i.code, (Decimal(0), ""))[1],
        )
        for i in chosen
    ]
    for row in rows:
        row.full_clean(exclude=["evaluation"])
    EvaluationScore.objects.bulk_create(rows)

    notified: list[int] = []
    if evaluation.grade == EvaluationGrade.POOR:
        notified = _ask_for_follow_up_review(evaluation)
    audit_record(
        actor=actor,
        action="evaluation.record",
        obj=evaluation,
        before=None,
        after={
            "inspection": inspection.pk,
            "total": str(total),
            "grade": evaluation.grade,
            "reasons": evaluation.reasons,
            "scores": [
                {"code": r.indicator_code, "deduction": str(r.deduction), "reason": r.reason}
                for r in rows
            ],
            "follow_up_notified": notified,
        },
    )
    return evaluation


def _ask_for_follow_up_review(evaluation: EffectivenessEvaluation) -> list[int]:
    """Notify the inspectors (else the office) that a follow-up review is required."""
    inspection = evaluation.inspection
    users = list(role_holders(role=Role.INSPECTOR, inspection=inspection))
    if not users:
        users = list(role_holders(role=Role.OFFICE, inspection=inspection))
    body = FOLLOW_UP_BODY.format(inspection=inspection.title, total=evaluation.total)
    for user in users:
        notification_send(user=user, title=FOLLOW_UP_TITLE, body=body, about=inspection)
    return [u.pk for u in users]
