"""Parser speed and memory: the seed and generated documents of growing size.

    .venv/bin/python benchmarks/parse_bench.py [--seed PATH] [--sizes 0.25,0.5,1,2]

Reports MB/s on one core (target ≥ 2 MB/s; the seed under 10 ms) and peak traced memory,
which must grow linearly with the input.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from zhenggai.core.parser import parse_text
from zhenggai.core.synthetic import Style, generate

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "longzihu-urban-management-2020.txt"


def document_of_size(megabytes: float) -> str:
    """Concatenate generated aspects until the UTF-8 size is reached (one long document)."""
    target = int(megabytes * 1024 * 1024)
    text, _ = generate(seed=1, aspects=7, max_problems=40, max_findings=4, style=Style())
    head, _, rest = text.partition("（一）")
    body = "（一）" + rest.split("三、下一步工作打算")[0]
    tail = "三、下一步工作打算" + rest.split("三、下一步工作打算")[1]
    parts = [head]
    size = len(head.encode())
    n = 0
    while size < target:
        n += 1
        chunk, _ = generate(seed=n, aspects=7, max_problems=40, max_findings=4)
        chunk = chunk.split("二、巡察反馈问题的整改落实情况\n")[1].split("三、下一步工作打算")[0]
        parts.append(chunk)
        size += len(chunk.encode())
    del body
    return "".join(parts) + tail


def measure(text: str, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        parse_text(text)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    parse_text(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default=str(SEED))
    ap.add_argument("--sizes", default="0.25,0.5,1,2")
    args = ap.parse_args()
    seed_text = Path(args.seed).read_text(encoding="utf-8")
    parse_text(seed_text)  # warm imports
    rows = []
    secs, peak = measure(seed_text, 50)
    size = len(seed_text.encode()) / 1024 / 1024
    rows.append(("seed", size, secs, peak))
    for mb in (float(s) for s in args.sizes.split(",")):
        text = document_of_size(mb)
        secs, peak = measure(text, 3)
        rows.append((f"generated {mb:g} MB", len(text.encode()) / 1024 / 1024, secs, peak))
    print("| input | size (MB) | time (ms) | MB/s | peak memory (MB) | memory / input |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, mb, secs, peak in rows:
        print(f"| {name} | {mb:.3f} | {secs * 1000:.1f} | {mb / secs:.1f} | {peak:.1f} | {peak / mb:.1f}× |")


if __name__ == "__main__":
    main()
