"""Time the main pages' views, template rendering included, through Django's test client.

    .venv/bin/python benchmarks/pages_bench.py --scale 0.1 [--database-url URL]
        [--repeat 20] [--generate]

Runs against the synthetic ledger of benchmarks/generate.py (`--generate` builds it first,
dropping what is there; without it the ledger of that scale must exist). Two readers, as
the issue asks: an office holding the province's root with its sub-tree (it reads every
inspection: the widest scope there is) and the liaison of the unit that leads the most open
measures. Each page is requested `--repeat` times per reader after two warm-up requests;
the minimum (the un-loaded cost on a shared machine; the target mark ✗ compares it),
the median and the 90th percentile are printed, with the status code and the number of SQL
queries of one request. A page that is not installed yet answers 404 and is reported as
such, not as a crash. Prints a Markdown table for docs/benchmarks.md.

Issue #10's pages (the ledger in its filters and sorts, the detail pages, the inspection
dashboard, the homes) and issue #11's: the search (a common word, a long phrase, a phrase
of findings), a saved view opened (each reader's "红灯未办结", made through the service)
and the list of saved views, and 总览 over every inspection the reader sees. Before timing,
the database is migrated, the search index built when empty (the generator writes rows
around the services), today's rollup taken when missing and the planner's statistics
refreshed (SQLite's ANALYZE), as the daily cycle does.

To time another page, add one line to PAGES: a name and a function from the `Subjects`
(ids picked from the generated ledger) and the reader to the URL.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # sibling script, importable once its folder is on sys.path

#: Targets (ms) of issue #10 (ledger and detail pages, the inspection dashboard) and of
#: issue #11 (the search, a saved view — a ledger page —, the cross-inspection dashboard).
TARGET_MS = {"ledger": 50, "detail": 50, "dashboard": 100, "search": 50}


@dataclass(frozen=True)
class Subjects:
    """Ids of the generated ledger that the pages are opened on."""

    inspection: int  # the inspection holding the busiest unit's most measures
    finding: int
    measure: int
    unit: int
    #: The query string of each reader's saved view (by user id).
    saved: dict[int, str]


def _ledger_cursor(s: Subjects, user: Any) -> str:
    """The URL of the ledger's second page for `user` (a cursor from its first page)."""
    from zhenggai.ledger.selectors.filters import LedgerQuery
    from zhenggai.ledger.selectors.ledger_list import ledger_listing
    from zhenggai.ledger.selectors.ledger_sort import LedgerOrder

    listing = ledger_listing(user=user, query=LedgerQuery(), order=LedgerOrder(), with_count=False)
    return f"/ledger/?cursor={listing.next_cursor}" if listing.next_cursor else "/ledger/"


def _reverse(name: str, pk: int) -> str:
    from django.urls import reverse

    return reverse(name, kwargs={"pk": pk})


#: (name, kind for the target, URL builder). One line per page.
PAGES: list[tuple[str, str, Callable[[Subjects, Any], str]]] = [
    ("ledger", "ledger", lambda s, u: "/ledger/"),
    ("ledger, page 2 by cursor", "ledger", _ledger_cursor),
    (
        "ledger, open, by state ↓",
        "ledger",
        lambda s, u: "/ledger/?state=planned&state=in_progress&state=returned&sort=-state",
    ),
    ("ledger, red signal, by unit", "ledger", lambda s, u: "/ledger/?signal=red&sort=unit"),
    ("ledger, last updated first", "ledger", lambda s, u: "/ledger/?sort=-updated"),
    ("ledger, stalled", "ledger", lambda s, u: "/ledger/?stalled=1"),
    ("ledger, one inspection", "ledger", lambda s, u: f"/ledger/?inspection={s.inspection}"),
    ("inspection page", "detail", lambda s, u: _reverse("ledger:inspection-detail", s.inspection)),
    ("finding page", "detail", lambda s, u: _reverse("ledger:finding-detail", s.finding)),
    ("measure page", "detail", lambda s, u: _reverse("ledger:measure-detail", s.measure)),
    ("inspection dashboard", "dashboard", lambda s, u: _reverse("ledger:dashboard", s.inspection)),
    ("home", "dashboard", lambda s, u: "/"),
    ("search 整改 (common)", "search", lambda s, u: "/search/?q=整改"),
    ("search 规范财务审批流程 (long)", "search", lambda s, u: "/search/?q=规范财务审批流程"),
    ("search 公务用车 (findings)", "search", lambda s, u: "/search/?q=公务用车"),
    ("saved view (open, red, by deadline)", "ledger", lambda s, u: f"/ledger/?{s.saved[u.pk]}"),
    ("saved views list", "ledger", lambda s, u: "/ledger/views/"),
    ("总览 (cross-inspection, rollup)", "dashboard", lambda s, u: "/overview/"),
]

#: The filters of the saved view each reader opens: measures still open with a red signal.
SAVED_QUERY = "state=planned&state=in_progress&state=returned&signal=red"


