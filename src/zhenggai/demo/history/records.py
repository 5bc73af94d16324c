"""Records (institutions, accountability, activities), the formal reports, the follow-up
review and the evaluation."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from zhenggai import clock
from zhenggai.demo.history.measures import evidence_file, report_event, reporter_of
from zhenggai.demo.history.plan import random_name
from zhenggai.demo.history.texts import (
    ACTIVITIES,
    EVALUATION_SCORES,
    INSTITUTIONS,
)
from zhenggai.demo.history.timeline import (
    Cast,
    HistorySummary,
    Timeline,
)
from zhenggai.ledger.choices import (
    FormalReportKind,
    MeasureState,
)
from zhenggai.ledger.models import (
    Finding,
    FormalReport,
    FormalReportSubmission,
    Inspection,
    Measure,
)
from zhenggai.ledger.services.close_out import (
    follow_up_review_create,
    reopen,
)
from zhenggai.ledger.services.evaluation import evaluation_record
from zhenggai.ledger.services.formal_reports import (
    formal_report_accept,
    formal_report_return,
    formal_report_submit,
)
from zhenggai.ledger.services.plan import (
    add_months,
)
from zhenggai.records.choices import AccountabilityForm
from zhenggai.records.services import accountability_record, activity_record, institution_record


def records(
    timeline: Timeline,
    inspection: Inspection,
    cast: Cast,
    start: dt.date,
    rng: random.Random,
    work: Callable[[dt.date, int], dt.date],
) -> None:
    finding_ids = list(
        Finding.objects.filter(inspection=inspection).order_by("pk").values_list("pk", flat=True)
    )
    if not finding_ids:
        return
    year = start.year
    for number, (name, kind) in enumerate(INSTITUTIONS, start=1):
        day = work(start, rng.randint(5, 60))
        linked = rng.sample(finding_ids, k=min(2, len(finding_ids)))

        def institution(name: str = name, kind: str = kind, linked: list[int] = linked, number: int = number) -> Any:
            return institution_record(
                inspection=inspection,
                name=name,
                kind=kind,
                issued_on=clock.today(),
                document_number=f"局党组发〔{year}〕{number + 20}号",
                issuing_body=f"{inspection.organisation.name}党组",
                findings=linked,
                actor=cast.office,
            )

        timeline.story().on(day, institution)
    for kind_, title, participants in ACTIVITIES:
        day = work(start, rng.randint(3, 45))

        def activity(kind_: str = kind_, title: str = title, participants: int = participants) -> Any:
            return activity_record(
                inspection=inspection,
                kind=kind_,
                title=title,
                held_on=clock.today(),
                participants=participants,
                actor=cast.office,
            )

        timeline.story().on(day, activity)
    for form, position in (
        (AccountabilityForm.WRITTEN_INSPECTION, "财务科科长"),
        (AccountabilityForm.ADMONITION_TALK, "工程项目负责人"),
    ):
        day = work(start, rng.randint(20, 50))
        linked = [rng.choice(finding_ids)]

        def accountability(form: str = form, position: str = position, linked: list[int] = linked) -> Any:
            return accountability_record(
                inspection=inspection,
                person_name=random_name(rng),
                position=position,
                form=form,
                decided_on=clock.today(),
                deciding_body="派驻纪检监察组",
                findings=linked,
                actor=cast.supervisor,
            )

        timeline.story().on(day, accountability)
    evaluation_day = add_months(start, 3)
    timeline.story().on(
        evaluation_day,
        lambda: evaluation_record(
            inspection=inspection,
            scores=EVALUATION_SCORES,
            reasons="整改工作部署及时、台账管理规范，个别措施推进滞后，总体较好。",
            actor=cast.supervisor,
        ),
    )


FORMAL_REPORT_TEXTS: dict[str, str] = {
    FormalReportKind.RECTIFICATION_REPORT: (
        "巡察整改情况报告：对照反馈意见逐条整改，已完成的整改措施均经整改办审核销号，"
        "未完成的措施明确了时限和责任人，长期坚持的措施建立了跟踪检查机制。"
    ),
    FormalReportKind.LEADER_REPORT: (
        "主要负责人组织落实巡察整改情况报告：本人作为第一责任人，主持召开党组会议研究整改"
        "方案，逐项审定整改措施，定期听取整改进展汇报，对重点问题亲自督办。"
    ),
}


def formal_reports(
    timeline: Timeline,
    inspection: Inspection,
    cast: Cast,
    work: Callable[[dt.date, int], dt.date],
) -> None:
    """The two reports owed two months after the feedback: sent, the first one returned."""
    for report in FormalReport.objects.filter(inspection=inspection).order_by("kind"):
        if report.due_date is None:
            continue
        story = timeline.story()
        text = FORMAL_REPORT_TEXTS.get(report.kind, "巡察整改情况报告。")
        report_id = report.pk

        def submit(text: str = text, report_id: int = report_id, note: str = "") -> Any:
            report = FormalReport.objects.get(pk=report_id)
            files = [evidence_file(str(report.get_kind_display()), text + note)]
            return formal_report_submit(report=report, summary=text + note, files=files, actor=cast.office)

        def decide(report_id: int = report_id, accept: bool = True) -> Any:
            submission = (
                FormalReportSubmission.objects.filter(report_id=report_id).order_by("-version").first()
            )
            if submission is None:
                return None
            if accept:
                return formal_report_accept(submission=submission, opinion="同意。", actor=cast.inspector)
            return formal_report_return(
                submission=submission, reason="请补充未完成整改措施的具体时限和责任人。", actor=cast.inspector
            )

        story.on(report.due_date - dt.timedelta(days=10), submit)
        if report.kind == FormalReportKind.RECTIFICATION_REPORT:
            story.on(report.due_date - dt.timedelta(days=7), functools.partial(decide, accept=False))
            story.on(report.due_date - dt.timedelta(days=3), functools.partial(submit, note="（修改稿）"))
        story.on(work(report.due_date, 2), decide)


def follow_up(
    inspection: Inspection,
    cast: Cast,
    *,
    base: dt.date,
    now: dt.datetime,
    rng: random.Random,
    work: Callable[[dt.date, int], dt.date],
    summary: HistorySummary,
) -> None:
    """Four months on, the inspection group looks back (回头看) and reopens one closed item."""
    day = work(add_months(base, 4), 0)
    if day >= timezone.localdate(now):
        return
    closed = (
        Measure.objects.filter(inspection=inspection, state=MeasureState.CLOSED, assignments__isnull=True)
        .order_by("closed_at", "pk")
        .first()
    )
    if closed is None or closed.closed_at is None or timezone.localdate(closed.closed_at) >= day:
        return
    with clock.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0)))):
        review = follow_up_review_create(
            inspection=inspection, date=day, conclusion="个别问题存在反弹，已责令重新整改。", actor=cast.inspector
        )
        reopen(measure=closed, reason="制度执行不到位，问题出现反弹", review=review, actor=cast.inspector)
    summary.reopenings += 1
    summary.events_run += 1
    again = work(day, rng.randint(3, 8))
    if again < timezone.localdate(now):
        with clock.travel(timezone.make_aware(dt.datetime.combine(again, dt.time(10, 0)))):
            report_event(closed.pk, None, reporter_of(closed, None, cast), "已针对反弹问题重新整改，正在巩固整改成果。", 60)()
        summary.events_run += 1
