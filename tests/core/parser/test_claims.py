"""The claims extractor, one phrase family at a time (issue #14's example sentences)."""

from __future__ import annotations

import pytest

from zhenggai.core.parser import parse_text
from zhenggai.core.parser.claims import TextLine, extract_claims


def claims_of(*lines: str) -> dict[str, int | float]:
    claims, _, _ = extract_claims([TextLine(text, i) for i, text in enumerate(lines, start=1)])
    return claims


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "截至目前，巡察反馈的305个问题，完成整改300个，基本完成3个，未完成2个，总体完成率98.3%",
            {
                "problems": 305,
                "completed_problems": 300,
                "partially_completed_problems": 3,
                "uncompleted_problems": 2,
                "completion_rate": 98.3,
            },
        ),
        ("10个问题已完成整改9个", {"problems": 10, "completed_problems": 9}),
        (
            "截至目前，已完成整改8个，剩余1个问题已取得阶段性成效",
            {"completed_problems": 8, "partially_completed_problems": 1},
        ),
        ("巡察反馈的12个问题均得到有效整改", {"problems": 12, "completed_problems": 12}),
        ("整改完成率100%", {"completion_rate": 100}),
    ],
)
def test_completion_family(sentence, expected):
    assert claims_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("针对18个具体问题制定了60条具体整改措施", {"findings": 18, "measures": 60}),
        ("聚焦5个方面，制定120条具体整改措施", {"aspects": 5, "measures": 120}),
        ("制定整改措施47条", {"measures": 47}),
        ("44条整改措施中，已完成30条，正在推进10条；", {"measures": 44}),
    ],
)
def test_measures_family(sentence, expected):
    assert claims_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("区委巡察组共反馈问题3个大方面20个大项的问题", {"aspects": 3, "problems": 20}),
        (
            "《审计报告》反映共计40项问题，报告日已整改30项，正在整改10项，出台9个规章制度",
            {
                "problems": 40,
                "completed_problems": 30,
                "uncompleted_problems": 10,
                "institutions": 9,
            },
        ),
        ("对照巡察反馈6个方面12个问题逐条梳理", {"aspects": 6, "problems": 12}),
        ("这是第三个方面的问题", {}),
    ],
)
def test_problem_totals_family(sentence, expected):
    assert claims_of(sentence) == expected


def test_three_kinds_of_money_are_three_keys_and_no_conflict():
    claims, texts, warnings = extract_claims(
        [TextLine("清退违规资金12.5万元、追回资金30万元、挽回经济损失300万元", 7)]
    )
    assert claims == {
        "money_returned_yuan": 125_000,
        "money_recovered_yuan": 300_000,
        "losses_recovered_yuan": 3_000_000,
    }
    assert warnings == []
    assert texts["money_returned_yuan"].text == "清退违规资金12.5万元"
    assert texts["losses_recovered_yuan"].line == 7


def test_full_width_digits_and_chinese_numerals():
    assert claims_of("制定整改措施４７条，问责２人，完成率９８．５％") == {
        "measures": 47,
        "accountable_people": 2,
        "completion_rate": 98.5,
    }
    assert claims_of("巡察反馈的十二个问题均得到有效整改，建立完善制度十六项") == {
        "problems": 12,
        "completed_problems": 12,
        "institutions": 16,
    }


@pytest.mark.parametrize(
    ("sentence", "key", "value", "qualifier"),
    [
        ("开展专题学习教育活动20余次", "activities", 20, "余"),
        ("追回资金30余万元", "money_recovered_yuan", 300_000, "余"),
        ("追回资金30万余元", "money_recovered_yuan", 300_000, "余"),
        ("问责近十人", "accountable_people", 10, "近"),
        ("制定20多条整改措施", "measures", 20, "多"),
    ],
)
def test_approximate_figures_are_noted(sentence, key, value, qualifier):
    claims, texts, _ = extract_claims([TextLine(sentence, 1)])
    assert claims[key] == value
    assert texts[key].approximate is True
    assert texts[key].qualifier == qualifier


def test_exact_figure_has_no_qualifier():
    _, texts, _ = extract_claims([TextLine("问责2人", 1)])
    assert texts["accountable_people"].approximate is False
    assert texts["accountable_people"].qualifier is None


def test_a_figure_split_by_a_line_break_is_read_with_its_first_line():
    claims, texts, _ = extract_claims(
        [TextLine("局党委制定整改措施4", 3), TextLine("7条，问责2人。", 4)]
    )
    assert claims == {"measures": 47, "accountable_people": 2}
    assert texts["measures"].line == 3
    assert texts["accountable_people"].line == 4
    assert texts["measures"].sentence == "局党委制定整改措施47条，问责2人。"


def test_a_line_that_ends_a_sentence_is_not_joined_to_the_next():
    assert claims_of("会议研究了3。", "个方面的工作") == {}


def test_each_claim_keeps_its_sentence_and_line():
    _, texts, _ = extract_claims(
        [
            TextLine(
                "整改工作有序推进。对照巡察反馈6个方面12个问题逐条梳理；制定整改措施47条。", 5
            ),
        ]
    )
    assert texts["aspects"].sentence == "对照巡察反馈6个方面12个问题逐条梳理；"
    assert texts["measures"].sentence == "制定整改措施47条。"
    assert {t.line for t in texts.values()} == {5}


def test_one_figure_stated_twice_differently_is_a_warning():
    claims, _, warnings = extract_claims(
        [
            TextLine("共制定整改措施47条。", 2),
            TextLine("以上整改措施45条均已落实。", 9),
        ]
    )
    assert claims["measures"] == 47  # the first statement stands; the warning asks to check
    assert [(w.code, w.line) for w in warnings] == [("claim_conflict", 9)]
    assert "47" in warnings[0].message and "45" in warnings[0].message


def test_one_figure_stated_twice_alike_is_no_warning():
    _, _, warnings = extract_claims(
        [TextLine("反馈的12个问题", 1), TextLine("对照6个方面12个问题", 2)]
    )
    assert warnings == []


def test_new_claims_reach_the_parsed_document():
    text = "\n".join(
        [
            "关于巡察整改进展情况的通报",
            "截至目前，巡察反馈的20个问题，完成整改18个，基本完成2个，总体完成率90%。",
            "一、政治建设方面",
            "1．学习制度落实不到位。",
            "整改情况：制定学习计划。",
            "清退违规发放的津贴补贴3.2万元，挽回经济损失15万元。",
        ]
    )
    doc = parse_text(text)
    assert doc.claims["completed_problems"] == 18
    assert doc.claims["partially_completed_problems"] == 2
    assert doc.claims["completion_rate"] == 90
    assert doc.claims_text["completion_rate"].line == 2
    # Figures inside an answer describe one finding, not the document.
    assert "money_returned_yuan" not in doc.claims
