"""The Excel ledger export at 100,000 measures: time and peak memory (issue #13).

    .venv/bin/python benchmarks/export_bench.py [--scale 0.04] [--database-url URL]
        [--no-generate] [--repeat 3] [--only VARIANT] [--xlsxwriter-path DIR]

Generates the synthetic ledger (benchmarks/generate.py; scale 0.04 = 100,000 measures over
1,000 inspections) unless `--no-generate`, then runs each variant `--repeat` times, each in
a fresh child process (so that each peak RSS is its own, read from `getrusage`), and prints
a Markdown table with the minimum wall time, the minimum CPU time of the child (on a
shared machine the CPU time is the steadier figure: wall time waits for a core; on
PostgreSQL the server's work is not in it) and the largest peak RSS:

- `read`: the export's rows read from the database, nothing written — the database's share;
- `ooxml`: `zhenggai.ledger.excel_export.export.export_ledger` as `zhenggai export` and the
  page run it (the project's own streamed OOXML writer, merges, the info sheet);
- `openpyxl`: the same rows written by openpyxl's write-only mode (`excel_export.writer`);
- `xlsxwriter`: the same rows written by XlsxWriter in constant-memory mode with the same
  formats and merges (only when XlsxWriter is importable: it is not a dependency; point
  `--xlsxwriter-path` at a folder where it was installed with `pip install --target`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # sibling script, importable once its folder is on sys.path

VARIANTS = ("read", "ooxml", "openpyxl", "xlsxwriter")


def _rows() -> Any:
    """The export's own row stream (what the writer is fed), without a writer."""
    from zhenggai.ledger.excel_export import export
    from zhenggai.ledger.selectors.filters import LedgerQuery

    measures = export.export_queryset(None, LedgerQuery())
    return export._sheet_rows(export._measure_rows(measures), {})


def _xlsxwriter(path: str) -> int:
    import xlsxwriter

    from zhenggai.core.ledger_sheet import COLUMNS
    from zhenggai.ledger.excel_export.writer import MERGED, WIDTHS

    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("整改台账")
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    text = wb.add_format({**base, "text_wrap": True})
    date = wb.add_format({**base, "num_format": 'yyyy"年"m"月"d"日"', "align": "center"})
    header = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9E1F2"})
    keys = [k for k, _ in COLUMNS]
    for index, key in enumerate(keys):
        ws.set_column(index, index, WIDTHS[key])
    ws.freeze_panes(2, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(1)
    ws.fit_to_pages(1, 0)
    ws.merge_range(0, 0, 0, len(keys) - 1, "整改台账")
    for index, (_key, label) in enumerate(COLUMNS):
        ws.write_string(1, index, label, header)
    merged_cols = [keys.index(k) for k in MERGED]
    runs = [[2, None] for _ in MERGED]
    r = 1
    for row in _rows():
        r += 1
        broke = False
        for level in range(3):
            if broke or row.groups[level] != runs[level][1]:
                if r - 1 > runs[level][0]:
                    ws.merge_range(
                        runs[level][0], merged_cols[level], r - 1, merged_cols[level], ""
                    )
                runs[level] = [r, row.groups[level]]
                broke = True
        for c, key in enumerate(keys):
            value = row.values.get(key)
            if value is None:
                ws.write_blank(r, c, None, text)
            elif key == "deadline":
                ws.write_datetime(r, c, value, date)
            else:
                ws.write(r, c, value, text)
    wb.close()
    return r - 1


def child(variant: str, out: str) -> dict[str, Any]:
    started = time.perf_counter()
    cpu_started = time.process_time()
    if variant == "read":
        rows = sum(1 for _ in _rows())
    elif variant == "ooxml":
        from zhenggai.ledger.excel_export.export import export_ledger
        from zhenggai.ledger.selectors.filters import LedgerQuery

        rows = export_ledger(user=None, query=LedgerQuery(), out=out).rows
    elif variant == "openpyxl":
        from zhenggai.ledger.excel_export.writer import write_ledger

        rows = write_ledger(out, title="整改台账", rows=_rows(), inspections=[])
    else:
        rows = _xlsxwriter(out)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = os.path.getsize(out) if os.path.exists(out) else 0
    return {
        "variant": variant,
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak_kb / 1024,
        "file_mb": size / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Excel 台账导出基准测试")
    ap.add_argument("--scale", type=float, default=0.04)
    ap.add_argument("--database-url")
    ap.add_argument("--no-generate", action="store_true")
    ap.add_argument("--only", choices=VARIANTS, action="append", help="run only these variants")
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant (the minimum is kept)")
    ap.add_argument("--xlsxwriter-path", help="a folder holding XlsxWriter (pip install --target)")
    ap.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    url = args.database_url or generate.default_database_url(args.scale)
    if args.child:
        generate.configure(url)
        if args.xlsxwriter_path:
            sys.path.insert(0, args.xlsxwriter_path)
        print(json.dumps(child(args.child, args.out)))
        return 0
    if not args.no_generate:
        generate.reset_database(url)
        generate.configure(url)
        result = generate.build(args.scale, seed=1, batch=50_000)
        print(f"generated in {result['seconds']:.1f} s: {result['counts']}", file=sys.stderr)
    print(f"load: {os.getloadavg()}", file=sys.stderr)
    print(
        "| variant | rows | time (s), min of runs | CPU (s), min | peak RSS (MB), max | file (MB) | runs |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for variant in args.only or VARIANTS:
        if variant == "xlsxwriter" and not _has_xlsxwriter(args.xlsxwriter_path):
            continue
        runs = [_run_child(variant, url, args.xlsxwriter_path) for _ in range(args.repeat)]
        r = runs[0]
        print(
            f"| {r['variant']} | {r['rows']:,} | {min(x['seconds'] for x in runs):.1f} "
            f"| {min(x['cpu'] for x in runs):.1f} | {max(x['peak_mb'] for x in runs):.0f} "
            f"| {r['file_mb']:.1f} | {len(runs)} |"
        )
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    return 0


def _run_child(variant: str, url: str, xlsxwriter_path: str | None) -> dict[str, Any]:
    """One run of `variant` in a fresh process (its own peak RSS and CPU time)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "ledger.xlsx")
        cmd = [sys.executable, __file__, "--child", variant, "--out", out, "--database-url", url]
        if xlsxwriter_path:
            cmd += ["--xlsxwriter-path", xlsxwriter_path]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def _has_xlsxwriter(path: str | None) -> bool:
    if path:
        sys.path.insert(0, path)
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
