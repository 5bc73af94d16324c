"""The sentences of a composed announcement: opening, 一、, 三、 and the contact paragraph.

Each sentence that states a figure is worded the way the parser's claim extractor reads
it, and states each figure once with one meaning: "整改措施N条" is always the whole plan,
so the measures still open are "N条措施" (not "整改措施"), which the extractor would
otherwise read as a second, conflicting claim. Figures the ledger does not have are left
unsaid. Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from zhenggai.core.chinese_date import chinese_date
from zhenggai.core.document import Section

if TYPE_CHECKING:
    from zhenggai.core.announcement import AnnouncementFacts

ORGANISATION_TITLE = "加强组织领导，压实整改责任"
LONG_TERM_TITLE = "完善长效机制，巩固整改成果"
DEFAULT_BASIS = "《中国共产党巡视工作条例》和有关规定"
CONTACT_DEFAULT = "欢迎广大干部群众对{word}整改落实情况进行监督。如有意见建议，请及时向我们反映。"


def word_of(level: str) -> str:
    """巡视 at the provincial and central level, 巡察 below it."""
    return "巡视" if level == "xunshi" else "巡察"


def subject(issuer: str) -> str:
    """How the text names the committee that owns the rectification: 党组, 党委 or 党组织."""
    name = issuer.strip()
    if name.endswith("党组"):
        return "党组"
    if name.endswith(("委员会", "党委", "党工委")):
        return "党委"
    return "党组织"


def deployer_of(group: str) -> str:
    """"区委第二巡察组" → "区委": who deployed the inspection, as the opening names it."""
    m = re.match(r"(.+?[委组])第?[一二三四五六七八九十\d]+(?:巡察|巡视)组", group)
    return m.group(1) if m else ""


def basis_from(preamble: str) -> str:
    """The basis an imported opening names: "根据《…条例》及…规定，现将…" → "《…条例》及…规定"."""
    m = re.search(r"根据(.+?)[，,]\s*现将", preamble)
    return m.group(1).strip() if m else ""


def _period(start: dt.date | None, end: dt.date | None) -> str:
    """"2019年3月26日至5月15日": the year is not repeated within one year."""
    if start is None or end is None:
        return ""
    tail = f"{end.month}月{end.day}日" if end.year == start.year else chinese_date(end)
    return f"{chinese_date(start)}至{tail}"


def _day_after(day: dt.date, reference: dt.date | None) -> str:
    if reference is not None and reference.year == day.year:
        return f"{day.month}月{day.day}日"
    return chinese_date(day)


def opening(facts: AnnouncementFacts) -> str:
    """Who inspected whom and when, when the feedback came, and on what basis."""
    word = word_of(facts.level)
    kind = facts.kind_label.replace("巡察", word)
    deployer = deployer_of(facts.group)
    head = f"按照{deployer}统一部署，" if deployer else ""
    period = _period(facts.start, facts.end)
    if period:
        head += f"{period}，"
    target = facts.target or facts.issuer
    head += f"{facts.group}对{target}开展了{kind}" if facts.group else f"对{target}开展了{kind}"
    if facts.feedback_date is not None:
        when = _day_after(facts.feedback_date, facts.end if period else None)
        head += f"，{when}反馈了{word}意见"
    basis = facts.basis.strip() or DEFAULT_BASIS
    return f"{head}。根据{basis}，现将{word}整改情况予以公布。"


def _sub(no: int, title: str, text: str) -> Section:
    return Section(no=no, title=title, text=text)


def _figure_sentences(facts: AnnouncementFacts, with_aspects: bool) -> tuple[str, str]:
    """(what was found and planned, where the rectification stands), from the figures."""
    f: Mapping[str, int] = facts.figures
    word = word_of(facts.level)
    scope = f"{f['aspects']}个方面{f['problems']}个问题" if with_aspects else f"{f['problems']}个问题"
    found = f"对照{word}反馈{scope}（{f['findings']}个具体问题）逐条梳理"
    if facts.has_plan:
        found += "，制定整改方案"
        if f.get("plan_revisions", 0):
            found += f"，经广泛征求意见进行了{f['plan_revisions']}轮修改"
    else:
        found += "，建立整改台账"
    found += "，明确整改内容、整改目标、责任领导、责任单位和整改时限。"

    measures = f"制定整改措施{f['measures']}条"
    kinds = [
        ("立行立改", f.get("immediate_measures", 0)),
        ("限期整改", f["measures"] - f.get("immediate_measures", 0) - f.get("long_term_measures", 0)),
        ("长期坚持", f.get("long_term_measures", 0)),
    ]
    parts = [f"{name}{n}条" for name, n in kinds if n]
    if f["measures"] and len(parts) > 1:
        measures += "，其中" + "、".join(parts)
    measures += "，实行“台账式管理、销号制落实”。"

    problems, completed = f["problems"], f.get("completed_problems", 0)
    continuing = f.get("continuing_problems", 0)
    if problems and completed == problems:
        state = f"{word}反馈的{problems}个问题均已完成整改"
        if continuing:
            state += f"，其中{continuing}个问题涉及需长期坚持的措施，持续整改"
    elif completed:
        state = f"{word}反馈的{problems}个问题中，{completed}个问题已完成整改"
        if continuing:
            state += f"（其中{continuing}个持续整改）"
        state += f"，其余{problems - completed}个正在按计划推进"
    else:
        state = f"{word}反馈的{problems}个问题正在按计划推进整改"
    done, watching = f.get("closed_measures", 0), f.get("watching_measures", 0)
    open_measures = f["measures"] - done - watching
    if f["measures"] and (done or watching):
        state += f"；{f['measures']}条整改措施中，已完成{done}条"
        if watching:
            state += f"，长期坚持、持续整改{watching}条"
        if open_measures:
            state += f"，正在推进{open_measures}条"
    records = []
    if f.get("institutions", 0):
        records.append(f"建立完善制度{f['institutions']}项")
    if f.get("accountable_people", 0):
        records.append(f"问责{f['accountable_people']}人")
    if records:
        state += "；" + "，".join(records)
    return found, measures + "截至目前，" + state + "。"


def organisation_section(facts: AnnouncementFacts, *, with_aspects: bool, order: int) -> Section:
    """一、: the committee's deployment, the leading group and plan, and the figures."""
    word = word_of(facts.level)
    who = subject(facts.issuer)
    study = (
        f"反馈会后，{who}及时召开会议，传达学习{word}反馈意见，对整改工作作出部署，"
        f"把{word}整改作为重要政治任务，坚持高标准、严要求，确保问题整改到位。"
    )
    activities = facts.figures.get("activities", 0)
    if activities:
        study += f"围绕{word}整改开展专题学习、警示教育、培训等活动{activities}次"
        participants = facts.figures.get("activity_participants", 0)
        study += f"，参加{participants}人次。" if participants else "。"
    group = facts.leading_group
    lead = ""
    if group is not None and (group.leader_position or group.deputies or group.members):
        roles = []
        if group.leader_position:
            roles.append(f"{group.leader_position}任组长")
        if group.deputies:
            roles.append("班子成员任副组长")
        if group.members:
            roles.append("各责任单位主要负责人为成员")
        # Clauses apart by "，": a position may hold "、" itself ("党组书记、局长").
        lead = f"成立以{'，'.join(roles)}的{word}整改工作领导小组"
        lead += "，下设办公室负责日常协调、督办和台账管理。" if group.has_office else "。"
    found, state = _figure_sentences(facts, with_aspects)
    return Section(
        no=1,
        title=ORGANISATION_TITLE,
        text="",
        order=order,
        subsections=(
            _sub(1, "统一思想，提高政治站位。", study),
            _sub(2, "加强领导，压实整改责任。", lead + found),
            _sub(3, "标本兼治，推动整改落实。", state),
        ),
    )


