"""The figure check (core/figure_check.py): stated figures held against the ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhenggai.core.figure_check import (
    Override,
    check_figures,
    figure_holds,
    live_value,
    mismatch_summary,
)
from zhenggai.core.parser import parse_file

LIVE = {
    "aspects": 6, "problems": 12, "findings": 25, "measures": 44, "completed_problems": 12,
    "institutions": 16, "accountable_people": 2, "activities": 23, "plan_revisions": 4,
}


@pytest.fixture(scope="module")
def rows(seed_path: Path):
    return check_figures(parse_file(seed_path), LIVE)


def test_the_seeds_47_measures_are_the_one_mismatch(rows) -> None:
    by_key = {row.key: row for row in rows}
    assert [row.key for row in rows if row.blocks] == ["measures"]
    measures = by_key["measures"]
    assert (measures.stated, measures.live, measures.text) == (47, 44, "整改措施47条")
    assert measures.line == 5 and measures.status_label == "与台账不一致"
    assert {row.status for key, row in by_key.items() if key != "measures"} == {"match"}
    assert mismatch_summary(rows) == "整改措施：文中47条（“整改措施47条”），台账44条"


def test_rows_follow_the_text(rows) -> None:
    lines = [row.line for row in rows]
    assert lines == sorted(lines)


def test_an_override_covers_the_figure_as_it_stood(seed_path: Path) -> None:
    document = parse_file(seed_path)
    reason = "3条措施合并到相关问题中表述"
    override = Override("measures", stated=47, live=44, reason=reason)
    row = next(r for r in check_figures(document, LIVE, [override]) if r.key == "measures")
    assert row.status == "overridden" and not row.blocks and row.override is override
    # The ledger moved on (a measure added): the reason no longer covers the difference.
    moved = next(
        r for r in check_figures(document, LIVE | {"measures": 45}, [override]) if r.key == "measures"
    )
    assert moved.status == "mismatch" and moved.override is None


@pytest.mark.parametrize(
    ("stated", "live", "approximate", "holds"),
    [
        (20, 20, False, True), (20, 21, False, False),
        (20, 20, True, True), (20, 29, True, True), (20, 30, True, False), (20, 19, True, False),
        (100, 199, True, True), (100, 200, True, False), (5, 5, True, True), (5, 6, True, False),
    ],
)
def test_an_approximate_figure_holds_within_its_decade(stated, live, approximate, holds) -> None:
    assert figure_holds(stated, live, approximate=approximate) is holds


def test_figures_the_ledger_cannot_count_are_unchecked(seed_path: Path) -> None:
    assert live_value("money_recovered_yuan", LIVE) is None
    assert live_value("uncompleted_problems", LIVE | {"completed_problems": 9}) == 3
    rows = check_figures(parse_file(seed_path), {k: v for k, v in LIVE.items() if k != "activities"})
    activities = next(r for r in rows if r.key == "activities")
    assert activities.status == "unchecked" and not activities.blocks


@pytest.mark.parametrize(
    ("stated", "live", "holds"),
    [(50, 50, True), (50, 41, True), (50, 40, False), (50, 51, False), (100, 99, True)],
)
def test_nearly_n_holds_at_most_n_within_the_decade_below(stated, live, holds) -> None:
    assert figure_holds(stated, live, approximate=True, qualifier="近") is holds


def test_a_row_keeps_the_sentence_and_the_qualifier() -> None:
    from zhenggai.core.parser import parse_text

    text = (
        "关于巡察整改情况的通报\n根据安排，共制定整改措施近50条，建立完善制度20余项。\n"
        "一、下一步工作\n继续抓好整改。\n"
    )
    rows = {r.key: r for r in check_figures(parse_text(text), {"measures": 45, "institutions": 25})}
    assert rows["measures"].qualifier == "近" and rows["measures"].status == "match"
    assert "近50条" in rows["measures"].sentence
    assert rows["institutions"].qualifier == "余" and rows["institutions"].status == "match"
    moved = check_figures(parse_text(text), {"measures": 51, "institutions": 25})
    assert next(r for r in moved if r.key == "measures").status == "mismatch"
