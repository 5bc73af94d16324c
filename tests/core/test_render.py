"""Render → parse gives the same tree (the seed and generated documents)."""

from __future__ import annotations

import json

import pytest

from zhenggai.core.document import Document, tree_signature
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_file, parse_text
from zhenggai.core.render import render_markdown, render_text
from zhenggai.core.render_formats import render_document
from zhenggai.core.synthetic import Style, generate


def test_seed_round_trip_gives_the_same_tree(seed_path):
    original = parse_file(seed_path)
    again = parse_text(render_text(original))
    assert tree_signature(again) == tree_signature(original)
    assert again.counts == original.counts
    assert again.claims == original.claims
    assert again.inspection == original.inspection
    assert (again.issuer, again.issue_date, again.contact) == (original.issuer, original.issue_date, original.contact)
    assert [(s.no, s.title, s.text) for s in again.sections] == [(s.no, s.title, s.text) for s in original.sections]


def test_seed_round_trip_through_json(seed_path):
    original = parse_file(seed_path)
    restored = Document.from_dict(json.loads(json.dumps(original.to_dict(), ensure_ascii=False)))
    assert restored == original
    assert render_text(restored) == render_text(original)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize(
    "style",
    [Style(), Style(full_width=False, problem_dot="."), Style(with_aspects=False),
     Style(label_inline=False, label_colon=False), Style(restart_problems=True, measure_style="paren")],
)
def test_generated_round_trip(seed, style):
    text, _ = generate(seed=seed, style=style)
    original = parse_text(text)
    assert tree_signature(parse_text(render_text(original))) == tree_signature(original)


def test_rendered_text_keeps_markers_and_the_typo(seed_path):
    text = render_text(parse_file(seed_path))
    assert "(一)党的政治建设方面" in text
    assert "二加强基层支部建设" in text
    assert text.rstrip().endswith("2020年11月25日")


def test_markdown_has_the_title_as_heading():
    text, _ = generate(seed=2)
    md = render_markdown(parse_text(text))
    assert md.startswith("# 关于巡察整改情况的通报")


def test_unknown_format_is_refused(seed_path):
    with pytest.raises(InputError, match="不支持的输出格式"):
        render_document(parse_file(seed_path), fmt="odt")
