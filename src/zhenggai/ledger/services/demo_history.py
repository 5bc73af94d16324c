"""The demo's history: months of rectification replayed through the workflow services.

Why through the services and not by writing states: the demo then holds exactly what
users would have produced — progress reports with evidence, returned and approved
close-out requests, extensions, check-ins, reopenings, records and their audit entries —
and every rule (permissions, deadlines fixed by approved extensions, a finding closing
with its last measure) is the one the services enforce. Nothing here sets a state.

Why a replay in time order: each event is dated by running its service inside
`clock.travel(moment)`; stories of different measures interleave, so the events of all
stories are sorted and run oldest first, as an office would have lived them. Events that
would fall after now are not run: a measure whose story is cut there stays in progress,
overdue or awaiting review, which is what a live ledger looks like.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from zhenggai import clock
from zhenggai.accounts.models import Organisation, Person, User
from zhenggai.core.workdays import WorkdayCalendar
from zhenggai.ledger.choices import (
    AcceptanceDecision,
    AcceptanceParty,
    AnswerKind,
    CloseOutState,
    FindingScope,
    FormalReportKind,
    LeadingGroupRole,
    MeasureState,
    Urgency,
)
from zhenggai.ledger.models import (
    Assignment,
    CheckIn,
    CloseOutRequest,
    Extension,
    Finding,
    FormalReport,
    FormalReportSubmission,
    Inspection,
    Measure,
)
from zhenggai.ledger.services.close_out import (
    acceptance_record,
    check_in_record,
    close_out_request_approve,
    close_out_request_create,
    close_out_request_leader_approve,
    close_out_request_return,
    explanation_accept,
    follow_up_review_create,
    reopen,
)
from zhenggai.ledger.services.demo_files import docx_bytes, xlsx_bytes
from zhenggai.ledger.services.evaluation import evaluation_record
from zhenggai.ledger.services.extension import extension_approve, extension_request
from zhenggai.ledger.services.formal_reports import (
    formal_report_accept,
    formal_report_return,
    formal_report_submit,
)
from zhenggai.ledger.services.key_findings import finding_set_key
from zhenggai.ledger.services.plan import (
    LeadingGroupEntry,
    add_months,
    finding_set_scope,
    leading_group_set,
    measure_update,
    plan_approve,
    plan_create,
    plan_revise,
)
from zhenggai.ledger.services.progress import progress_report_submit
from zhenggai.records.choices import AccountabilityForm, ActivityKind, InstitutionKind
from zhenggai.records.services import accountability_record, activity_record, institution_record
from zhenggai.workdays.selectors import workday_calendar

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN_NAMES = (
    "建国", "红梅", "志强", "海燕", "立新", "晓东", "春华", "文斌", "丽娟", "国庆", "永刚",
    "雪梅", "德明", "秀英", "振华", "玉兰", "伟", "静", "磊", "敏", "军", "芳", "涛", "婷",
)

FIRST_REPORTS = (
    "已召开专题会议研究部署，明确责任人和完成时限，正在按计划推进。",
    "已完成自查和问题清单梳理，制定了具体整改措施。",
    "已组织专项检查，对发现的问题建立了清单，正在逐项整改。",
)
MIDDLE_REPORTS = (
    "相关制度修订稿已形成，正在征求意见；整改措施已部分落实。",
    "已完成大部分整改任务，剩余工作正在推进，佐证材料正在整理。",
    "问题清单中的事项已整改过半，对整改情况开展了抽查。",
)
FINAL_REPORTS = (
    "整改措施已全部落实，相关制度已印发执行，佐证材料已整理归档。",
    "问题已整改到位，建立了长效工作机制，经自查未发现反弹。",
)
CLOSE_OUT_SUMMARIES = (
    "整改任务已全部完成，制度已印发，申请销号。",
    "问题已整改到位，佐证材料齐全，申请销号。",
)
RETURN_REASONS = (
    "佐证材料不足，缺少制度印发文件和执行记录，请补充后重新申请。",
    "整改成效说明过于笼统，请补充具体数据和整改前后对比。",
)
EXTENSION_REASONS = (
    "涉及跨部门协调和资金安排，需待县财政预算调整后实施，申请延期一个月。",
    "工程项目受汛期施工条件限制，无法按期完成，申请延期一个月。",
)
INSTITUTIONS = (
    ("党组工作规则", InstitutionKind.REVISED),
    ("“三重一大”事项集体决策制度实施办法", InstitutionKind.REVISED),
    ("财务管理和报销审批办法", InstitutionKind.REVISED),
    ("公务接待管理办法", InstitutionKind.ESTABLISHED),
    ("工程建设项目全过程管理办法", InstitutionKind.ESTABLISHED),
    ("政府采购内部控制制度", InstitutionKind.ESTABLISHED),
    ("意识形态工作责任制实施细则", InstitutionKind.REVISED),
    ("干部日常监督管理办法", InstitutionKind.ESTABLISHED),
)
ACTIVITIES = (
    (ActivityKind.STUDY, "党组理论学习中心组巡察整改专题学习", 15),
    (ActivityKind.WARNING_EDUCATION, "警示教育大会", 180),
    (ActivityKind.TRAINING, "财务和项目管理业务培训", 90),
    (ActivityKind.MEETING, "巡察整改专题民主生活会", 9),
    (ActivityKind.STUDY, "各党支部巡察整改专题组织生活会", 120),
)
EVALUATION_SCORES = (
    ("deployment", "0", ""),
    ("task_completion", "3", "个别整改措施未按期完成"),
    ("organisation", "1", "整改台账更新不够及时"),
    ("public_satisfaction", "2", "部分群众反映的问题整改效果有待巩固"),
)


@dataclass
class Cast:
    """Who acts in the demo: the role users and the people named in the plan."""

    office: User
    leader: User
    supervisor: User
    inspector: User
    unit_users: dict[int, User]
    secretary: Person | None = None
    deputies: list[Person] = field(default_factory=list)
    unit_heads: dict[int, Person] = field(default_factory=dict)
    liaisons: dict[int, Person] = field(default_factory=dict)


@dataclass
class HistorySummary:
    """What the replay did, for the command's output and the tests."""

    events_run: int = 0
    returns: int = 0
    extensions: int = 0
    reopenings: int = 0


