"""The seed's ground truth (DESIGN.md §2), asserted field by field."""

from __future__ import annotations

import datetime as dt

import pytest

from zhenggai.core.document import Document
from zhenggai.core.parser import parse_file

ASPECT_TITLES = [
    "党的政治建设方面",
    "党的思想建设方面",
    "党的组织建设方面",
    "党的作风建设方面",
    "党的纪律建设方面",
    "夺取反腐败斗争压倒性胜利方面",
]
# (problem no, aspect no, title start, findings: [(no, answer_kind, measures)])
PROBLEMS = [
    (1, 1, "党委领导核心作用发挥不足", [(1, "rectified", 3), (2, "rectified", 1), (3, "rectified", 1)]),
    (2, 1, "学习贯彻党的十九大精神", [(None, "rectified", 2)]),
    (3, 2, "党内组织生活不够严肃", [(1, "rectified", 1), (2, "rectified", 1), (3, "rectified", 3), (4, "explained", 0)]),
    (4, 2, "组织生活制度落实不够规范", [(1, "rectified", 1), (2, "rectified", 3), (3, "rectified", 1)]),
    (5, 3, "干部日常管理监督不到位", [(None, "rectified", 3)]),
    (6, 3, "对基层党组织建设认识有偏差", [(1, "rectified", 4), (2, "rectified", 3)]),
    (7, 4, "管理方式方法略显单一", [(1, "rectified", 3), (2, "rectified", 1), (3, "rectified", 2)]),
    (8, 4, "违反中央八项规定精神现象时有发生", [(None, "rectified", 3)]),
    (9, 5, "管党治党主体责任履职不到位", [(None, "rectified", 1)]),
    (10, 5, "管党治党监督责任落实不够严格", [(None, "rectified", 3)]),
    (11, 6, "执行财经纪律不够严格", [(1, "rectified", 1), (2, "rectified", 1), (3, "rectified", 1), (4, "explained", 0)]),
    (12, 6, "行政处罚自由裁量权的使用上还需进一步规范", [(None, "rectified", 1)]),
]


@pytest.fixture(scope="module")
def seed(seed_path) -> Document:
    return parse_file(seed_path)


def test_counts_are_the_ground_truth(seed):
    assert seed.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}
    assert len(list(seed.findings())) == 25
    kinds = [f.answer_kind for f in seed.findings()]
    assert kinds.count("rectified") == 23
    assert kinds.count("explained") == 2


def test_aspects_have_their_numbers_and_titles(seed):
    assert [a.no for a in seed.aspects] == [1, 2, 3, 4, 5, 6]
    assert [a.title for a in seed.aspects] == ASPECT_TITLES


@pytest.mark.parametrize(("no", "aspect_no", "title", "findings"), PROBLEMS)
def test_each_problem_has_its_findings_and_measures(seed, no, aspect_no, title, findings):
    aspect = seed.aspects[aspect_no - 1]
    problem = next(p for p in aspect.problems if p.no == no)
    assert problem.title.startswith(title)
    assert [(f.no, f.answer_kind, len(f.measures)) for f in problem.findings] == findings


def test_problems_are_numbered_continuously_across_aspects(seed):
    assert [p.no for p in seed.problems()] == list(range(1, 13))


def test_explanations_have_no_measures_and_keep_their_text(seed):
    explained = [f for f in seed.findings() if f.answer_kind == "explained"]
    assert [f.text for f in explained] == ["区绿化所未见党建资料", explained[1].text]
    assert explained[0].answer.startswith("2018年5月区绿化所划转区城市管理局管理")
    assert explained[1].text.startswith("2015年10月区行政执法局收取")
    assert all(f.measures == () for f in explained)


