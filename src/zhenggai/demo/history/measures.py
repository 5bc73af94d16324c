"""One measure's (or one unit's share's) story: reports, requests, returns, extensions,
close-out, check-ins; and explanations accepted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.demo.files import docx_bytes, xlsx_bytes
from zhenggai.demo.history.texts import (
    CLOSE_OUT_SUMMARIES,
    EXTENSION_REASONS,
    FINAL_REPORTS,
    FIRST_REPORTS,
    MIDDLE_REPORTS,
    RETURN_REASONS,
)
from zhenggai.demo.history.timeline import (
    Cast,
    HistorySummary,
    Timeline,
)
from zhenggai.ledger.choices import (
    AcceptanceDecision,
    AcceptanceParty,
    CloseOutState,
    Urgency,
)
from zhenggai.ledger.models import (
    Assignment,
    CheckIn,
    CloseOutRequest,
    Extension,
    Finding,
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
)
from zhenggai.ledger.services.extension import extension_approve, extension_request
from zhenggai.ledger.services.plan import (
    add_months,
)
from zhenggai.ledger.services.progress import progress_report_submit


def reporter_of(measure: Measure, assignment: Assignment | None, cast: Cast) -> User:
    unit_id = assignment.unit_id if assignment is not None else measure.lead_unit_id
    return cast.unit_users[unit_id or 0]


def measure_story(
    timeline: Timeline,
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
    reporter = reporter_of(measure, assignment, cast)
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
    story.on(first, report_event(measure_id, assignment_id, reporter, rng.choice(FIRST_REPORTS), rng.choice((20, 30, 40))))
    story.on(middle, report_event(measure_id, assignment_id, reporter, rng.choice(MIDDLE_REPORTS), rng.choice((60, 70, 80))))
    if rng.random() < 0.15:
        story.on(finish - dt.timedelta(days=10), _request(measure_id, assignment_id, reporter, "已整改。"))
        story.on(
            finish - dt.timedelta(days=8),
            _return_latest(measure_id, assignment_id, cast, rng.choice(RETURN_REASONS), summary),
        )
    story.on(finish - dt.timedelta(days=3), report_event(measure_id, assignment_id, reporter, rng.choice(FINAL_REPORTS), 100))
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


def evidence_file(title: str, body: str, *, kind: str = "docx") -> ContentFile[bytes]:
    """A small real document (Word or Excel) standing for the unit's proof of work."""
    if kind == "xlsx":
        data = xlsx_bytes("销号材料清单", [["序号", "材料名称", "说明"], [1, title, body]])
    else:
        data = docx_bytes(title, [body, f"日期：{clock.today():%Y年%m月%d日}"])
    return ContentFile(data, name=f"{title}.{kind}")


def report_event(
    measure_id: int, assignment_id: int | None, reporter: User, narrative: str, percent: int
) -> Callable[[], Any]:
    def run() -> Any:
        measure, assignment = _item(measure_id, assignment_id)
        files = [evidence_file(f"第{_number(measure)}项整改进展佐证", f"{measure.content}\n{narrative}")]
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
        files = [evidence_file(f"第{_number(measure)}项销号材料清单", summary, kind="xlsx")]
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


def explanation(finding: Finding, cast: Cast) -> Callable[[], Any]:
    def run() -> Any:
        assert cast.secretary is not None
        explanation_accept(
            finding=Finding.objects.get(pk=finding.pk), approver_person=cast.secretary, actor=cast.leader
        )

    return run