@dataclass(order=True)
class _Event:
    at: dt.datetime
    seq: int
    run: Callable[[], Any] = field(compare=False)


class _Timeline:
    """Events of every story; `story()` hands out strictly increasing working-day times."""

    def __init__(self, calendar: WorkdayCalendar, rng: random.Random, now: dt.datetime) -> None:
        self.calendar = calendar
        self.rng = rng
        self.now = now
        self.events: list[_Event] = []

    def moment(self, day: dt.date, *, after: dt.datetime | None = None) -> dt.datetime:
        """A working-hours time on the first working day on or after `day` (and `after`)."""
        if after is not None:
            day = max(day, timezone.localdate(after))
        day = _add_working_days(self.calendar, day, 0)
        minutes = self.rng.randint(9 * 60, 17 * 60)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60)))
        if after is not None and at <= after:
            at = after + dt.timedelta(minutes=self.rng.randint(20, 90))
        return at

    def story(self) -> _Story:
        return _Story(self)

    def add(self, at: dt.datetime, run: Callable[[], Any]) -> bool:
        """Keep the event unless it lies in the future; False tells the story to stop."""
        if at > self.now:
            return False
        self.events.append(_Event(at, len(self.events), run))
        return True


class _Story:
    """One item's events in order; once an event falls after now, the rest are dropped."""

    def __init__(self, timeline: _Timeline) -> None:
        self.timeline = timeline
        self.last: dt.datetime | None = None
        self.open = True

    def on(self, day: dt.date, run: Callable[[], Any]) -> bool:
        if not self.open:
            return False
        at = self.timeline.moment(day, after=self.last)
        self.open = self.timeline.add(at, run)
        self.last = at
        return self.open


