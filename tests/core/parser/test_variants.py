"""Generated variations: punctuation, numbering styles, labels, missing levels, encodings."""

from __future__ import annotations

import pytest

from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_bytes, parse_text
from zhenggai.core.synthetic import Style, generate

STYLES = {
    "full_width": Style(),
    "ascii": Style(full_width=False, problem_dot="."),
    "dun_numbering_restarting": Style(problem_dot="、", restart_problems=True),
    "no_aspects": Style(with_aspects=False),
    "labels_on_own_line_without_colon": Style(label_inline=False, label_colon=False),
    "no_findings_label": Style(with_findings_label=False),
    "paren_measures": Style(measure_style="paren"),
    "di_measures": Style(measure_style="di"),
}


@pytest.mark.parametrize("name", STYLES)
@pytest.mark.parametrize("seed", range(6))
def test_generated_documents_parse_to_their_spec(name, seed):
    text, spec = generate(seed=seed, style=STYLES[name])
    doc = parse_text(text)
    assert doc.counts == {
        "aspects": spec.aspects,
        "problems": spec.problems,
        "findings": spec.findings,
        "measures": spec.measures,
    }
    assert [p.no for p in doc.problems()] == spec.problem_numbers
    assert sum(f.answer_kind == "explained" for f in doc.findings()) == spec.explained
    assert not [w for w in doc.warnings if w.code in {"numbering_gap", "numbering_repeat", "unplaced"}]


def test_restarting_problem_numbers_are_not_reported_as_gaps():
    text, _ = generate(seed=3, style=Style(restart_problems=True), aspects=3, max_problems=3)
    doc = parse_text(text)
    assert not [w for w in doc.warnings if w.code.startswith("numbering")]


def test_gbk_encoded_text_is_read_and_reported():
    text, spec = generate(seed=1)
    doc = parse_bytes(text.encode("gbk"), filename="gbk.txt")
    assert doc.source.encoding == "gbk"
    assert doc.counts["problems"] == spec.problems


def test_seed_with_full_width_punctuation_gives_the_same_tree(seed_text):
    from zhenggai.core.document import tree_signature

    full = (seed_text.replace("(", "（").replace(")", "）").replace(":", "：")
            .replace("1.", "1．"))
    a, b = parse_text(seed_text), parse_text(full)
    assert a.counts == b.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}
    assert [(p.no, len(p.findings)) for p in a.problems()] == [(p.no, len(p.findings)) for p in b.problems()]
    assert len(tree_signature(a)) == len(tree_signature(b))


def test_problems_answered_directly_have_one_finding_with_the_problem_text():
    text = "\n".join([
        "一、政治建设方面",
        "1．学习制度落实不到位。",
        "整改情况：一是制定学习计划。二是开展专题学习。",
        "2．议事规则执行不严。",
        "整改措施：修订议事规则。",
    ])
    doc = parse_text(text)
    assert [a.title for a in doc.aspects] == ["政治建设方面"]
    problems = list(doc.problems())
    assert [len(p.findings) for p in problems] == [1, 1]
    assert problems[0].findings[0].text == "学习制度落实不到位。"
    assert [m.text for m in problems[0].findings[0].measures] == ["制定学习计划。", "开展专题学习。"]


def test_missing_answer_is_a_warning_not_an_error():
    doc = parse_text("1．学习制度落实不到位。\n2．议事规则执行不严。\n整改情况：修订规则。\n")
    assert doc.counts["findings"] == 2
    assert [f.answer_kind for f in doc.findings()] == ["none", "rectified"]
    assert any(w.code == "missing_answer" and w.line == 1 for w in doc.warnings)


def test_numbering_gap_and_repeat_are_reported():
    text = "\n".join([
        "1．问题甲。", "整改情况：整改甲。",
        "3．问题乙。", "整改情况：整改乙。",
        "3．问题丙。", "整改情况：整改丙。",
    ])
    codes = [w.code for w in parse_text(text).warnings]
    assert "numbering_gap" in codes and "numbering_repeat" in codes


def test_numbered_list_inside_an_answer_stays_in_the_answer():
    text = "\n".join([
        "（一）组织建设方面",
        "1．支部建设薄弱。",
        "整改情况：",
        "1．召开专题会议。",
        "2．修订管理制度。",
        "2．档案管理混乱。",
        "整改情况：建立档案管理制度。",
    ])
    doc = parse_text(text)
    problems = list(doc.problems())
    assert [p.no for p in problems] == [1, 2]
    assert [m.text for m in problems[0].findings[0].measures] == ["召开专题会议。", "修订管理制度。"]


@pytest.mark.parametrize("label", ["整改情况：", "整改情况:", "整改情况 ", "【整改情况】", "整改措施："])
def test_label_variants(label):
    doc = parse_text(f"1．问题甲。\n{label}一是甲措施。二是乙措施。\n")
    assert doc.counts["measures"] == 2


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("一是建章立制。二是强化监督。三是严肃问责。", 3),
        ("第一，建章立制；第二，强化监督。", 2),
        ("（1）建章立制。（2）强化监督。", 2),
        ("⑴建章立制。⑵强化监督。", 2),
        ("①建章立制。②强化监督。③严肃问责。", 3),
        ("一、建章立制。二、强化监督。", 2),
        ("统一思想是前提，建章立制。", 1),
    ],
)
def test_measure_enumeration_styles(answer, expected):
    doc = parse_text(f"1．问题甲。\n整改情况：{answer}\n")
    assert doc.counts["measures"] == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        ("这是一段普通的文字，没有任何编号结构。".encode(), "未识别出文件结构"),
        (b"PK\x03\x04not really a docx", "docx"),
    ],
)
def test_bad_input_gets_one_clear_message(data, message):
    with pytest.raises(InputError, match=message):
        parse_bytes(data, filename="bad")