def test_the_typo_er_jiaqiang_is_the_second_measure_and_is_reported(seed):
    first = seed.aspects[0].problems[0].findings[0]
    assert [m.no for m in first.measures] == [1, 2, 3]
    assert [m.marker for m in first.measures] == ["一是", "二", "三是"]
    assert first.measures[1].text.startswith("加强基层支部建设。")
    assert "二加强基层支部建设" in first.answer  # the text is never corrected
    assert any(w.code == "enumeration_marker" and w.line == 11 for w in seed.warnings)


def test_unenumerated_answer_is_one_measure(seed):
    second = seed.aspects[0].problems[0].findings[1]
    assert len(second.measures) == 1
    assert second.measures[0].no is None
    assert second.measures[0].text == second.answer


def test_unnumbered_finding_keeps_the_main_problem_text(seed):
    problem = seed.aspects[0].problems[1]
    assert problem.findings[0].no is None
    assert problem.findings[0].label == "主要问题"
    assert problem.findings[0].text.startswith("部分党员和领导干部对“两个维护”")


def test_claims_as_stated_and_the_mismatch_is_reported(seed):
    assert seed.claims == {
        "aspects": 6,
        "problems": 12,
        "measures": 47,
        "institutions": 16,
        "accountable_people": 2,
        "completed_problems": 12,
        "activities": 20,
        "plan_revisions": 4,
    }
    assert seed.claims_text["activities"].approximate is True
    assert seed.claims_text["measures"].approximate is False
    assert "47" in seed.claims_text["measures"].text
    mismatch = [w for w in seed.warnings if w.code == "claim_mismatch"]
    assert len(mismatch) == 1
    assert "47" in mismatch[0].message and "44" in mismatch[0].message
    assert mismatch[0].line == 5


def test_inspection_dates_group_and_target(seed):
    insp = seed.inspection
    assert insp.group == "区委第二巡察组"
    assert insp.target == "区城管局党委和局属二级单位"
    assert insp.level == "xuncha"
    assert insp.kind == "regular"
    assert insp.start == dt.date(2019, 3, 26)
    assert insp.end == dt.date(2019, 5, 15)
    assert insp.feedback_date == dt.date(2019, 7, 8)


def test_issuer_date_and_contact(seed):
    assert seed.issuer == "中共蚌埠市龙子湖区城市管理局委员会"
    assert seed.issue_date == dt.date(2020, 11, 25)
    assert seed.contact.phone == "0552-3040205"
    assert seed.contact.address == "蚌埠市治淮路706号龙子湖区城市管理局办公室"
    assert seed.contact.email == "lcgb2012@163.com"
    assert seed.closing.startswith("欢迎广大干部群众")


def test_general_sections_are_told_from_the_findings_part(seed):
    assert [(s.no, s.title) for s in seed.sections] == [
        (1, "提高政治站位,履行主体责任"),
        (3, "完善长效机制,巩固整改成果"),
    ]
    assert [s.title for s in seed.sections[0].subsections] == [
        "统一思想,切实增强政治自觉。",
        "加强领导,明确细化整改责任。",
        "标本兼治,切实提升整改实效。",
    ]
    assert seed.sections[0].subsections[0].text.startswith("局党委高度重视")
    assert seed.sections[1].text.startswith("下一步,局党委将保持力度不减")
    assert seed.findings_part is not None
    assert (seed.findings_part.no, seed.findings_part.title) == (2, "坚持问题导向,抓好问题整改")
    assert seed.preamble.startswith("按照区委统一部署")
    assert seed.title is None
    assert seed.unplaced == ()


def test_source_is_described(seed, seed_path):
    import hashlib

    assert seed.source.format == "txt"
    assert seed.source.encoding == "utf-8"
    assert seed.source.sha256 == hashlib.sha256(seed_path.read_bytes()).hexdigest()
    assert seed.source.ocr_confidence is None


def test_texts_keep_the_documents_own_punctuation(seed):
    assert seed.aspects[0].problems[0].title == "党委领导核心作用发挥不足,凝聚力还需提升。"
    assert seed.aspects[0].problems[0].findings[0].marker == "(1)"