def _book(name: str) -> str:
    name = name.strip()
    return name if name.startswith("《") else f"《{name}》"


def long_term_section(facts: AnnouncementFacts, *, order: int) -> Section:
    """三、: the institutions established, long-term work, and the next steps."""
    word = word_of(facts.level)
    who = subject(facts.issuer)
    f = facts.figures
    if facts.institutions:
        rules = (
            "坚持把建章立制作为巩固整改成果的重要举措，围绕反馈问题建立和修订"
            + "".join(_book(n) for n in facts.institutions)
            + "等制度，推动整改成果制度化、长效化。"
        )
    else:
        rules = "坚持把建章立制作为巩固整改成果的重要举措，对照反馈问题查找制度漏洞，完善相关制度。"
    long_term = f.get("long_term_measures", 0)
    if long_term:
        rules += f"对需要长期坚持的{long_term}条措施，实行定期跟踪检查，持续整改、久久为功。"
    open_measures = f["measures"] - f.get("closed_measures", 0) - f.get("watching_measures", 0)
    steps = f"对尚未完成的{open_measures}条措施，盯紧时限、逐项推进，完成一项、销号一项；" if open_measures else ""
    steps += (
        f"对已完成的整改任务，适时开展“回头看”，防止问题反弹。进一步压实主体责任，"
        f"把{word}整改成果转化为推动工作的制度机制，确保整改取得实效。"
    )
    return Section(
        no=3,
        title=LONG_TERM_TITLE,
        text=f"下一步，{who}将保持力度不减、节奏不变，持续抓好{word}整改落实。",
        order=order,
        subsections=(
            _sub(1, "建章立制，巩固整改成果。", rules),
            _sub(2, "持续用力，抓好后续整改。", steps),
        ),
    )


def closing_lines(facts: AnnouncementFacts) -> Iterator[str]:
    """The contact paragraph: the one kept from before, else the invitation to supervise."""
    kept = [line for line in facts.closing.split("\n") if line.strip()]
    if kept:
        yield from kept
    else:
        yield CONTACT_DEFAULT.format(word=word_of(facts.level))
