"""Search through the bigram index against a plain substring scan.

    .venv/bin/python benchmarks/search_bench.py --scale 0.01 [--database-url URL]
        [--repeat 20] [--no-generate]

Generates the synthetic ledger (benchmarks/generate.py; `--no-generate` reuses one), builds
the search index (`search_index_rebuild`, timed: the generator writes rows around the
services; reused with `--no-generate`), then times, median of `--repeat` warm runs interleaved, `selectors.search.search`
— the counts of the three kinds and the first page of measures, in ledger order — for a
province-wide reader (an administrator of the root organisation) and for the unit that
leads the most measures, on words of two to six characters, common and rare. Beside each,
the same counts by a substring scan without the index (`icontains` over every text), which
must agree (the search's counts stop at COUNT_CAP: they must equal the scan's, capped), and
the first page must be the scan's first page in ledger order. Prints a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
from ledger_bench import median_ms

#: Common two-character words, a rarer one, longer phrases, and one no text holds.
QUERIES = ("整改", "制度", "公务用车", "规范财务审批流程", "鹦鹉螺")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="检索基准：字对索引与逐行匹配对比")
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

    from django.db import connection
    from django.db.models import Count, Q

    from zhenggai.accounts.choices import Role
    from zhenggai.accounts.models import Organisation, RoleAssignment, User
    from zhenggai.ledger.models import Finding, Measure, Problem, SearchGram
    from zhenggai.ledger.selectors import search as search_module
    from zhenggai.ledger.selectors.search import COUNT_CAP, PAGE_SIZE, search
    from zhenggai.ledger.services.search_index import search_index_rebuild

    built = None
    if not args.no_generate or not SearchGram.objects.exists():
        t0 = time.perf_counter()
        search_index_rebuild()
        built = time.perf_counter() - t0
    rows = SearchGram.objects.count()

    root = Organisation.objects.filter(parent__isnull=True).order_by("pk").first()
    assert root is not None, "no organisation: generate the ledger first"
    province, _ = User.objects.get_or_create(username="bench-province")
    RoleAssignment.objects.get_or_create(
        user=province, role=Role.ADMIN, organisation=root, defaults={"include_subtree": True}
    )
    busiest = Measure.objects.values("lead_unit").annotate(n=Count("id")).order_by("-n").first()
    assert busiest is not None
    unit_user, _ = User.objects.get_or_create(username=f"bench-unit-{busiest['lead_unit']}")
    RoleAssignment.objects.get_or_create(
        user=unit_user, role=Role.UNIT, organisation_id=busiest["lead_unit"]
    )

    def scan(query: str) -> tuple[int, int, int]:
        return (
            Measure.objects.filter(Q(content__icontains=query) | Q(target__icontains=query)).count(),
            Finding.objects.filter(text__icontains=query).count(),
            Problem.objects.filter(title__icontains=query).count(),
        )

    def scan_page(query: str, kind: str) -> list[int]:
        """The first page by the scan, every match sorted in ledger order."""
        rows = {
            "m": Measure.objects.filter(Q(content__icontains=query) | Q(target__icontains=query)),
            "f": Finding.objects.filter(text__icontains=query),
            "p": Problem.objects.filter(title__icontains=query),
        }[kind]
        return [o.pk for o in search_module._ordered(kind, rows)[:PAGE_SIZE]]

    print(f"{connection.vendor}, scale {args.scale}: {Measure.objects.count():,} measures, "
          f"index of {rows:,} rows"
          + (f" built in {built:.1f} s" if built is not None else " (reused)") + "\n")
    print("| query | province: search | unit: search | substring scan | hits (m/f/p) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for query in QUERIES:
        found = search(province, query)
        counts = (found.counts["m"], found.counts["f"], found.counts["p"])
        exact = scan(query)
        assert counts == tuple(min(n, COUNT_CAP) for n in exact), (query, counts, exact)
        assert [h.obj.pk for h in found.hits] == scan_page(query, found.kind), query
        p_ms, u_ms, s_ms = median_ms(
            lambda q=query: search(province, q),  # type: ignore[misc]
            lambda q=query: search(unit_user, q),  # type: ignore[misc]
            lambda q=query: scan(q),  # type: ignore[misc]
            repeat=args.repeat,
            warm=1,
        )
        print(f"| {query} | {p_ms:.1f} ms | {u_ms:.1f} ms | {s_ms:.1f} ms | {'/'.join(map(str, exact))} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
