"""Property-based tests: the parser never crashes and never loses text."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.document import tree_signature
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_text
from zhenggai.core.parser.segment import classify
from zhenggai.core.render import render_text
from zhenggai.core.synthetic import Style, generate

MARKERS = ["一、", "二、", "（一）", "(二)", "1．", "2.", "3、", "（1）", "(2)", "⑴", "①", "", "", ""]
LABELS = ["主要问题：", "整改情况：", "情况说明:", "整改措施", "【整改情况】", "具体表现：", "", "", ""]
WORDS = ["党委", "整改", "一是", "二是", "落实", "。", "，", "制度", "方面", "问题", "2019年3月", "1.5万元",
         "（中心）", "第一，", "⑵", " ", "\t", "a", "整改措施47条"]

line = st.builds(
    lambda m, label, words: m + label + "".join(words),
    st.sampled_from(MARKERS), st.sampled_from(LABELS), st.lists(st.sampled_from(WORDS), max_size=8),
)
document = st.lists(line, min_size=1, max_size=30).map("\n".join)


def _squeeze(text: str) -> str:
    return "".join(text.split())


@given(document)
def test_parser_never_crashes_and_never_loses_text(text):
    try:
        doc = parse_text(text)
    except InputError:
        return  # a clear refusal is allowed; a crash is not
    kept = _squeeze("\n".join(doc.texts()))
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        para = classify(1, raw)
        rest = _squeeze(para.rest)
        assert rest in kept or rest in _squeeze(doc.preamble + doc.closing), raw


@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(InputError):
        parse_text(text)


@given(st.integers(min_value=0, max_value=10_000), st.booleans(), st.booleans(), st.booleans(),
       st.sampled_from(["shi", "paren", "di"]), st.sampled_from(["．", ".", "、"]))
def test_generated_documents_round_trip(seed, full_width, aspects, inline, measure_style, dot):
    style = Style(full_width=full_width, with_aspects=aspects, label_inline=inline,
                  measure_style=measure_style, problem_dot=dot)
    text, spec = generate(seed=seed, style=style)
    doc = parse_text(text)
    assert doc.counts["measures"] == spec.measures
    assert tree_signature(parse_text(render_text(doc))) == tree_signature(doc)