def history_replay(
    inspection: Inspection,
    *,
    cast: Cast,
    units: list[Organisation],
    rng: random.Random,
    summary: HistorySummary | None = None,
) -> HistorySummary:
    """Plan, report, urge, close and record the inspection's rectification up to now."""
    summary = summary or HistorySummary()
    now = clock.now()
    calendar = workday_calendar()
    timeline = _Timeline(calendar, rng, now)
    base = _base_date(inspection)
    _people(inspection, cast, units, rng)

    def work(day: dt.date, n: int) -> dt.date:
        return _add_working_days(calendar, day, n)

    planning = timeline.story()
    planning.on(work(base, 1), lambda: _leading_group(inspection, cast))
    planning.on(work(base, 3), lambda: _draft_plan(inspection, cast, units, rng, base))
    planning.on(work(base, 6), lambda: _revise(inspection, cast, "征求班子成员和各责任单位意见后修订", rng))
    planning.on(work(base, 8), lambda: _revise(inspection, cast, "根据县委巡察办审核意见修订", rng))
    approved = work(base, 10)
    planning.on(approved, lambda: plan_approve(plan=inspection.plan, actor=cast.leader))
    # The plan's events run first; the stories below are planned from its outcome, so
    # they are laid out once the planning events have run.
    _run(timeline, summary)
    if not planning.open:
        return summary  # the feedback is too recent for an approved plan: nothing more

    timeline = _Timeline(calendar, rng, now)
    measures = list(
        Measure.objects.filter(inspection=inspection).prefetch_related("assignments", "findings")
        .order_by("sort_order")
    )
    for measure in measures:
        items: list[Assignment | None] = list(measure.assignments.all()) or [None]
        for assignment in items:
            _measure_story(timeline, measure, assignment, cast=cast, start=approved, work=work, summary=summary)
    for finding in Finding.objects.filter(inspection=inspection, answer_kind=AnswerKind.EXPLAINED):
        day = work(approved, rng.randint(5, 20))
        timeline.story().on(day, _explanation(finding, cast))
    _records(timeline, inspection, cast, approved, rng, work)
    _formal_reports(timeline, inspection, cast, work)
    _run(timeline, summary)

    _follow_up(inspection, cast, base=base, now=now, rng=rng, work=work, summary=summary)
    return summary


def _add_working_days(calendar: WorkdayCalendar, day: dt.date, n: int) -> dt.date:
    """`n` working days after `day` (n = 0: `day` itself, or the next working day), by the
    calendar every caller counts with (core/workdays.py's one rule for unconfirmed years)."""
    if not calendar.is_working_day(day):
        day = calendar.add_working_days(day, 1)
    return calendar.add_working_days(day, n)


def _run(timeline: _Timeline, summary: HistorySummary) -> None:
    for event in sorted(timeline.events):
        with clock.travel(event.at):
            event.run()
        summary.events_run += 1


def _base_date(inspection: Inspection) -> dt.date:
    if inspection.feedback_date:
        return inspection.feedback_date
    issued = (
        inspection.source_documents.exclude(issue_date=None)
        .values_list("issue_date", flat=True)
        .first()
    )
    return issued or clock.today()


# --- people and plan ---------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _people(inspection: Inspection, cast: Cast, units: list[Organisation], rng: random.Random) -> None:
    """The people the plan names: the committee's secretary (the leader user's person) and
    deputies; each unit's head (its principal, 主要负责人) and liaison (the unit user's
    person, who is the responsible person of the unit's measures). Linking the users lets
    reminders and escalations reach accounts in the demo, not only the office."""
    committee = inspection.organisation
    cast.secretary = Person.objects.create(
        organisation=committee,
        name=_name(rng),
        position="党组书记、局长",
        user=None if Person.objects.filter(user=cast.leader).exists() else cast.leader,
    )
    cast.deputies = [
        Person.objects.create(organisation=committee, name=_name(rng), position=position)
        for position in ("党组成员、副局长", "党组成员、副局长", "党组成员、纪检组长")
    ]
    for unit in units:
        head = Person.objects.create(
            organisation=unit, name=_name(rng), position=f"{unit.name}主要负责人"
        )
        cast.unit_heads[unit.pk] = head
        if unit.principal_id is None:
            unit.principal = head
            unit.save(update_fields=["principal"])
        user = cast.unit_users.get(unit.pk)
        if user is None:
            continue
        liaison = Person.objects.filter(user=user).first()
        if liaison is None:
            liaison = Person.objects.create(
                organisation=unit, name=_name(rng), position="整改联络员", user=user
            )
        cast.liaisons[unit.pk] = liaison


