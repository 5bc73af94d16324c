"""The announcement (整改情况的通报) composed from the ledger's facts, as a `Document`.

The publication app gathers what the ledger and the records hold at this moment into an
`AnnouncementFacts` — the inspection, the figures, the findings tree with each measure's
state and accepted progress, the institutions — and `compose` writes the announcement the
way the seed is written: the opening paragraph (inspection group, period, feedback date,
basis); 一、 organisation and responsibility with the figures; 二、 each aspect, problem and
finding with what was done (一是/二是/… from its measures) or the explanation (情况说明);
三、 long-term mechanisms and next steps; the contact paragraph; issuer and date.

The result is a `core.document.Document`, so the one renderer writes it as txt, Markdown,
DOCX and PDF, and parsing the txt gives the same tree back (the round trip the tests
check). Every figure is read from `figures`, never typed: the sentences that state them use
the words the parser's claim extractor reads ("6个方面12个问题", "制定整改措施44条",
"建立完善制度16项", "问责2人"), so the figure check can hold the text to the ledger. A
figure the ledger does not have (no plan, nobody held to account) is left unsaid rather
than stated as zero. Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from zhenggai.core.announcement_text import (
    closing_lines,
    long_term_section,
    opening,
    organisation_section,
    word_of,
)
from zhenggai.core.document import (
    Aspect,
    Document,
    Finding,
    FindingsPart,
    Measure,
    Problem,
    Source,
)
from zhenggai.core.numerals import int_to_cn
from zhenggai.core.official_document import title_lines

MeasureStatus = Literal["open", "closed", "watching"]

#: What the txt of a composed announcement calls itself when it is parsed back.
SOURCE_NAME = "通报.txt"
FINDINGS_PART_TITLE = "坚持问题导向，逐项抓好整改"
#: Said after a measure still under way, and after one kept under watch (持续整改).
OPEN_NOTE = "目前正在推进。"
WATCHING_NOTE = "该项工作需长期坚持，持续整改。"
_SENTENCE_END = "。！？；.!?;"
#: A title longer than this is not read back as a title by the parser (core/parser).
TITLE_MAX = 60


@dataclass(frozen=True)
class MeasureFacts:
    """One measure: its content, where it stands, and the latest accepted progress."""

    content: str
    status: MeasureStatus = "open"
    progress: str = ""


@dataclass(frozen=True)
class FindingFacts:
    """A finding; `answer` is the explanation, or the imported answer (the starting point)."""

    no: int | None
    text: str
    answer_kind: str = "none"
    answer: str = ""
    label: str = ""
    measures: tuple[MeasureFacts, ...] = ()


@dataclass(frozen=True)
class ProblemFacts:
    no: int | None
    title: str
    findings: tuple[FindingFacts, ...] = ()


@dataclass(frozen=True)
class AspectFacts:
    no: int | None
    title: str
    problems: tuple[ProblemFacts, ...] = ()


@dataclass(frozen=True)
class LeadingGroupFacts:
    """The leading group by position only: an announcement names offices, not people."""

    leader_position: str = ""
    deputies: int = 0
    members: int = 0
    has_office: bool = False


@dataclass(frozen=True)
class AnnouncementFacts:
    """What the ledger and the records say now, for one inspection."""

    issuer: str
    issue_date: dt.date
    figures: Mapping[str, int]
    level: str = "xuncha"
    kind_label: str = "常规巡察"
    group: str = ""
    target: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    feedback_date: dt.date | None = None
    basis: str = ""
    title: str = ""
    leading_group: LeadingGroupFacts | None = None
    has_plan: bool = False
    aspects: tuple[AspectFacts, ...] = ()
    institutions: tuple[str, ...] = ()
    #: The contact paragraph(s) to keep (the imported one, or the last version's).
    closing: str = ""


def announcement_title(facts: AnnouncementFacts) -> str:
    """The title: "<issuer>关于<group>巡察反馈意见整改情况的通报" when it sits on two title
    lines, else shorter ("<issuer>关于巡察整改情况的通报"): a third line would leave the
    title's lines uneven, and the opening paragraph names the group anyway."""
    if facts.title:
        return facts.title
    word = word_of(facts.level)
    candidates = [
        f"{facts.issuer}关于{facts.group}{word}反馈意见整改情况的通报" if facts.group else "",
        f"{facts.issuer}关于{word}整改情况的通报",
        f"关于{facts.group}{word}反馈意见整改情况的通报" if facts.group else "",
    ]
    for title in candidates:
        if title and len(title) <= TITLE_MAX and len(title_lines(title)) <= 2:
            return title
    return f"关于{word}整改情况的通报"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in _SENTENCE_END else text + "。"


