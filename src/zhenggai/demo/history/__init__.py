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
import random

from zhenggai import clock
from zhenggai.accounts.models import Organisation
from zhenggai.demo.history.measures import explanation, measure_story
from zhenggai.demo.history.plan import draft_plan, leading_group, people, revise
from zhenggai.demo.history.records import follow_up, formal_reports, records
from zhenggai.demo.history.timeline import (
    Cast,
    HistorySummary,
    Timeline,
    add_working_days,
    base_date,
    run,
)
from zhenggai.ledger.choices import AnswerKind
from zhenggai.ledger.models import Assignment, Finding, Inspection, Measure
from zhenggai.ledger.services.plan import plan_approve
from zhenggai.workdays.selectors import workday_calendar

__all__ = ["Cast", "HistorySummary", "history_replay"]


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
    timeline = Timeline(calendar, rng, now)
    base = base_date(inspection)
    people(inspection, cast, units, rng)

    def work(day: dt.date, n: int) -> dt.date:
        return add_working_days(calendar, day, n)

    planning = timeline.story()
    planning.on(work(base, 1), lambda: leading_group(inspection, cast))
    planning.on(work(base, 3), lambda: draft_plan(inspection, cast, units, rng, base))
    planning.on(work(base, 6), lambda: revise(inspection, cast, "征求班子成员和各责任单位意见后修订", rng))
    planning.on(work(base, 8), lambda: revise(inspection, cast, "根据县委巡察办审核意见修订", rng))
    approved = work(base, 10)
    planning.on(approved, lambda: plan_approve(plan=inspection.plan, actor=cast.leader))
    # The plan's events run first; the stories below are planned from its outcome, so
    # they are laid out once the planning events have run.
    run(timeline, summary)
    if not planning.open:
        return summary  # the feedback is too recent for an approved plan: nothing more

    timeline = Timeline(calendar, rng, now)
    measures = list(
        Measure.objects.filter(inspection=inspection).prefetch_related("assignments", "findings")
        .order_by("sort_order")
    )
    for measure in measures:
        items: list[Assignment | None] = list(measure.assignments.all()) or [None]
        for assignment in items:
            measure_story(timeline, measure, assignment, cast=cast, start=approved, work=work, summary=summary)
    for finding in Finding.objects.filter(inspection=inspection, answer_kind=AnswerKind.EXPLAINED):
        day = work(approved, rng.randint(5, 20))
        timeline.story().on(day, explanation(finding, cast))
    records(timeline, inspection, cast, approved, rng, work)
    formal_reports(timeline, inspection, cast, work)
    run(timeline, summary)

    follow_up(inspection, cast, base=base, now=now, rng=rng, work=work, summary=summary)
    return summary

