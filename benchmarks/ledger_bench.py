"""The ledger's main query through the ORM against the same query in hand-written SQL.

    .venv/bin/python benchmarks/ledger_bench.py --scale 0.01 [--database-url URL]
        [--repeat 50] [--depth 101] [--no-generate]

Generates the synthetic ledger (benchmarks/generate.py, timed; `--no-generate` reuses an
existing one), picks the unit that leads the most open measures, and times, on the same
connection, median of `--repeat` warm runs:
- `measure_page` (open states, deadline order, joined up to the inspection and the primary
  finding's problem and aspect, with each measure's latest progress): the first page, and
  page `--depth` reached by keyset cursor (the deepest page when the unit has fewer);
- the same page `--depth` by OFFSET, for comparison;
- `measure_count`;
- each one again as one hand-written SQL statement returning the same rows (checked), and
  the ORM / hand-SQL ratio. Two alternatives of the selector are timed too: the latest
  progress by a ROW_NUMBER() query, and NULL deadlines last in one statement.
Prints Markdown tables for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # sibling script, importable once its folder is on sys.path

#: One statement with everything the ORM's page loads. The latest report is a LATERAL
#: subquery on PostgreSQL and a correlated one on SQLite (which has no LATERAL).
HAND_PAGE = """
SELECT m.*, i.*, u.*, mf.*, f.*, p.*, a.*, pr.*
FROM ledger_measure m
JOIN ledger_inspection i ON i.id = m.inspection_id
LEFT JOIN accounts_organisation u ON u.id = m.lead_unit_id
LEFT JOIN ledger_measurefinding mf ON mf.measure_id = m.id AND mf.is_primary
LEFT JOIN ledger_finding f ON f.id = mf.finding_id
LEFT JOIN ledger_problem p ON p.id = f.problem_id
LEFT JOIN ledger_aspect a ON a.id = p.aspect_id
{latest}
WHERE m.lead_unit_id = %s AND NOT (m.state = 'closed') AND m.deadline IS NOT NULL {keyset}
ORDER BY m.deadline, m.id
LIMIT %s{offset}
"""
LATEST = {
    "postgresql": """LEFT JOIN LATERAL (
    SELECT * FROM ledger_progressreport r WHERE r.measure_id = m.id
    ORDER BY r.reported_at DESC, r.id DESC LIMIT 1) pr ON true""",
    "sqlite": """LEFT JOIN ledger_progressreport pr ON pr.id = (
    SELECT r.id FROM ledger_progressreport r WHERE r.measure_id = m.id
    ORDER BY r.reported_at DESC, r.id DESC LIMIT 1)""",
}
HAND_COUNT = "SELECT COUNT(*) FROM ledger_measure WHERE lead_unit_id = %s AND NOT (state = 'closed')"


def median_ms(*fns: Callable[[], Any], repeat: int, warm: int = 3) -> list[float]:
    """Median wall time of each function, in ms, interleaved run by run.

    Interleaving makes the ORM and its hand-SQL twin share whatever else the machine is
    doing at that moment, so their ratio stays meaningful on a busy 2-core box.
    """
    for _ in range(warm):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, bucket in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - t0)
    return [statistics.median(bucket) * 1000 for bucket in times]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="台账主查询基准：ORM 与手写 SQL 对比")
    ap.add_argument("--scale", type=float, required=True)
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--depth", type=int, default=101, help="the page reached by cursor")
    ap.add_argument("--page-size", type=int, default=50)
    ap.add_argument("--no-generate", action="store_true", help="reuse the existing ledger")
    args = ap.parse_args(argv)
    url = args.database_url or generate.default_database_url(args.scale)

    if not args.no_generate:
        generate.reset_database(url)
    generate.configure(url)
    gen: dict[str, Any] | None = None
    if not args.no_generate:
        gen = generate.build(args.scale, verbose=False)

    from django.db import connection
    from django.db.models import Count

    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import RoleAssignment, User
    from zhenggai.ledger.models import MEASURE_OPEN, Measure
    from zhenggai.ledger.selectors import decode_cursor, measure_count, measure_page
    from zhenggai.ledger.selectors.pages import (
        _attach_fixed,
        _attach_latest_progress,
        _attach_primary_findings,
        _joined,
        _measures,
    )

    size = args.page_size
    busiest = (
        Measure.objects.filter(MEASURE_OPEN)
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "no open measure: generate the ledger first"
    from zhenggai.accounts.models import Organisation

    unit = Organisation.objects.get(pk=busiest["lead_unit"])
    # The unit's own liaison reads its ledger (the selectors take the user and scope to it).
    reader, _ = User.objects.get_or_create(username=f"bench-unit-{unit.pk}")
    RoleAssignment.objects.get_or_create(user=reader, role=Role.UNIT, organisation=unit)
    dated_open = Measure.objects.filter(MEASURE_OPEN, lead_unit=unit, deadline__isnull=False).count()
    # The deepest page that the hand SQL (dated rows only) and the ORM both fill completely.
    depth = max(1, min(args.depth, dated_open // size))
    after = None
    for _ in range(depth - 1):
        page = measure_page(user=reader, unit=unit, after=after, page_size=size)
        assert page.next_cursor is not None
        after = decode_cursor(page.next_cursor)
    offset = (depth - 1) * size

    def orm_page(after: Any = None, **kw: Any) -> Callable[[], list[int]]:
        return lambda: [m.pk for m in measure_page(user=reader, unit=unit, after=after, page_size=size, **kw).measures]

    def orm_offset() -> list[int]:
        qs = _joined(_measures(unit=unit, inspection=None, states=None),
                     unit=unit, inspection=None, plan="split")
        rows = list(qs.filter(deadline__isnull=False).order_by("deadline", "id")[offset : offset + size])
        _attach_fixed(rows, unit=unit, inspection=None)
        _attach_primary_findings(rows)
        _attach_latest_progress(rows, "split")
        return [m.pk for m in rows]

    def hand(keyset: bool = False, with_offset: bool = False) -> Callable[[], list[int]]:
        sql = HAND_PAGE.format(
            latest=LATEST[connection.vendor],
            keyset="AND (m.deadline, m.id) > (%s, %s)" if keyset else "",
            offset=" OFFSET %s" if with_offset else "",
        )
        params: list[Any] = [unit.pk]
        if keyset:
            assert after is not None
            params += [connection.ops.adapt_datefield_value(after[0]), after[1]]
        params.append(size)
        if with_offset:
            params.append(offset)

        def run() -> list[int]:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return [row[0] for row in cursor.fetchall()]

        return run

    def hand_count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(HAND_COUNT, [unit.pk])
            return int(cursor.fetchone()[0])

    cases: list[tuple[str, Callable[[], Any], Callable[[], Any] | None]] = [
        ("first page", orm_page(), hand()),
        (f"page {depth}, keyset", orm_page(after), hand(keyset=True)),
        (f"page {depth}, OFFSET {offset}", orm_offset, hand(with_offset=True)),
        ("exact count", lambda: measure_count(user=reader, unit=unit), hand_count),
        ("first page, plan joined (1 query)", orm_page(_plan="joined"), None),
        (f"page {depth}, plan joined (1 query)", orm_page(after, _plan="joined"), None),
        ("first page, plan window (3 queries)", orm_page(_plan="window"), None),
        (f"page {depth}, plan window (3 queries)", orm_page(after, _plan="window"), None),
        ("first page, NULLS LAST in one statement", orm_page(_split_nulls=False), None),
        (f"page {depth}, NULLS LAST in one statement", orm_page(after, _split_nulls=False), None),
    ]
    # The hand SQL must return what the ORM returns, or the comparison means nothing.
    for name, orm, hand_fn in cases:
        if hand_fn is not None:
            assert orm() == hand_fn(), name

    vendor = connection.vendor
    version = (
        connection.cursor().connection.info.server_version
        if vendor == "postgresql"
        else connection.connection.execute("select sqlite_version()").fetchone()[0]
    )
    print(f"\n### {vendor} {version}, scale {args.scale:g}\n")
    print(f"Busiest unit: {unit.name} — {measure_count(user=reader, unit=unit):,} open measures "
          f"({dated_open:,} with a deadline); page size {size}; median of {args.repeat} warm runs.")
    if gen:
        counts = gen["counts"]
        print(f"Generated in {gen['seconds']:.1f} s: {counts['inspection']:,} inspections, "
              f"{counts['finding']:,} findings, {counts['measure']:,} measures, "
              f"{counts['progressreport']:,} progress reports.")
    print("\n| query | ORM (ms) | hand SQL (ms) | ORM / SQL |\n| --- | ---: | ---: | ---: |")
    for name, orm, hand_fn in cases:
        if hand_fn is None:
            (orm_ms,) = median_ms(orm, repeat=args.repeat)
            print(f"| {name} | {orm_ms:.2f} | | |")
            continue
        orm_ms, hand_ms = median_ms(orm, hand_fn, repeat=args.repeat)
        print(f"| {name} | {orm_ms:.2f} | {hand_ms:.2f} | {orm_ms / hand_ms:.1f}× |")
    print(f"\nPython {platform.python_version()}, {platform.machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
