"""Time the cross-inspection dashboard (总览, /overview/) at province scale, with the rollup.

    .venv/bin/python benchmarks/overview_bench.py --scale 0.04 [--database-url URL]
        [--repeat 20] [--generate]

Runs against the synthetic ledger of benchmarks/generate.py (`--generate` builds it first;
without it the ledger of that scale must exist). The database is migrated (the rollup's
tables) and the rollup taken once for today, as the daily `zhenggai remind` cycle does
(its time is printed too). The reader is an office holding the province's root with its
sub-tree: every inspection, the widest selection there is. The page is requested as it
opens (the newest feedback year), for all years, and for the newest year counted live
(the rollup switched off, for comparison), `--repeat` times after two warm-up requests;
the median and the 90th percentile are printed with the number of SQL queries. Prints Markdown for
docs/benchmarks.md. Separate from pages_bench.py so its page list stays its owner's.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # sibling script, importable once its folder is on sys.path

TARGET_MS = 100


def _median_ms(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    run()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))]


def _queries(client: Any, url: str) -> tuple[int, int]:
    from django.db import connection

    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        status = client.get(url, secure=True).status_code
    return status, count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="总览页面响应时间基准（含每日汇总）")
    ap.add_argument("--scale", type=float, required=True)
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--generate", action="store_true", help="drop and generate the ledger first")
    args = ap.parse_args(argv)
    url = args.database_url or generate.default_database_url(args.scale)
    os.environ.setdefault("ZHENGGAI_MANIFEST_STATIC", "0")
    if args.generate:
        generate.reset_database(url)
    generate.configure(url)
    if args.generate:
        generate.build(args.scale, verbose=False)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from zhenggai import clock
    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import Organisation, RoleAssignment, User
    from zhenggai.ledger.models import Inspection, Measure
    from zhenggai.urging.models import OverviewRollup
    from zhenggai.urging.services import snapshot_take
    from zhenggai.web import overview as ov

    call_command("migrate", verbosity=0)
    root = Organisation.objects.filter(parent__isnull=True).order_by("id").first()
    assert root is not None
    office, _ = User.objects.get_or_create(username="bench-office")
    RoleAssignment.objects.get_or_create(
        user=office, role=Role.OFFICE, organisation=root, defaults={"include_subtree": True}
    )
    t0 = time.perf_counter()
    rows = snapshot_take(today=clock.today())
    snap_s = time.perf_counter() - t0
    coarse = OverviewRollup.objects.filter(taken_on=clock.today()).count()
    newest = Inspection.objects.dates("feedback_date", "year").last()
    year = newest.year if newest else clock.today().year
    load = os.getloadavg()
    print(f"\n### Cross-inspection dashboard, {connection.vendor}, scale {args.scale:g}\n")
    print(
        f"{Inspection.objects.count():,} inspections, {Measure.objects.count():,} measures; "
        f"the rollup (`snapshot_take`: {rows:,} snapshot rows, {coarse:,} overview rows) "
        f"took {snap_s:.1f} s. Median and 90th "
        f"percentile of {args.repeat} requests through the test client (after warm-up); "
        f"load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on "
        f"{os.cpu_count()} CPUs.\n"
    )
    print("| page | status | queries | median (ms) | p90 (ms) | target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    client = Client()
    client.force_login(office)
    live_limit = ov.LIVE_INSPECTIONS
    pages = (
        (f"newest year ({year}), as opened", "/overview/"),
        ("all years", "/overview/?year="),
        (f"year {year} counted live (for comparison)", "LIVE"),
    )
    for name, path in pages:
        if path == "LIVE":  # the page as it would be without the rollup
            ov.LIVE_INSPECTIONS = 10**9
            path = f"/overview/?year={year}"
        else:
            ov.LIVE_INSPECTIONS = live_limit
        client.get(path, secure=True)
        status, queries = _queries(client, path)
        median, p90 = _median_ms(lambda p=path: client.get(p, secure=True), args.repeat)
        mark = "" if median < TARGET_MS else " ✗"
        print(f"| {name} | {status} | {queries} | {median:.1f}{mark} | {p90:.1f} | {TARGET_MS} |")

    ov.LIVE_INSPECTIONS = live_limit
    print(
        f"\nPython {platform.python_version()}, {platform.machine()}; "
        f"load average at end {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
