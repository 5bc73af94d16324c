"""Layouts beyond the seed's: problems stated twice, 首先/其次 measures, a summary (issue #14)."""

from __future__ import annotations

import pytest

from zhenggai.core.document import tree_signature
from zhenggai.core.parser import parse_text
from zhenggai.core.render import render_text
from zhenggai.core.synthetic import Style, generate, generate_summary

TWICE = {
    "wrapped": Style(layout="twice"),
    "wrapped_with_detail": Style(layout="twice", listing_detail=True, with_aspects=False),
    "bare": Style(layout="twice_bare", with_aspects=False),
    "bare_with_aspects_and_detail": Style(layout="twice_bare", listing_detail=True),
}


@pytest.mark.parametrize("name", TWICE)
@pytest.mark.parametrize("seed", range(4))
def test_problems_stated_twice_are_merged(name, seed):
    text, spec = generate(seed=seed, style=TWICE[name])
    doc = parse_text(text)
    assert doc.counts == {
        "aspects": spec.aspects,
        "problems": spec.problems,
        "findings": spec.findings,
        "measures": spec.measures,
    }
    assert [p.no for p in doc.problems()] == spec.problem_numbers
    assert not [w for w in doc.warnings if w.code in ("missing_answer", "numbering_repeat")]
    assert any(w.code == "stated_twice" for w in doc.warnings)
    if spec.problems > 1:
        # A one-problem document rendered without its top-level parts re-parses its
        # findings as problems (a known limit of the one-answered-part rule; see report).
        assert tree_signature(parse_text(render_text(doc))) == tree_signature(doc)


def test_listing_detail_is_kept_on_the_merged_problem():
    text, _ = generate(seed=1, style=TWICE["wrapped_with_detail"])
    doc = parse_text(text)
    assert all("经查" in (p.title or "") for p in doc.problems())


@pytest.mark.parametrize("seed", range(4))
def test_sequence_words_split_measures(seed):
    text, spec = generate(seed=seed, style=Style(measure_style="sequence"))
    assert parse_text(text).counts["measures"] == spec.measures


def test_sequence_words_in_one_answer():
    doc = parse_text(
        "1．问题甲。\n整改情况：首先，统一思想。其次，建章立制。再次，强化监督。最后，严肃问责。\n"
    )
    finding = next(doc.findings())
    assert [(m.no, m.marker, m.text) for m in finding.measures] == [
        (1, "首先，", "统一思想。"),
        (2, "其次，", "建章立制。"),
        (3, "再次，", "强化监督。"),
        (4, "最后，", "严肃问责。"),
    ]
    one = parse_text("1．问题甲。\n整改情况：打通服务群众最后一公里，其次要求明确。\n")
    assert one.counts["measures"] == 1


@pytest.mark.parametrize("full_width", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_a_summary_without_structure_keeps_its_claims(seed, full_width):
    text, claims = generate_summary(seed=seed, full_width=full_width)
    doc = parse_text(text)
    assert {k: v for k, v in doc.claims.items() if k != "institutions"} == claims
    assert doc.aspects == ()
    assert doc.counts == {"aspects": 0, "problems": 0, "findings": 0, "measures": 0}
    assert [w.code for w in doc.warnings] == ["no_structure"]
    assert "巡察反馈的" in doc.preamble
    again = parse_text(render_text(doc))
    assert again.claims == doc.claims and again.preamble == doc.preamble
