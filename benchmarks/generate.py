"""Build a synthetic province-scale ledger for benchmarks (DESIGN.md §6).

    .venv/bin/python benchmarks/generate.py --scale 0.01 [--database-url URL] [--seed 1] [--reset]

Scale 1 is a province over 5 years: 25,000 inspections, 750,000 findings, 2,500,000
measures, 10,000,000 progress reports (never in CI; 0.01 for quick runs). The database must
be empty: the script runs `migrate`, refuses a database that already holds a ledger
(`--reset` drops and recreates it first), then streams rows in dependency order — COPY
through psycopg's `cursor.copy` on PostgreSQL, one prepared INSERT run by `executemany` in
big batches on SQLite (3× faster than `bulk_create`, which prepares every value) — and
finishes with ANALYZE so the planner sees the real sizes.

What the data looks like, and why:
- a four-level organisation tree (province → cities → counties → units), with the lead
  units of measures drawn from a Zipf law: a few units own many measures, as the busy
  departments of a province do, and the benchmark pages through the busiest one;
- feedback dates spread over the 5 years before `TODAY`; deadlines follow the urgency
  (立行立改 weeks, 限期 months, 长期坚持 often none); old measures are mostly closed, recent
  ones mostly open, so about a quarter of the ledger is open, as in a province that keeps up;
- every DB constraint holds: each state has its milestone time, an extension keeps the
  original deadline, one primary finding per measure, numbering unique per parent;
- texts are Chinese, from the phrase tables of `zhenggai.core.synthetic` and a few here.
Generation is deterministic for a given --seed and --scale (TODAY is fixed, not the clock).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

#: Counts at scale 1 (DESIGN.md §6).
SCALE_1 = {
    "inspections": 25_000,
    "findings": 750_000,
    "measures": 2_500_000,
    "progress_reports": 10_000_000,
}
#: Units (the lowest level of the tree) at scale 1; never fewer than MIN_UNITS.
UNITS_AT_SCALE_1 = 8_000
MIN_UNITS = 60
#: The "now" of the generated ledger: fixed, so that a seed always gives the same data.
TODAY = dt.date(2026, 11, 2)
YEARS = 5
TZ = ZoneInfo("Asia/Shanghai")

CITY_HEADS = "青东南西北云江河平安长清白石金玉丰华兴永"
CITY_TAILS = "山湖川阳州原林桥宁丰溪岭"
DEPARTMENTS = (
    "财政局", "教育局", "卫生健康委员会", "住房和城乡建设局", "城市管理局", "农业农村局",
    "自然资源局", "生态环境局", "市场监督管理局", "交通运输局", "水利局", "民政局",
    "人力资源和社会保障局", "文化和旅游局", "应急管理局", "统计局", "审计局", "林业局",
    "商务局", "医疗保障局", "退役军人事务局", "司法局", "公安局", "发展和改革委员会",
)
KIND_TITLES = {"regular": "常规巡察", "special": "专项巡察", "mobile": "机动巡察",
               "elevated": "提级巡察", "follow_up": "巡察“回头看”"}
NARRATIVES = (
    "已召开党组会专题研究部署，制定整改工作方案，明确责任分工和完成时限。",
    "已完成问题全面排查，建立整改台账，逐项对照推进。",
    "相关制度修订稿已形成，正在征求意见。",
    "已组织开展专题学习研讨和警示教育，干部职工受教育面达到百分之百。",
    "已完成专项检查，发现的问题已逐一督促整改。",
    "制度已印发执行，下一步将加强督促检查，巩固整改成果。",
    "整改任务已全部完成，佐证材料已整理归档，申请对账销号。",
    "已对照整改目标开展“回头看”，未发现问题反弹。",
)
TARGETS = ("问题整改到位，形成长效机制。", "制度健全完善，执行严格规范。",
           "责任落实到位，群众满意度明显提升。", "问题清仓见底，不再发生类似问题。")


def configure(database_url: str | None) -> None:
    """Point Django at the benchmark database, before settings are first read."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")
    import django

    django.setup()


def default_database_url(scale: float) -> str:
    """A scratch SQLite file outside the repository (never the development database)."""
    return f"sqlite:////tmp/zhenggai-bench-{scale:g}.sqlite3"