def measure_text(measure: MeasureFacts) -> str:
    """What was done for one measure: its content, then its accepted progress or status."""
    text = _sentence(measure.content)
    if measure.progress.strip():
        text += _sentence(measure.progress)
    if measure.status == "watching":
        text += WATCHING_NOTE
    elif measure.status == "open" and not measure.progress.strip():
        text += OPEN_NOTE
    return text


def _imported_answer_holds(finding: FindingFacts) -> bool:
    """The imported answer still says what the ledger holds: every measure is in it, and
    none has moved on since (no accepted progress, none done) — then it is kept verbatim,
    the document's own words; otherwise the answer is composed from the measures."""
    return bool(finding.answer.strip()) and all(
        m.status == "open" and not m.progress.strip() and m.content.strip() in finding.answer
        for m in finding.measures
    )


def answer_of(finding: FindingFacts) -> tuple[str, str]:
    """(answer kind, answer text) of a finding: the explanation, or what was done."""
    if finding.answer_kind == "explained":
        return "explained", finding.answer.strip()
    if not finding.measures:
        return ("rectified", finding.answer.strip()) if finding.answer.strip() else ("none", "")
    if _imported_answer_holds(finding):
        return "rectified", finding.answer.strip()
    if len(finding.measures) == 1:
        return "rectified", measure_text(finding.measures[0])
    return "rectified", "".join(
        f"{int_to_cn(i)}是{measure_text(m)}" for i, m in enumerate(finding.measures, start=1)
    )


def _finding(finding: FindingFacts) -> Finding:
    kind, answer = answer_of(finding)
    measures = tuple(
        Measure(no=i if len(finding.measures) > 1 else None, text=m.content)
        for i, m in enumerate(finding.measures, start=1)
    ) if kind == "rectified" else ()
    return Finding(
        no=finding.no,
        text=finding.text,
        answer_kind=kind,  # type: ignore[arg-type]
        answer=answer if kind != "none" else None,
        measures=measures,
        label=None if finding.no is not None else (finding.label or "主要问题"),
    )


def _tree(facts: AnnouncementFacts) -> tuple[Aspect, ...]:
    return tuple(
        Aspect(
            no=aspect.no,
            title=aspect.title or None,
            problems=tuple(
                Problem(
                    no=problem.no,
                    title=problem.title,
                    findings=tuple(_finding(f) for f in problem.findings),
                )
                for problem in aspect.problems
            ),
        )
        for aspect in facts.aspects
    )


def compose(facts: AnnouncementFacts) -> Document:
    """The announcement as a document tree, ready for `core.render_formats`."""
    aspects = _tree(facts)
    counts = {
        "aspects": len(aspects),
        "problems": sum(len(a.problems) for a in aspects),
        "findings": sum(len(p.findings) for a in aspects for p in a.problems),
        "measures": sum(len(f.measures) for a in aspects for p in a.problems for f in p.findings),
    }
    titled = [a for a in facts.aspects if a.title]
    return Document(
        source=Source(format="txt", encoding="utf-8", sha256="", filename=SOURCE_NAME),
        title=announcement_title(facts),
        issuer=facts.issuer,
        issue_date=facts.issue_date,
        preamble=opening(facts),
        counts=counts,
        aspects=aspects,
        sections=(
            organisation_section(facts, with_aspects=bool(titled), order=0),
            long_term_section(facts, order=2),
        ),
        findings_part=FindingsPart(no=2, title=FINDINGS_PART_TITLE, order=1),
        closing="\n".join(closing_lines(facts)),
    )
