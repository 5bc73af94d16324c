"""The announcement composed from ledger facts (core/announcement.py), without a database.

Facts are built here from a parsed document the way an import fills the ledger (each
answer kept, one measure per parsed item), so the round trip text → facts → announcement
→ text can be checked on the seed and on generated documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhenggai.core.announcement import (
    OPEN_NOTE,
    WATCHING_NOTE,
    AnnouncementFacts,
    AspectFacts,
    FindingFacts,
    LeadingGroupFacts,
    MeasureFacts,
    ProblemFacts,
    announcement_title,
    answer_of,
    compose,
)
from zhenggai.core.announcement_text import basis_from, deployer_of
from zhenggai.core.document import Document, tree_signature
from zhenggai.core.parser import parse_file, parse_text
from zhenggai.core.render import render_text
from zhenggai.core.synthetic import Style, generate

FIGURES = {
    "aspects": 6, "problems": 12, "findings": 25, "measures": 44, "closed_measures": 30,
    "watching_measures": 4, "immediate_measures": 10, "long_term_measures": 4,
    "completed_problems": 9, "continuing_problems": 2, "plan_revisions": 4,
    "institutions": 16, "accountable_people": 2, "activities": 21, "activity_participants": 640,
}


def facts_of(document: Document, **changes: object) -> AnnouncementFacts:
    """What an import of `document` puts in the ledger, as facts (no progress yet)."""
    aspects = tuple(
        AspectFacts(a.no, a.title or "", tuple(
            ProblemFacts(p.no, p.title or "", tuple(
                FindingFacts(
                    no=f.no, text=f.text, answer_kind=f.answer_kind, answer=f.answer or "",
                    label=f.label or "", measures=tuple(MeasureFacts(m.text) for m in f.measures),
                )
                for f in p.findings
            ))
            for p in a.problems
        ))
        for a in document.aspects
    )
    info = document.inspection
    facts = AnnouncementFacts(
        issuer=document.issuer or "中共示范县住房和城乡建设局党组",
        issue_date=dt.date(2020, 11, 25),
        figures=dict(FIGURES, **document.counts),
        group=info.group or "",
        target=info.target or "",
        start=info.start,
        end=info.end,
        feedback_date=info.feedback_date,
        basis=basis_from(document.preamble),
        aspects=aspects,
        closing=document.closing,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed(seed_path: Path) -> Document:
    return parse_file(seed_path)


@pytest.fixture(scope="module")
def seed_facts(seed: Document) -> AnnouncementFacts:
    return facts_of(seed)


def test_the_seed_comes_back_whole_through_facts_text_and_parse(seed, seed_facts) -> None:
    back = parse_text(render_text(compose(seed_facts)))
    assert back.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}
    assert tree_signature(back) == tree_signature(seed)
    assert back.unplaced == ()
    assert back.inspection == seed.inspection
    assert (back.issuer, back.issue_date) == (seed.issuer, dt.date(2020, 11, 25))
    assert back.contact == seed.contact


def test_every_figure_is_stated_once_in_words_the_extractor_reads(seed_facts) -> None:
    back = parse_text(render_text(compose(replace(seed_facts, has_plan=True))))
    assert back.claims == {
        "activities": 21, "aspects": 6, "problems": 12, "findings": 25, "plan_revisions": 4,
        "measures": 44, "completed_problems": 9, "institutions": 16, "accountable_people": 2,
    }
    assert not [w for w in back.warnings if w.code in ("claim_conflict", "claim_mismatch")]


def test_figures_the_ledger_lacks_are_left_unsaid(seed_facts) -> None:
    empty = {k: 0 for k in FIGURES} | {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}
    text = render_text(compose(replace(seed_facts, figures=empty)))
    back = parse_text(text)
    assert set(back.claims) == {"aspects", "problems", "findings", "measures"}
    for absent in ("问责", "建立完善制度", "轮修改", "已完成0", "活动0次"):
        assert absent not in text


@pytest.mark.parametrize(
    ("completed", "continuing", "expected"),
    [
        (12, 0, "巡察反馈的12个问题均已完成整改"),
        (12, 3, "巡察反馈的12个问题均已完成整改，其中3个问题涉及需长期坚持的措施，持续整改"),
        (9, 2, "巡察反馈的12个问题中，9个问题已完成整改（其中2个持续整改），其余3个正在按计划推进"),
        (0, 0, "巡察反馈的12个问题正在按计划推进整改"),
    ],
)
def test_completed_problems_are_stated_as_they_stand(seed_facts, completed, continuing, expected):
    figures = dict(seed_facts.figures, completed_problems=completed, continuing_problems=continuing)
    text = render_text(compose(replace(seed_facts, figures=figures)))
    assert expected in text
    claims = parse_text(text).claims
    assert claims.get("completed_problems") == (completed or None)


def test_an_answer_is_composed_from_measures_with_accepted_progress_and_status() -> None:
    finding = FindingFacts(
        no=1, text="会议记录不规范。", answer_kind="rectified",
        answer="一是规范会议记录。二是配备党务人员。",
        measures=(
            MeasureFacts("规范会议记录", "closed", "已印发会议记录规范，逐月检查"),
            MeasureFacts("配备党务人员。", "watching", "已配备1名兼职党务工作人员。"),
            MeasureFacts("开展专项检查。"),
        ),
    )
    kind, text = answer_of(finding)
    assert kind == "rectified"
    assert text == (
        "一是规范会议记录。已印发会议记录规范，逐月检查。"
        f"二是配备党务人员。已配备1名兼职党务工作人员。{WATCHING_NOTE}"
        f"三是开展专项检查。{OPEN_NOTE}"
    )


def test_the_imported_answer_is_kept_verbatim_until_a_measure_moves_on() -> None:
    answer = "一是压紧压实责任。二加强基层支部建设。"  # the seed's own typo stays
    measures = (MeasureFacts("压紧压实责任。"), MeasureFacts("加强基层支部建设。"))
    finding = FindingFacts(no=1, text="重业务轻党建。", answer_kind="rectified", answer=answer,
                           measures=measures)
    assert answer_of(finding) == ("rectified", answer)
    moved = replace(finding, measures=(replace(measures[0], status="closed"), measures[1]))
    assert answer_of(moved)[1].startswith("一是压紧压实责任。二是加强基层支部建设。")
    # A measure the office added after the import is not in the answer: composed as well.
    added = replace(finding, measures=(*measures, MeasureFacts("建立党建考核制度。")))
    assert "三是建立党建考核制度。" in answer_of(added)[1]


def test_an_explanation_is_written_as_one_and_counts_no_measure() -> None:
    finding = FindingFacts(no=4, text="未见党建资料", answer_kind="explained",
                           answer="不具备成立支部条件。")
    document = compose(replace(
        AnnouncementFacts(issuer="中共某局委员会", issue_date=dt.date(2026, 1, 5), figures=FIGURES),
        aspects=(AspectFacts(1, "党的组织建设方面", (ProblemFacts(1, "组织建设薄弱。", (finding,)),)),),
    ))
    text = render_text(document)
    assert "情况说明：不具备成立支部条件。" in text
    assert parse_text(text).counts["measures"] == 0


def test_the_leading_group_is_named_by_position_not_by_person(seed_facts) -> None:
    group = LeadingGroupFacts(leader_position="党委书记、局长", deputies=3, members=7, has_office=True)
    text = render_text(compose(replace(seed_facts, leading_group=group, has_plan=True)))
    assert (
        "成立以党委书记、局长任组长，班子成员任副组长，各责任单位主要负责人为成员的巡察整改工作领导小组，"
        "下设办公室负责日常协调、督办和台账管理。"
    ) in text
    assert "制定整改方案，经广泛征求意见进行了4轮修改" in text


def test_opening_names_group_period_feedback_and_basis(seed_facts) -> None:
    text = render_text(compose(seed_facts))
    assert text.split("\n")[1] == (
        "按照区委统一部署，2019年3月26日至5月15日，区委第二巡察组对区城管局党委和局属二级单位"
        "开展了常规巡察，7月8日反馈了巡察意见。根据《中国共产党巡视工作条例》及省、市、区委关于"
        "巡视巡察工作的相关规定，现将巡察整改情况予以公布。"
    )


def test_a_provincial_inspection_is_a_xunshi(seed_facts) -> None:
    facts = replace(seed_facts, level="xunshi", group="省委第三巡视组", kind_label="常规巡察")
    text = render_text(compose(facts))
    assert "省委第三巡视组对区城管局党委和局属二级单位开展了常规巡视" in text
    assert "反馈了巡视意见" in text and "现将巡视整改情况予以公布" in text


def test_title_and_deployer() -> None:
    facts = AnnouncementFacts(issuer="中共某局党组", issue_date=dt.date(2026, 1, 5),
                              figures=FIGURES, group="市委第一巡察组")
    # Two title lines hold the group; when they would not, the title leaves it out.
    assert announcement_title(facts) == "中共某局党组关于市委第一巡察组巡察反馈意见整改情况的通报"
    longer = replace(facts, issuer="中共某县住房和城乡建设局党组")
    assert announcement_title(longer) == "中共某县住房和城乡建设局党组关于巡察整改情况的通报"
    long_issuer = replace(facts, issuer="中共" + "某" * 40 + "委员会")
    assert announcement_title(long_issuer) == "关于市委第一巡察组巡察反馈意见整改情况的通报"
    assert deployer_of("区委第二巡察组") == "区委"
    assert deployer_of("市委第十巡察组") == "市委"
    assert deployer_of("专项巡察组") == ""


@given(
    seed=st.integers(min_value=0, max_value=10_000),
    style=st.builds(
        Style,
        full_width=st.booleans(),
        problem_dot=st.sampled_from(["．", ".", "、"]),
        with_aspects=st.booleans(),
        label_inline=st.booleans(),
        measure_style=st.sampled_from(["shi", "paren", "di"]),
    ),
)
def test_generated_documents_come_back_through_the_announcement(seed: int, style: Style) -> None:
    text, spec = generate(seed=seed, style=style)
    document = parse_text(text)
    back = parse_text(render_text(compose(facts_of(document))))
    assert back.counts == document.counts
    assert back.counts["measures"] == spec.measures
    assert tree_signature(back) == tree_signature(document)
    assert back.unplaced == ()