def reset_database(database_url: str) -> None:
    """Drop and recreate the benchmark database (before Django connects to it)."""
    url = urlparse(database_url)
    if url.scheme.startswith("sqlite"):
        path = Path(url.path[1:] if url.path.startswith("//") else url.path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- distribution helpers -------------------------------------------------------------


def split(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to `weights` summing exactly to `total` (largest remainders)."""
    if not weights:
        return []
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def jitter(rng: random.Random, n: int, spread: float = 0.5) -> list[float]:
    return [rng.uniform(1 - spread, 1 + spread) for _ in range(n)]


def at(day: dt.date, rng: random.Random) -> dt.datetime:
    """An aware datetime during office hours on `day`."""
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59),
                       rng.randint(0, 59), tzinfo=TZ)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# --- loading --------------------------------------------------------------------------


class Loader:
    """Buffers unsaved model instances and writes them in FK order, batch by batch.

    Ids are assigned by the generator (the database is empty), so children reference
    parents without a round trip; sequences are reset at the end.
    """

    def __init__(self, models: Sequence[type[Any]], batch: int) -> None:
        from django.db import connection

        self.connection = connection
        self.models = list(models)
        self.buffers: dict[type[Any], list[Any]] = {m: [] for m in self.models}
        self.counts: Counter[str] = Counter()
        self.batch = batch
        self.pending = 0
        self.postgres = connection.vendor == "postgresql"
        self.now = dt.datetime.now(tz=TZ)

    def add(self, obj: Any) -> None:
        self.buffers[type(obj)].append(obj)
        self.pending += 1
        if self.pending >= self.batch:
            self.flush()

    def flush(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            for model in self.models:
                objs = self.buffers[model]
                if objs:
                    (self._copy if self.postgres else self._insert)(model, objs)
                    self.counts[model._meta.model_name] += len(objs)
                    objs.clear()
        self.pending = 0

    def _rows(self, model: type[Any]) -> tuple[str, list[str], Any]:
        """Table, columns and a row builder: attribute values as the driver takes them.

        Django's per-value preparation (what bulk_create runs) cost 2/3 of the load time on
        SQLite; only dates, datetimes, auto_now and JSON need converting, so only they are.
        """
        from django.db.models import DateField, DateTimeField, JSONField

        ops = self.connection.ops
        from django.db.models import GeneratedField

        # Generated columns (the measure's state_rank) are computed by the database.
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, GeneratedField)]
        now = self.now if self.postgres else ops.adapt_datetimefield_value(self.now)
        auto_now = [i for i, f in enumerate(fields) if getattr(f, "auto_now", False)]
        converters: list[tuple[int, Any]] = []
        for i, f in enumerate(fields):
            if i in auto_now:
                continue
            if isinstance(f, JSONField):
                from psycopg.types.json import Jsonb

                converters.append((i, Jsonb))
            elif not self.postgres and isinstance(f, DateTimeField):
                converters.append((i, ops.adapt_datetimefield_value))
            elif not self.postgres and isinstance(f, DateField):
                converters.append((i, ops.adapt_datefield_value))
        names = [f.attname for f in fields]

        def row(obj: Any) -> list[Any]:
            values = [getattr(obj, name) for name in names]
            for i in auto_now:
                values[i] = now
            for i, convert in converters:
                if values[i] is not None:
                    values[i] = convert(values[i])
            return values

        return ops.quote_name(model._meta.db_table), [ops.quote_name(f.column) for f in fields], row

    def _insert(self, model: type[Any], objs: list[Any]) -> None:
        """SQLite: one prepared INSERT run by executemany (the driver loops in C)."""
        table, columns, row = self._rows(model)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        with self.connection.cursor() as cursor:
            cursor.cursor.executemany(sql, [row(obj) for obj in objs])

    def _copy(self, model: type[Any], objs: list[Any]) -> None:
        """PostgreSQL: COPY FROM STDIN through psycopg's `cursor.copy`."""
        table, columns, row = self._rows(model)
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row(row(obj))

    def finish(self) -> None:
        """Flush, reset sequences past the generated ids, and refresh planner statistics."""
        from django.core.management.color import no_style

        self.flush()
        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(sql)
            cursor.execute("VACUUM ANALYZE" if self.postgres else "ANALYZE")


# --- the ledger -----------------------------------------------------------------------


def place_names(rng: random.Random) -> Iterator[str]:
    """Endless distinct two-character place names (then numbered, past the table)."""
    names = [h + t for h in CITY_HEADS for t in CITY_TAILS]
    rng.shuffle(names)
    for n in itertools.count():
        for name in names:
            yield name if n == 0 else f"{name}{n + 1}"


def build_organisations(loader: Loader, rng: random.Random, units: int) -> list[Any]:
    """Province → cities → counties → units; returns the units (the lowest level)."""
    from zhenggai.accounts.choices import OrganisationKind
    from zhenggai.accounts.models import Organisation, organisation_path

    ids = itertools.count(1)
    names = place_names(rng)
    counties = max(2, -(-units // len(DEPARTMENTS)))
    cities = max(1, counties // 8)

    def org(name: str, kind: str, parent: Any | None, order: int) -> Any:
        pk = next(ids)
        o = Organisation(pk=pk, name=name, short_name=name[-16:], kind=kind, parent=parent,
                         sort_order=order, path=organisation_path(parent, pk))
        loader.add(o)
        return o

    province = org("中共示范省委员会", OrganisationKind.COMMITTEE, None, 0)
    city_orgs = [org(f"{next(names)}市", OrganisationKind.COMMITTEE, province, i)
                 for i in range(cities)]
    county_orgs = [
        org(f"{city.name}{next(names)}{'区' if i % 3 == 0 else '县'}",
            OrganisationKind.COMMITTEE, city, i)
        for i in range(counties)
        for city in [city_orgs[i % cities]]
    ]
    unit_orgs = []
    for i in range(units):
        county = county_orgs[i % counties]
        department = DEPARTMENTS[(i // counties) % len(DEPARTMENTS)]
        unit_orgs.append(org(f"{county.name}{department}", OrganisationKind.BUREAU, county, i))
    return unit_orgs


class Ledger:
    """Generates one inspection after another, with its whole tree, measures and reports."""

    def __init__(self, loader: Loader, rng: random.Random, units: list[Any]) -> None:
        from zhenggai.core import synthetic

        self.loader, self.rng, self.units = loader, rng, units
        self.s = synthetic
        self.ids: dict[str, Iterator[int]] = {
            k: itertools.count(1)
            for k in ("inspection", "aspect", "problem", "finding", "measure", "link", "report")
        }
        # Zipf(1) over a shuffled unit list: the k-th busiest unit leads ~1/k of the busiest's.
        order = list(units)
        rng.shuffle(order)
        self.lead_units = order
        self.lead_cum = list(itertools.accumulate(1 / (k + 1) for k in range(len(order))))
        self.links: list[Any] = []

    def lead_unit(self) -> Any:
        x = self.rng.random() * self.lead_cum[-1]
        return self.lead_units[bisect.bisect_left(self.lead_cum, x)]

    def inspection(self, n_findings: int, n_measures: int, n_reports: int) -> None:
        from zhenggai.core.numerals import int_to_cn
        from zhenggai.ledger.choices import AnswerKind, FindingScope, FindingState
        from zhenggai.ledger.models import Aspect, Finding, Inspection, Problem

        rng, s = self.rng, self.s
        target = rng.choice(self.units)
        feedback = TODAY - days(rng.randint(30, YEARS * 365))
        start = feedback - days(rng.randint(60, 120))
        kind = rng.choices(list(KIND_TITLES), weights=[70, 12, 8, 5, 5])[0]
        group = f"{target.parent.parent.name}委第{int_to_cn(rng.randint(1, 8))}巡察组"
        insp = Inspection(
            pk=next(self.ids["inspection"]), group=group, organisation=target, kind=kind,
            title=f"{group}对{target.name}党组的{KIND_TITLES[kind]}",
            start=start, end=start + days(rng.randint(20, 45)), feedback_date=feedback,
            basis="《中国共产党巡视工作条例》", created_at=at(feedback, rng),
        )
        self.loader.add(insp)

        # Tree: aspects → problems (numbered 1.. across aspects) → findings (1.. per problem).
        n_problems = max(1, min(n_findings, round(n_findings / rng.uniform(2.0, 3.0))))
        n_aspects = max(1, min(n_problems, rng.randint(3, 7)))
        problems_per_aspect = [1 + p for p in split(n_problems - n_aspects, jitter(rng, n_aspects))]
        findings_per_problem = [1 + f for f in split(n_findings - n_problems, jitter(rng, n_problems))]
        findings: list[Any] = []
        problem_no = 0
        for a_index, n_p in enumerate(problems_per_aspect):
            aspect = Aspect(pk=next(self.ids["aspect"]), inspection=insp, no=a_index + 1,
                            marker=f"（{int_to_cn(a_index + 1)}）",
                            title=s.ASPECTS[a_index % len(s.ASPECTS)], sort_order=a_index)
            self.loader.add(aspect)
            for _ in range(n_p):
                problem_no += 1
                problem = Problem(pk=next(self.ids["problem"]), aspect=aspect, inspection=insp,
                                  no=problem_no, marker=f"{problem_no}．", sort_order=problem_no,
                                  title=f"{rng.choice(s.SUBJECTS)}{rng.choice(s.FAULTS)}。")
                self.loader.add(problem)
                for f_no in range(1, findings_per_problem[problem_no - 1] + 1):
                    findings.append(Finding(
                        pk=next(self.ids["finding"]), problem=problem, inspection=insp, no=f_no,
                        marker=f"（{f_no}）", label="主要问题", sort_order=f_no,
                        text=f"{rng.choice(s.SUBJECTS)}{rng.choice(s.FAULTS)}，存在薄弱环节。",
                        scope=FindingScope.COMMON if rng.random() < 0.1 else FindingScope.INDIVIDUAL,
                        is_key=rng.random() < 0.05, created_at=insp.created_at,
                    ))

        # About 1 finding in 20 is answered by an explanation (情况说明) and has no measure.
        explained = {i for i in range(len(findings)) if rng.random() < 0.05}
        rectified = [i for i in range(len(findings)) if i not in explained] or [0]
        explained.discard(rectified[0])
        per_finding = [0] * len(findings)
        base = min(n_measures, len(rectified))
        for i in rectified[:base]:
            per_finding[i] = 1
        for i, extra in zip(rectified, split(n_measures - base, jitter(rng, len(rectified))),
                            strict=True):
            per_finding[i] += extra

        measures: list[Any] = []
        for index, finding in enumerate(findings):
            if index in explained or per_finding[index] == 0:
                finding.answer_kind = AnswerKind.EXPLAINED
                finding.answer = "该问题系历史遗留问题，已报上级部门统筹解决。"
                if rng.random() < 0.7:
                    finding.state = FindingState.CLOSED
                    finding.closed_at = finding.explanation_accepted_at = at(
                        min(TODAY, feedback + days(rng.randint(30, 120))), rng)
                    finding.explanation_expires_on = feedback + days(730)
                continue
            finding_measures = [self.measure(insp, no) for no in range(1, per_finding[index] + 1)]
            finding.answer_kind = AnswerKind.RECTIFIED
            finding.answer = "".join(m.marker + m.content for m in finding_measures)
            self.close_finding(finding, finding_measures)
            for m in finding_measures:
                self.link(m, finding, primary=True)
            measures += finding_measures
        for finding in findings:
            self.loader.add(finding)
        # Common measures: about 1 in 20 also serves a second finding of the inspection.
        for m in measures:
            if len(findings) > 1 and rng.random() < 0.05:
                other = rng.choice(findings)
                if other.pk != m._primary_finding_id:
                    self.link(m, other, primary=False)
        # Reports before the measures are queued: each measure carries its last report's
        # time (`last_reported_at`), as the progress service keeps it. Same random draws
        # in the same order as before, so a seed still gives the same ledger.
        reports = self.reports(measures, n_reports)
        for m in measures:
            self.loader.add(m)
        for link in self.links:
            self.loader.add(link)
        self.links.clear()
        for report in reports:
            self.loader.add(report)

    def link(self, measure: Any, finding: Any, *, primary: bool) -> None:
        from zhenggai.ledger.models import MeasureFinding

        if primary:
            measure._primary_finding_id = finding.pk
        self.links.append(MeasureFinding(pk=next(self.ids["link"]), measure_id=measure.pk,
                                          finding_id=finding.pk, is_primary=primary))

    def measure(self, insp: Any, no: int) -> Any:
        from zhenggai.core.numerals import int_to_cn
        from zhenggai.ledger.choices import MeasureState, Urgency
        from zhenggai.ledger.models import Measure

        rng, s = self.rng, self.s
        feedback = insp.feedback_date
        urgency = rng.choices([Urgency.IMMEDIATE, Urgency.SCHEDULED, Urgency.LONG_TERM],
                              weights=[25, 60, 15])[0]
        deadline: dt.date | None
        if urgency == Urgency.IMMEDIATE:
            deadline = feedback + days(rng.randint(15, 60))
        elif urgency == Urgency.SCHEDULED:
            deadline = None if rng.random() < 0.02 else feedback + days(rng.randint(60, 365))
        else:
            deadline = None if rng.random() < 0.6 else feedback + days(rng.randint(365, 730))
        original = None
        if deadline is not None and rng.random() < 0.08:  # an approved extension (延期)
            original, deadline = deadline, deadline + days(rng.randint(30, 120))

        due = deadline or feedback + days(365)
        p_closed = 0.93 if due < TODAY - days(60) else 0.6 if due < TODAY else 0.25
        m = Measure(
            pk=next(self.ids["measure"]), inspection=insp, no=no, marker=f"{int_to_cn(no)}是",
            content=f"{rng.choice(s.ACTIONS)}，{rng.choice(s.DETAILS)}。",
            target=rng.choice(TARGETS), lead_unit=self.lead_unit(), urgency=urgency,
            deadline=deadline, original_deadline=original, sort_order=no,
            check_in_period_days=90 if urgency == Urgency.LONG_TERM else None,
            created_at=insp.created_at,
        )
        end = min(TODAY, due + days(30))
        span = max(1, (end - feedback).days)
        if rng.random() < p_closed:
            m.state = MeasureState.CLOSED
            if urgency == Urgency.LONG_TERM and rng.random() < 0.7:
                m.state = MeasureState.WATCHING
        elif urgency == Urgency.LONG_TERM and rng.random() < 0.5:
            m.state = MeasureState.WATCHING
        else:
            m.state = rng.choices(
                [MeasureState.PLANNED, MeasureState.IN_PROGRESS, MeasureState.CLOSE_REQUESTED,
                 MeasureState.RETURNED], weights=[15, 60, 15, 10])[0]
        if m.state != MeasureState.PLANNED:
            m.started_at = at(feedback + days(rng.randint(1, min(20, span))), rng)
        if m.state in (MeasureState.CLOSED, MeasureState.WATCHING):
            done = feedback + days(rng.randint(min(10, span), span))
            m.close_requested_at = at(done - days(rng.randint(0, 7)), rng)
            m.closed_at = at(done, rng)
            if m.state == MeasureState.WATCHING:
                m.watching_since = m.closed_at
            m.version = 4
        elif m.state == MeasureState.CLOSE_REQUESTED:
            m.close_requested_at = at(TODAY - days(rng.randint(1, 30)), rng)
            m.version = 3
        elif m.state == MeasureState.RETURNED:
            m.close_requested_at = at(TODAY - days(rng.randint(20, 60)), rng)
            m.returned_at = at(TODAY - days(rng.randint(1, 19)), rng)
            m.version = 4
        elif m.state == MeasureState.IN_PROGRESS:
            m.version = 2
        return m

    @staticmethod
    def close_finding(finding: Any, measures: list[Any]) -> None:
        """A finding closes when all its measures are closed (watching ones keep it watched)."""
        from zhenggai.ledger.choices import FindingState, MeasureState

        states = {m.state for m in measures}
        if states <= {MeasureState.CLOSED, MeasureState.WATCHING}:
            finding.state = (FindingState.WATCHING if MeasureState.WATCHING in states
                             else FindingState.CLOSED)
            finding.closed_at = max(m.closed_at for m in measures)

    def reports(self, measures: list[Any], total: int) -> list[Any]:
        """Spread `total` progress reports over the measures, more on the advanced ones;
        each measure's `last_reported_at` is set to its latest."""
        from zhenggai.ledger.choices import MeasureState
        from zhenggai.ledger.models import ProgressReport

        rng = self.rng
        weight = {MeasureState.PLANNED: 0.15, MeasureState.IN_PROGRESS: 1.0,
                  MeasureState.CLOSE_REQUESTED: 1.2, MeasureState.RETURNED: 1.2,
                  MeasureState.CLOSED: 1.1, MeasureState.WATCHING: 1.4}
        counts = split(total, [weight[m.state] * rng.uniform(0.5, 1.5) for m in measures])
        out: list[Any] = []
        for m, k in zip(measures, counts, strict=True):
            if k == 0:
                continue
            first = m.inspection.feedback_date + days(1)
            last = m.closed_at.date() if m.closed_at else TODAY
            span = max(0, (last - first).days)
            when = sorted(first + days(rng.randint(0, span)) for _ in range(k))
            for i, day in enumerate(when, 1):
                percent = 100 if m.closed_at and i == k else min(95, round(100 * i / (k + 1)))
                report = ProgressReport(
                    pk=next(self.ids["report"]), measure_id=m.pk, reported_at=at(day, rng),
                    as_of=day, narrative=rng.choice(NARRATIVES), percent=percent,
                )
                m.last_reported_at = max(m.last_reported_at or report.reported_at,
                                         report.reported_at)
                out.append(report)
        return out


def build(scale: float, *, seed: int = 1, batch: int = 50_000, verbose: bool = True) -> dict[str, Any]:
    """Migrate, check the database is empty, generate; returns counts and seconds."""
    from django.core.management import call_command

    from zhenggai.accounts.models import Organisation
    from zhenggai.ledger.models import (
        Aspect,
        Finding,
        Inspection,
        Measure,
        MeasureFinding,
        Problem,
        ProgressReport,
    )

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    models = [Organisation, Inspection, Aspect, Problem, Finding, Measure, MeasureFinding,
              ProgressReport]
    busy = [m._meta.label for m in models if m.objects.exists()]
    if busy:
        raise SystemExit(f"generate: database is not empty ({', '.join(busy)}); use --reset")
    target = {k: max(1, round(v * scale)) for k, v in SCALE_1.items()}
    rng = random.Random(seed)
    loader = Loader(models, batch)
    units = build_organisations(loader, rng, max(MIN_UNITS, round(UNITS_AT_SCALE_1 * scale)))
    ledger = Ledger(loader, rng, units)
    n = target["inspections"]
    findings = split(target["findings"], jitter(rng, n))
    measures = split(target["measures"], [f * w for f, w in zip(findings, jitter(rng, n), strict=True)])
    reports = split(target["progress_reports"], measures)
    for i in range(n):
        ledger.inspection(max(1, findings[i]), measures[i], reports[i])
        if verbose and (i + 1) % max(1, n // 10) == 0:
            print(f"  {i + 1}/{n} inspections, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    loader.finish()
    return {"seconds": time.perf_counter() - t0, "counts": dict(loader.counts),
            "vendor": loader.connection.vendor}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成省级规模的合成整改台账（基准测试用）")
    ap.add_argument("--scale", type=float, required=True, help="1 = 25,000 inspections …")
    ap.add_argument("--database-url", help="default: a SQLite file in /tmp for this scale")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=50_000, help="rows buffered per write")
    ap.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    args = ap.parse_args(argv)
    if not 0 < args.scale <= 10:
        ap.error("--scale must be in (0, 10]")
    url = args.database_url or default_database_url(args.scale)
    if args.reset:
        reset_database(url)
    configure(url)
    result = build(args.scale, seed=args.seed, batch=args.batch)
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    print(f"generated on {result['vendor']} in {result['seconds']:.1f} s: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