def _leading_group(inspection: Inspection, cast: Cast) -> None:
    assert cast.secretary is not None
    members = [LeadingGroupEntry(cast.secretary, LeadingGroupRole.LEADER, "全面负责巡察整改工作")]
    members += [LeadingGroupEntry(p, LeadingGroupRole.DEPUTY_LEADER, "分管领域整改") for p in cast.deputies]
    members += [LeadingGroupEntry(p, LeadingGroupRole.MEMBER) for p in cast.unit_heads.values()]
    leading_group_set(
        inspection=inspection, members=members, principal_leader=cast.secretary, actor=cast.office
    )


def _draft_plan(
    inspection: Inspection, cast: Cast, units: list[Organisation], rng: random.Random, base: dt.date
) -> None:
    """The office drafts the plan: urgency, deadline and the people of every measure."""
    plan_create(inspection=inspection, title=f"{inspection.organisation.name}巡察反馈意见整改方案", actor=cast.office)
    measures = list(Measure.objects.filter(inspection=inspection).order_by("sort_order"))
    for measure in measures:
        roll = rng.random()
        if roll < 0.2:
            urgency, deadline = Urgency.IMMEDIATE, add_months(base, 1)
        elif roll < 0.33:
            urgency, deadline = Urgency.LONG_TERM, None  # watched, not closed by a date
        else:
            urgency, deadline = Urgency.SCHEDULED, add_months(base, rng.randint(2, 6))
        liaison = cast.liaisons.get(measure.lead_unit_id or 0)
        measure_update(
            measure=measure,
            urgency=urgency,
            deadline=deadline,
            responsible_leader=rng.choice(cast.deputies) if cast.deputies else None,
            responsible_person=liaison,
            actor=cast.office,
        )
    findings = list(Finding.objects.filter(inspection=inspection).order_by("problem__sort_order", "sort_order"))
    # The first problem's findings are key (重点问题): their close-out needs the leader too.
    first_problem = findings[0].problem_id if findings else None
    for finding in findings:
        if finding.problem_id == first_problem:
            finding_set_key(finding=finding, is_key=True, actor=cast.office)
    # One finding concerns several units (共性问题): each gets its own assignment.
    common_candidates = [f for f in findings if f.answer_kind == AnswerKind.RECTIFIED]
    if len(units) >= 2 and common_candidates:
        finding = common_candidates[len(common_candidates) // 2]
        finding_set_scope(
            finding=finding, scope=FindingScope.COMMON, concerned_units=units[:2], actor=cast.office
        )


def _revise(inspection: Inspection, cast: Cast, reason: str, rng: random.Random) -> None:
    """A consultation round: a few targets sharpened, then a new revision with its diff."""
    measures = list(Measure.objects.filter(inspection=inspection).order_by("sort_order"))
    for measure in rng.sample(measures, k=min(3, len(measures))):
        target = (measure.target or "").rstrip("。")
        addition = "，并建立长效机制" if "长效" not in target else "，按季度开展检查"
        measure_update(measure=measure, target=(target + addition).lstrip("，") + "。", actor=cast.office)
    plan_revise(plan=inspection.plan, reason=reason, actor=cast.office)


# --- one measure's (or one unit's share's) story --------------------------------------------


def _reporter(measure: Measure, assignment: Assignment | None, cast: Cast) -> User:
    unit_id = assignment.unit_id if assignment is not None else measure.lead_unit_id
    return cast.unit_users[unit_id or 0]


def _measure_story(
    timeline: _Timeline,
    measure: Measure,
    assignment: Assignment | None,
    *,
    cast: Cast,
    start: dt.date,
    work: Callable[[dt.date, int], dt.date],
    summary: HistorySummary,
) -> None:
    rng = timeline.rng
    story = timeline.story()
    reporter = _reporter(measure, assignment, cast)
    measure_id, assignment_id = measure.pk, assignment.pk if assignment else None
    deadline = (assignment.deadline if assignment else None) or measure.deadline
    long_term = measure.urgency == Urgency.LONG_TERM
    fate = rng.random()
    if long_term:
        finish = work(start, rng.randint(30, 70))
    elif deadline is None:
        finish = work(start, rng.randint(20, 60))
    elif fate < 0.08:
        return  # never started: planned, and overdue once the deadline passes
    elif fate < 0.2:
        finish = deadline + dt.timedelta(days=rng.randint(15, 60))  # late
    elif fate < 0.27:
        new_deadline = add_months(deadline, 1)
        if not story.on(deadline - dt.timedelta(days=12), _extension(measure_id, assignment_id, new_deadline, reporter, cast, summary, timeline.now)):
            return
        finish = new_deadline - dt.timedelta(days=rng.randint(0, 8))
    elif deadline > timezone.localdate(timeline.now) and fate < 0.4:
        # Finishing these days: the close-out request waits for the office's review.
        finish = timezone.localdate(timeline.now) + dt.timedelta(days=rng.randint(0, 1))
    else:
        finish = deadline - dt.timedelta(days=rng.randint(0, 15))
    finish = max(finish, work(start, 4))

    first = start + (finish - start) * rng.randint(15, 35) // 100
    middle = start + (finish - start) * rng.randint(50, 75) // 100
    story.on(first, _report(measure_id, assignment_id, reporter, rng.choice(FIRST_REPORTS), rng.choice((20, 30, 40))))
    story.on(middle, _report(measure_id, assignment_id, reporter, rng.choice(MIDDLE_REPORTS), rng.choice((60, 70, 80))))
    if rng.random() < 0.15:
        story.on(finish - dt.timedelta(days=10), _request(measure_id, assignment_id, reporter, "已整改。"))
        story.on(
            finish - dt.timedelta(days=8),
            _return_latest(measure_id, assignment_id, cast, rng.choice(RETURN_REASONS), summary),
        )
    story.on(finish - dt.timedelta(days=3), _report(measure_id, assignment_id, reporter, rng.choice(FINAL_REPORTS), 100))
    story.on(finish - dt.timedelta(days=1), _request(measure_id, assignment_id, reporter, rng.choice(CLOSE_OUT_SUMMARIES)))
    story.on(work(finish, 2), _approve_latest(measure_id, assignment_id, cast, leader=False))
    story.on(work(finish, 4), _approve_latest(measure_id, assignment_id, cast, leader=True))
    if long_term:
        # Watched measures are checked every period; the check-ins due so far are done.
        period = measure.check_in_period_days or 90
        day = finish
        for _ in range(4):
            day = day + dt.timedelta(days=period)
            story.on(day, _check_in(measure_id, cast))


def _item(measure_id: int, assignment_id: int | None) -> tuple[Measure, Assignment | None]:
    measure = Measure.objects.get(pk=measure_id)
    assignment = Assignment.objects.get(pk=assignment_id) if assignment_id else None
    return measure, assignment


def _number(measure: Measure) -> int:
    return measure.no or measure.sort_order + 1


def _evidence(title: str, body: str, *, kind: str = "docx") -> ContentFile[bytes]:
    """A small real document (Word or Excel) standing for the unit's proof of work."""
    if kind == "xlsx":
        data = xlsx_bytes("销号材料清单", [["序号", "材料名称", "说明"], [1, title, body]])
    else:
        data = docx_bytes(title, [body, f"日期：{clock.today():%Y年%m月%d日}"])
    return ContentFile(data, name=f"{title}.{kind}")


def _report(
    measure_id: int, assignment_id: int | None, reporter: User, narrative: str, percent: int
) -> Callable[[], Any]:
    def run() -> Any:
        measure, assignment = _item(measure_id, assignment_id)
        files = [_evidence(f"第{_number(measure)}项整改进展佐证", f"{measure.content}\n{narrative}")]
        return progress_report_submit(
            measure=measure,
            assignment=assignment,
            narrative=narrative,
            percent=percent,
            as_of=clock.today(),
            files=files,
            actor=reporter,
        )

    return run


def _request(measure_id: int, assignment_id: int | None, reporter: User, summary: str) -> Callable[[], Any]:
    def run() -> Any:
        measure, assignment = _item(measure_id, assignment_id)
        files = [_evidence(f"第{_number(measure)}项销号材料清单", summary, kind="xlsx")]
        return close_out_request_create(
            measure=measure, assignment=assignment, summary=summary, files=files, actor=reporter
        )

    return run


def _latest_request(measure_id: int, assignment_id: int | None) -> CloseOutRequest | None:
    requests = CloseOutRequest.objects.filter(measure_id=measure_id)
    if assignment_id is None:
        requests = requests.filter(assignment__isnull=True)
    else:
        requests = requests.filter(assignment_id=assignment_id)
    return requests.order_by("-requested_at", "-id").first()


def _return_latest(
    measure_id: int, assignment_id: int | None, cast: Cast, reason: str, summary: HistorySummary
) -> Callable[[], Any]:
    def run() -> Any:
        request = _latest_request(measure_id, assignment_id)
        if request is not None and request.state == CloseOutState.PENDING:
            close_out_request_return(request=request, reason=reason, actor=cast.office)
            summary.returns += 1

    return run


def _approve_latest(measure_id: int, assignment_id: int | None, cast: Cast, *, leader: bool) -> Callable[[], Any]:
    """The office's review, or the leader's (key findings) and the three parties' step."""

    def run() -> Any:
        request = _latest_request(measure_id, assignment_id)
        if request is None:
            return
        if not leader and request.state == CloseOutState.PENDING:
            close_out_request_approve(request=request, reason="材料齐全，整改到位。", actor=cast.office)
        elif leader and request.state == CloseOutState.OFFICE_APPROVED:
            if request.measure.inspection.requires_three_party_acceptance:
                for party, actor in _acceptance_parties(cast):
                    if request.state != CloseOutState.OFFICE_APPROVED:
                        break
                    acceptance_record(
                        request=request, party=party, decision=AcceptanceDecision.ACCEPT, actor=actor
                    )
                    request.refresh_from_db()
            if request.state == CloseOutState.OFFICE_APPROVED:
                close_out_request_leader_approve(request=request, reason="同意销号。", actor=cast.leader)

    return run


def _acceptance_parties(cast: Cast) -> Iterator[tuple[str, User]]:
    yield AcceptanceParty.OFFICE, cast.office
    yield AcceptanceParty.INSPECTION_GROUP, cast.inspector
    yield AcceptanceParty.INSPECTED_UNIT, cast.office


def _extension(
    measure_id: int,
    assignment_id: int | None,
    new_deadline: dt.date,
    reporter: User,
    cast: Cast,
    summary: HistorySummary,
    now: dt.datetime,
) -> Callable[[], Any]:
    def run() -> Any:
        measure, assignment = _item(measure_id, assignment_id)
        extension = extension_request(
            measure=measure,
            assignment=assignment,
            new_deadline=new_deadline,
            reason=EXTENSION_REASONS[measure_id % len(EXTENSION_REASONS)],
            actor=reporter,
        )
        with clock.travel(min(clock.now() + dt.timedelta(hours=20), now)):
            extension_approve(extension=Extension.objects.get(pk=extension.pk), actor=cast.leader, note="同意延期。")
        summary.extensions += 1

    return run


def _check_in(measure_id: int, cast: Cast) -> Callable[[], Any]:
    def run() -> Any:
        check_in = CheckIn.objects.filter(measure_id=measure_id, done_at__isnull=True).order_by("due_date").first()
        if check_in is not None and check_in.due_date <= clock.today():
            check_in_record(check_in=check_in, note="长效机制运行正常，未发现问题反弹。", actor=cast.office)

    return run


def _explanation(finding: Finding, cast: Cast) -> Callable[[], Any]:
    def run() -> Any:
        assert cast.secretary is not None
        explanation_accept(
            finding=Finding.objects.get(pk=finding.pk), approver_person=cast.secretary, actor=cast.leader
        )

    return run


# --- records, follow-up review and evaluation -----------------------------------------------


def _records(
    timeline: _Timeline,
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
                person_name=_name(rng),
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


def _formal_reports(
    timeline: _Timeline,
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
            files = [_evidence(str(report.get_kind_display()), text + note)]
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


def _follow_up(
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
            _report(closed.pk, None, _reporter(closed, None, cast), "已针对反弹问题重新整改，正在巩固整改成果。", 60)()
        summary.events_run += 1
