"""The inspection dashboard and the homes, timed through Django's test client (view and
template rendering included) on the generated ledger.

    .venv/bin/python benchmarks/dashboard_bench.py --scale 0.1 [--database-url URL]
        [--repeat 20] [--no-generate]

Generates the synthetic ledger (benchmarks/generate.py; `--no-generate` reuses one), picks
the inspection with the most measures and the unit leading the most open measures, gives
bench users the office and unit roles there, and prints, median of `--repeat` warm runs,
the milliseconds and SQL queries of: the dashboard as the office and as the unit, the
office's home, the unit's home. Targets (#10): dashboard < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # sibling script, importable once its folder is on sys.path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="整改看板与工作台基准")
    ap.add_argument("--scale", type=float, required=True)
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--no-generate", action="store_true", help="reuse the existing ledger")
    args = ap.parse_args(argv)
    url = args.database_url or generate.default_database_url(args.scale)
    if not args.no_generate:
        generate.reset_database(url)
    generate.configure(url)
    if not args.no_generate:
        generate.build(args.scale, verbose=False)

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import Organisation, RoleAssignment, User
    from zhenggai.ledger.models import MEASURE_OPEN, Inspection, Measure

    setup_test_environment()  # the test client's host is allowed
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    # Pages link static files by name; the benchmark has no collected manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    biggest = (
        Measure.objects.values("inspection").annotate(n=Count("id")).order_by("-n", "inspection")
    ).first()
    busiest = (
        Measure.objects.filter(MEASURE_OPEN)
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n", "lead_unit")
    ).first()
    assert biggest and busiest, "no measures: generate the ledger first"
    inspection = Inspection.objects.select_related("organisation").get(pk=biggest["inspection"])
    unit = Organisation.objects.get(pk=busiest["lead_unit"])
    office, _ = User.objects.get_or_create(username="bench-office")
    RoleAssignment.objects.get_or_create(
        user=office, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    liaison, _ = User.objects.get_or_create(username=f"bench-unit-{unit.pk}")
    RoleAssignment.objects.get_or_create(user=liaison, role=Role.UNIT, organisation=unit)
    unit_inspection = Measure.objects.filter(lead_unit=unit).values_list("inspection", flat=True)[0]

    def client(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    pages = [
        ("dashboard, office", client(office), f"/inspections/{inspection.pk}/dashboard/"),
        ("dashboard, unit", client(liaison), f"/inspections/{unit_inspection}/dashboard/"),
        ("home, office", client(office), "/"),
        ("home, unit", client(liaison), "/"),
        # A small page of the shell, for the machine's baseline at the same moment.
        ("notification inbox (reference)", client(office), "/notifications/"),
    ]
    print(
        f"scale {args.scale:g} · {connection.vendor} · {platform.node()} · load {os.getloadavg()}"
    )
    print(
        f"inspection {inspection.pk}: {biggest['n']} measures; unit {unit.pk}: {busiest['n']} open"
    )
    print()
    print("| page | median ms | queries |")
    print("| --- | ---: | ---: |")
    for name, c, path in pages:
        for _i in range(3):
            response = c.get(path)
            assert response.status_code == 200, (path, response.status_code)
        times: list[float] = []
        for _i in range(args.repeat):
            t0 = time.perf_counter()
            c.get(path)
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            c.get(path)
        print(f"| {name} | {statistics.median(times):.1f} | {len(ctx.captured_queries)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
