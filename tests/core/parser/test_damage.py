"""Damaged copies lose no words: the property behind "nothing of the input is lost".

The seed and generated documents are mutated the way copies get damaged — lines deleted,
duplicated, run together or broken; colons dropped or swapped for the other width;
numbering markers dropped or changed; punctuation widths mixed; junk lines inserted — and
`zhenggai parse` must exit 0 or 2, print valid JSON, and keep every input line's Han
characters somewhere in its output. The `ci` profile bounds the examples; a long run by
hand: `HYPOTHESIS_PROFILE=dev pytest tests/core/parser/test_damage.py --hypothesis-seed=…`
with a larger `max_examples` (see docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.cli import parse_main
from zhenggai.core.parser.segment import HEADING_PATTERNS
from zhenggai.core.synthetic import Style, generate

SEED = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "seed"
    / "longzihu-urban-management-2020.txt"
)
HAN = re.compile(r"[\u4e00-\u9fff〇]")
JUNK = [
    "——",
    "第 3 页 共 12 页",
    "（此页无正文）",
    "####",
    "　",
    "附件：",
    "1",
    "（",
    "主要问题",
    "整改情况",
]
MARKERS = ["一、", "（二）", "3．", "(4)", "⑤", "6、", ""]
WIDTH = str.maketrans(
    {"，": ",", ",": "，", "：": ":", ":": "：", "（": "(", "(": "（", "）": ")", ")": "）"}
)
OPS = (
    "delete",
    "duplicate",
    "join",
    "split",
    "colon_drop",
    "colon_swap",
    "marker_drop",
    "marker_change",
    "widths",
    "junk",
)


def _base_documents() -> list[str]:
    docs = [SEED.read_text(encoding="utf-8")] if SEED.exists() else []
    for seed, style in enumerate(
        [
            Style(),
            Style(full_width=False, problem_dot="."),
            Style(with_aspects=False, label_inline=False),
            Style(label_colon=False, measure_style="paren"),
        ]
    ):
        docs.append(generate(seed=seed, style=style, aspects=2, max_problems=2)[0])
    return docs


BASES = _base_documents()


def mutate(text: str, ops: list[tuple[str, int, int]]) -> str:
    lines = text.split("\n")
    for op, a, b in ops:
        if not lines:
            lines = ["空"]
        i = a % len(lines)
        line = lines[i]
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [line + lines[i + 1]]
        elif op == "split" and len(line) > 1:
            cut = 1 + b % (len(line) - 1)
            lines[i : i + 1] = [line[:cut], line[cut:]]
        elif op == "colon_drop":
            lines[i] = re.sub(r"[：:]", "", line, count=1)
        elif op == "colon_swap":
            lines[i] = line.replace("：", "\0").replace(":", "：").replace("\0", ":")
        elif op in ("marker_drop", "marker_change"):
            for _, pattern in HEADING_PATTERNS:
                if m := pattern.match(line):
                    new = "" if op == "marker_drop" else MARKERS[b % len(MARKERS)]
                    lines[i] = new + line[m.end() :]
                    break
        elif op == "widths":
            lines[i] = "".join(
                ch.translate(WIDTH) if (k + b) % 3 == 0 else ch for k, ch in enumerate(line)
            )
        elif op == "junk":
            lines.insert(i, JUNK[b % len(JUNK)])
    return "\n".join(lines)


def run_parse(text: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as fh:
        fh.write(text)
        path = fh.name
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = parse_main([path])
    finally:
        Path(path).unlink()
    return code, out.getvalue(), err.getvalue()


def output_strings(data: Any, key: str = "") -> Iterator[str]:
    """Every text the JSON holds, except warnings and claims (they quote, they do not keep)."""
    if key in ("warnings", "claims_text", "source", "inspection", "contact"):
        return
    if isinstance(data, dict):
        for k, v in data.items():
            yield from output_strings(v, k)
    elif isinstance(data, list):
        for v in data:
            yield from output_strings(v, key)
    elif isinstance(data, str):
        yield data


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def lost_lines(text: str, data: dict[str, Any]) -> list[str]:
    kept = "|".join(han(s) for s in output_strings(data))
    lost = []
    for raw in text.split("\n"):
        # A line's marker or label may sit in its own field: check the parts on each side.
        chars = han(raw)
        if chars and chars not in kept and not _in_pieces(raw, kept):
            lost.append(raw)
    return lost


def _in_pieces(raw: str, kept: str) -> bool:
    """A line split into marker/label and text: each run of Han characters is kept."""
    runs = [han(run) for run in re.split(r"[^\u4e00-\u9fff〇]+", raw) if run]
    return all(run in kept for run in runs)


operation = st.tuples(st.sampled_from(OPS), st.integers(0, 10_000), st.integers(0, 10_000))


@given(st.integers(0, len(BASES) - 1), st.lists(operation, min_size=1, max_size=6))
def test_damaged_copies_exit_cleanly_and_keep_every_han_character(base, ops):
    text = mutate(BASES[base], ops)
    code, out, err = run_parse(text)
    assert code in (0, 2), err
    if code == 2:
        assert err.strip() and "\n" not in err.strip() and not out
        return
    data = json.loads(out)
    assert lost_lines(text, data) == []


def test_each_recognised_label_is_kept_beside_its_text():
    text = "\n".join(
        [
            "（一）组织建设方面",
            "1．支部建设薄弱。",
            "存在问题：支部活动不规范。",
            "具体表现：会议记录缺失。",
            "整改进展：一是补齐记录。二是配强支部。",
            "整改落实情况：已完成。",
            "2．档案管理混乱。",
            "问题表现：",
            "（1）档案丢失。",
            "整改措施：建立档案管理制度。",
            "中共某县某局党组",
            "2024年十一月二十日",
        ]
    )
    code, out, _ = run_parse(text)
    assert code == 0
    data = json.loads(out)
    assert lost_lines(text, data) == []
    first, second = data["aspects"][0]["problems"]
    finding = first["findings"][0]
    assert finding["label"] == "存在问题"
    assert "具体表现：会议记录缺失。" in finding["text"]
    assert [p["label"] for p in finding["answer_parts"]] == ["整改进展", "整改落实情况"]
    assert second["label"] == "问题表现"
    assert data["issue_date"] == "2024-11-20"
    assert data["issue_date_text"] == "2024年十一月二十日"


def test_the_seed_loses_nothing():
    text = BASES[0]
    code, out, _ = run_parse(text)
    assert code == 0
    assert lost_lines(text, json.loads(out)) == []


def test_a_label_without_its_colon_and_a_broken_line_keep_their_words():
    text = "\n".join(
        [
            "1．学习制度落实不到位，",
            "理论学习流于形式。",
            "整改情况一是制定学习计划。二是开展专题",
            "学习。",
            "2．议事规则执行不严。整改情况：修订议事规则。",
        ]
    )
    code, out, _ = run_parse(text)
    assert code == 0
    assert lost_lines(text, json.loads(out)) == []