def _subjects_and_readers() -> tuple[Subjects, dict[str, Any]]:
    from django.db.models import Count

    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import Organisation, RoleAssignment, User
    from zhenggai.ledger.models import MEASURE_OPEN, Measure, MeasureFinding

    busiest = (
        Measure.objects.filter(MEASURE_OPEN)
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        raise SystemExit("pages_bench: no open measure; run with --generate first")
    unit = Organisation.objects.get(pk=busiest["lead_unit"])
    inspection = (
        Measure.objects.filter(lead_unit=unit)
        .values("inspection")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert inspection is not None
    measure = (
        Measure.objects.filter(lead_unit=unit, inspection_id=inspection["inspection"])
        .order_by("id")
        .first()
    )
    assert measure is not None
    link = MeasureFinding.objects.filter(measure=measure, is_primary=True).first()
    root = Organisation.objects.filter(parent__isnull=True).order_by("id").first()
    assert root is not None
    office, _ = User.objects.get_or_create(username="bench-office")
    RoleAssignment.objects.get_or_create(
        user=office, role=Role.OFFICE, organisation=root, defaults={"include_subtree": True}
    )
    liaison, _ = User.objects.get_or_create(username=f"bench-unit-{unit.pk}")
    RoleAssignment.objects.get_or_create(user=liaison, role=Role.UNIT, organisation=unit)
    subjects = Subjects(
        inspection=inspection["inspection"],
        finding=link.finding_id if link else 0,
        measure=measure.pk,
        unit=unit.pk,
        saved={user.pk: _saved_view(user) for user in (office, liaison)},
    )
    return subjects, {"office": office, f"unit ({unit.name})": liaison}


def _saved_view(user: Any) -> str:
    """The query string of `user`'s saved view (created through the service once)."""
    from django.http import QueryDict

    from zhenggai.ledger.models import SavedView
    from zhenggai.ledger.selectors.filters import LedgerQuery
    from zhenggai.ledger.services.saved_views import saved_view_create

    view = SavedView.objects.filter(user=user, name="红灯未办结").first()
    if view is None:
        query = LedgerQuery.from_querydict(QueryDict(SAVED_QUERY))
        view = saved_view_create(user=user, name="红灯未办结", query=query)
    return view.query


def _prepare() -> None:
    """What the search and 总览 read besides the ledger, as a deployed installation has it:
    the bigram index (built once, the generator writes around the services), today's
    rollup and the planner's statistics (both the daily cycle's)."""
    from zhenggai import clock
    from zhenggai.ledger.models import SearchGram
    from zhenggai.ledger.services.search_index import search_index_rebuild
    from zhenggai.urging.models import OverviewRollup
    from zhenggai.urging.services import snapshot_take
    from zhenggai.urging.services.statistics import planner_statistics_refresh

    if not SearchGram.objects.exists():
        t0 = time.perf_counter()
        search_index_rebuild()
        print(f"(search index built in {time.perf_counter() - t0:.0f} s)")
    if not OverviewRollup.objects.filter(taken_on=clock.today()).exists():
        t0 = time.perf_counter()
        snapshot_take(today=clock.today())
        print(f"(today's rollup taken in {time.perf_counter() - t0:.0f} s)")
    # The daily cycle's last step: the planner's statistics (SQLite; indexes added by a
    # migration since the last ANALYZE have none, and SQLite then plans by guesswork).
    planner_statistics_refresh()


def _time(client: Any, url: str, repeat: int) -> tuple[int, int, float, float, float]:
    """(status, queries of one request, minimum, median and 90th percentile ms). On a
    shared machine the minimum is the closest to the page's own cost: other processes only
    ever add time."""
    from django.db import connection

    # Counted by an execute wrapper, which outlives the connection being closed and
    # reopened around each request (CONN_MAX_AGE 0 on SQLite), unlike the query log.
    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    for _ in range(2):
        client.get(url, secure=True)
    with connection.execute_wrapper(counter):
        status = client.get(url, secure=True).status_code
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    return status, count, times[0], statistics.median(times), p90


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="页面响应时间基准（测试客户端，含模板渲染）")
    ap.add_argument("--scale", type=float, required=True)
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--generate", action="store_true", help="drop and generate the ledger first")
    args = ap.parse_args(argv)
    url = args.database_url or generate.default_database_url(args.scale)
    # The test client over plain settings: static names as they are (no collected manifest).
    os.environ.setdefault("ZHENGGAI_MANIFEST_STATIC", "0")
    if args.generate:
        generate.reset_database(url)
    generate.configure(url)
    if args.generate:
        generate.build(args.scale, verbose=False)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    _prepare()
    subjects, readers = _subjects_and_readers()
    vendor = connection.vendor
    load = os.getloadavg()
    print(f"\n### Pages, {vendor}, scale {args.scale:g}\n")
    print(
        f"Minimum, median and 90th percentile of {args.repeat} requests through the test client "
        f"(after 2 warm-up requests); load average at start {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f} on {os.cpu_count()} CPUs.\n"
    )
    print("| page | reader | status | queries | min (ms) | median (ms) | p90 (ms) | target |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for reader_name, user in readers.items():
        client = Client()
        client.force_login(user)
        for name, kind, build_url in PAGES:
            path = build_url(subjects, user)
            status, queries, least, median, p90 = _time(client, path, args.repeat)
            target = TARGET_MS[kind]
            if status in (403, 404):
                why = "not installed" if status == 404 else "not this reader's page"
                print(f"| {name} | {reader_name} | {status} ({why}) | {queries} | — | — | — | {target} |")
                continue
            mark = "" if least < target else " ✗"
            print(
                f"| {name} | {reader_name} | {status} | {queries} | {least:.1f}{mark} | "
                f"{median:.1f} | {p90:.1f} | {target} |"
            )
    print(
        f"\nPython {platform.python_version()}, {platform.machine()}; "
        f"load average at end {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
