"""Effectiveness evaluation (整改成效评估): deductions from 100, grades, follow-up on 差."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import InspectionFactory, OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.choices import EvaluationGrade
from zhenggai.ledger.models import EffectivenessEvaluation, EvaluationScore, Inspection
from zhenggai.ledger.services.evaluation import (
    DEDUCTION_NEEDS_REASON,
    DEDUCTION_OUT_OF_RANGE,
    DEFAULT_INDICATORS,
    FOLLOW_UP_TITLE,
    INDICATORS_NOT_100,
    UNKNOWN_INDICATOR,
    Indicator,
    evaluation_record,
    grade_for,
)
from zhenggai.notifications.models import Notification

pytestmark = pytest.mark.django_db


def user_with(role: str, organisation: Organisation) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def inspection() -> Inspection:
    return InspectionFactory()


def test_default_indicators_add_up_to_100() -> None:
    assert sum(i.max_points for i in DEFAULT_INDICATORS) == 100
    assert [i.label for i in DEFAULT_INDICATORS] == [
        "部署推进", "任务完成", "组织保障", "群众满意度", "综合评价",
    ]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", EvaluationGrade.GOOD),
        ("90", EvaluationGrade.GOOD),
        ("89.5", EvaluationGrade.FAIRLY_GOOD),
        ("80", EvaluationGrade.FAIRLY_GOOD),
        ("79.9", EvaluationGrade.AVERAGE),
        ("60", EvaluationGrade.AVERAGE),
        ("59.5", EvaluationGrade.POOR),
        ("0", EvaluationGrade.POOR),
    ],
)
def test_grade_bounds(total: str, grade: str) -> None:
    assert grade_for(Decimal(total)) == grade


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_only_the_supervisor_evaluates(inspection: Inspection, role: str) -> None:
    actor = user_with(role, inspection.organisation)
    if role == Role.SUPERVISOR:
        evaluation_record(inspection=inspection, scores=[], reasons="整改扎实", actor=actor)
        assert EffectivenessEvaluation.objects.count() == 1
    else:
        with pytest.raises(PermissionDenied, match="整改成效评估"):
            evaluation_record(inspection=inspection, scores=[], reasons="", actor=actor)
        assert not EffectivenessEvaluation.objects.exists()
        assert not AuditEntry.objects.exists()


def test_a_supervisor_elsewhere_cannot_evaluate(inspection: Inspection) -> None:
    with pytest.raises(PermissionDenied):
        evaluation_record(
            inspection=inspection, scores=[], reasons="",
            actor=user_with(Role.SUPERVISOR, OrganisationFactory()),
        )


def test_total_is_100_minus_deductions_with_reasons_kept(inspection: Inspection) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    evaluation = evaluation_record(
        inspection=inspection,
        scores=[
            ("task_completion", "8.5", "3项措施超期未完成"),
            ("public_satisfaction", 3, "群众满意度测评偏低"),
        ],
        reasons="整体推进有力，个别措施滞后。",
        actor=supervisor,
    )
    assert evaluation.total == Decimal("88.5")
    assert evaluation.grade == EvaluationGrade.FAIRLY_GOOD
    assert evaluation.evaluator == supervisor
    scores = {s.indicator_code: s for s in EvaluationScore.objects.filter(evaluation=evaluation)}
    assert set(scores) == {i.code for i in DEFAULT_INDICATORS}
    assert scores["task_completion"].deduction == Decimal("8.5")
    assert scores["task_completion"].reason == "3项措施超期未完成"
    assert scores["deployment"].deduction == 0
    entry = AuditEntry.objects.get(action="evaluation.record")
    assert entry.after["total"] == "88.5"
    assert entry.after["grade"] == EvaluationGrade.FAIRLY_GOOD
    assert {"code": "public_satisfaction", "deduction": "3.0", "reason": "群众满意度测评偏低"} in (
        entry.after["scores"]
    )
    assert not Notification.objects.exists()


def test_bad_scores_are_refused_and_nothing_is_written(inspection: Inspection) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    with pytest.raises(ValidationError) as info:
        evaluation_record(
            inspection=inspection,
            scores=[
                ("speed", 1, "x"),
                ("overall", 11, "超过分值"),
                ("deployment", 2, ""),
            ],
            reasons="",
            actor=supervisor,
        )
    assert info.value.messages == [
        UNKNOWN_INDICATOR.format(code="speed"),
        DEDUCTION_OUT_OF_RANGE.format(label="综合评价", max=10),
        DEDUCTION_NEEDS_REASON.format(label="部署推进"),
    ]
    assert not EffectivenessEvaluation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_indicators_are_configurable_but_must_add_up_to_100(
    inspection: Inspection, settings: object
) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    settings.ZHENGGAI_EVALUATION_INDICATORS = [  # type: ignore[attr-defined]
        ("work", "整改工作", 70), ("mechanism", "长效机制", 30),
    ]
    evaluation = evaluation_record(
        inspection=inspection, scores=[("mechanism", 5, "制度未落地")], reasons="", actor=supervisor
    )
    assert evaluation.total == 95
    assert sorted(evaluation.scores.values_list("indicator_label", flat=True)) == [
        "整改工作", "长效机制",
    ]
    with pytest.raises(ValidationError, match=INDICATORS_NOT_100.format(total=90)):
        evaluation_record(
            inspection=inspection, scores=[], reasons="", actor=supervisor,
            indicators=[Indicator("a", "甲", Decimal(90))],
        )


def test_a_poor_grade_asks_the_inspectors_for_a_follow_up_review(inspection: Inspection) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    inspectors = [user_with(Role.INSPECTOR, inspection.organisation) for _ in range(2)]
    office = user_with(Role.OFFICE, inspection.organisation)
    evaluation = evaluation_record(
        inspection=inspection,
        scores=[
            ("task_completion", 30, "大部分措施未完成"),
            ("organisation", 10, "组织保障不力"),
        ],
        reasons="整改流于形式。",
        actor=supervisor,
    )
    assert evaluation.total == 60 and evaluation.grade == EvaluationGrade.AVERAGE
    evaluation = evaluation_record(
        inspection=inspection,
        scores=[
            ("task_completion", 30, "大部分措施未完成"),
            ("organisation", 11, "组织保障不力"),
        ],
        reasons="整改流于形式。",
        actor=supervisor,
    )
    assert evaluation.total == 59 and evaluation.grade == EvaluationGrade.POOR
    notified = Notification.objects.filter(title=FOLLOW_UP_TITLE)
    assert sorted(n.user_id for n in notified) == sorted(u.pk for u in inspectors)
    assert not notified.filter(user=office).exists()
    assert "59" in notified[0].body
    entry = AuditEntry.objects.filter(action="evaluation.record").order_by("seq").last()
    assert entry is not None
    assert entry.after["follow_up_notified"] == sorted(u.pk for u in inspectors)


def test_without_inspectors_the_office_is_told_to_follow_up(inspection: Inspection) -> None:
    supervisor = user_with(Role.SUPERVISOR, inspection.organisation)
    office = user_with(Role.OFFICE, inspection.organisation)
    evaluation_record(
        inspection=inspection,
        scores=[("task_completion", 40, "未完成"), ("overall", 1, "态度不端正")],
        reasons="",
        actor=supervisor,
    )
    assert list(Notification.objects.values_list("user_id", flat=True)) == [office.pk]
