"""The parsed-document contract: what `zhenggai parse` prints and what the importer stores.

Every consumer (the CLI, the database import, the renderer, the web wizard, the API) reads
these dataclasses, never the parser's internals. The JSON keys are stable (DESIGN.md §5);
new keys may be added, none renamed or removed. The schema test in
`tests/core/test_document.py` pins them.

The dataclasses are frozen: parser stages hand them on and never patch them afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

SourceFormat = Literal["txt", "docx", "pdf", "image"]
AnswerKind = Literal["rectified", "explained", "none"]
InspectionLevel = Literal["xuncha", "xunshi"]
InspectionKind = Literal["regular", "special", "mobile", "elevated", "follow_up"]

#: Claim keys the extractor knows; a document may state any subset.
CLAIM_KEYS: tuple[str, ...] = (
    "aspects",
    "problems",
    "findings",
    "measures",
    "institutions",
    "accountable_people",
    "completed_problems",
    "money_recovered_yuan",
    "activities",
    "plan_revisions",
    "partially_completed_problems",
    "uncompleted_problems",
    "completion_rate",
    "money_returned_yuan",
    "losses_recovered_yuan",
)

#: The keys of `counts` that the parser can count from the tree itself.
COUNTED_KEYS: tuple[str, ...] = ("aspects", "problems", "findings", "measures")


@dataclass(frozen=True)
class Source:
    """Where the text came from; `sha256` identifies the file's bytes for re-import checks."""

    format: SourceFormat
    encoding: str | None
    sha256: str
    ocr_confidence: float | None = None
    filename: str | None = None
    size_bytes: int = 0


@dataclass(frozen=True)
class InspectionInfo:
    """What the document says about the inspection it answers."""

    group: str | None = None
    target: str | None = None
    level: InspectionLevel | None = None
    kind: InspectionKind | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    feedback_date: dt.date | None = None


@dataclass(frozen=True)
class Measure:
    """One action ("一是…" item, or a whole unenumerated answer)."""

    no: int | None
    text: str
    #: The enumeration marker exactly as written ("一是", "二" in the seed's typo, "（1）").
    marker: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class AnswerPart:
    """One labelled block of an answer (整改情况: …, 整改成效: …)."""

    label: str
    text: str
    line: int | None = None


@dataclass(frozen=True)
class Finding:
    """A concrete finding (主要问题 item) with the answer the document gives for it."""

    no: int | None
    text: str
    answer_kind: AnswerKind
    answer: str | None
    measures: tuple[Measure, ...] = ()
    answer_parts: tuple[AnswerPart, ...] = ()
    #: The label that introduced the finding text ("主要问题"), None when numbered directly.
    label: str | None = None
    #: The numbering marker as written ("(1)", "（2）", "①"), None when unnumbered.
    marker: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Problem:
    no: int | None
    title: str | None
    findings: tuple[Finding, ...] = ()
    marker: str | None = None
    line: int | None = None
    #: The label that introduces the numbered findings ("主要问题", "问题表现"), as written.
    label: str | None = None


@dataclass(frozen=True)
class Aspect:
    no: int | None
    title: str | None
    problems: tuple[Problem, ...] = ()
    marker: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Section:
    """A numbered part that carries no findings (work done, next steps), kept for rendering."""

    no: int | None
    title: str | None
    text: str
    marker: str | None = None
    line: int | None = None
    subsections: tuple[Section, ...] = ()
    #: Position among the document's top-level parts, so the renderer keeps the order.
    order: int = 0


@dataclass(frozen=True)
class FindingsPart:
    """The numbered top-level part that holds aspects → problems → findings."""

    no: int | None = None
    title: str | None = None
    marker: str | None = None
    line: int | None = None
    text: str = ""
    order: int = 0


@dataclass(frozen=True)
class Contact:
    phone: str | None = None
    address: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Unplaced:
    text: str
    line: int | None = None


@dataclass(frozen=True)
class ClaimText:
    """The words behind a claimed figure ("制定整改措施47条", "20余次")."""

    text: str
    approximate: bool = False
    line: int | None = None
    #: The whole sentence the figure stands in, as written.
    sentence: str = ""
    #: The word that makes it approximate: 余 or 多 (at least), 近 (at most); None when exact.
    qualifier: str | None = None


@dataclass(frozen=True)
class Document:
    source: Source
    title: str | None = None
    issuer: str | None = None
    issue_date: dt.date | None = None
    preamble: str = ""
    inspection: InspectionInfo = field(default_factory=InspectionInfo)
    claims: dict[str, int | float] = field(default_factory=dict)
    claims_text: dict[str, ClaimText] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    aspects: tuple[Aspect, ...] = ()
    sections: tuple[Section, ...] = ()
    findings_part: FindingsPart | None = None
    closing: str = ""
    contact: Contact = field(default_factory=Contact)
    warnings: tuple[Warning, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    parser_version: str = ""
    #: The issue date as written ("二〇二〇年十一月二十五日"), so a render can reproduce it.
    issue_date_text: str | None = None

    # -- walking the tree -------------------------------------------------------------
    def problems(self) -> Iterator[Problem]:
        for aspect in self.aspects:
            yield from aspect.problems

    def findings(self) -> Iterator[Finding]:
        for problem in self.problems():
            yield from problem.findings

    def measures(self) -> Iterator[Measure]:
        for finding in self.findings():
            yield from finding.measures

    def texts(self) -> Iterator[str]:
        """Every piece of text the document keeps, for the "nothing lost" property."""
        yield from (
            t for t in (self.title, self.issuer, self.preamble, self.closing, self.issue_date_text) if t
        )
        if self.findings_part:
            yield from (t for t in (self.findings_part.title, self.findings_part.text) if t)

        def section_texts(section: Section) -> Iterator[str]:
            yield from (t for t in (section.title, section.text) if t)
            for sub in section.subsections:
                yield from section_texts(sub)

        for section in self.sections:
            yield from section_texts(section)
        for aspect in self.aspects:
            if aspect.title:
                yield aspect.title
            for problem in aspect.problems:
                if problem.title:
                    yield problem.title
                if problem.label:
                    yield problem.label
                for finding in problem.findings:
                    if finding.label:
                        yield finding.label
                    yield finding.text
                    for part in finding.answer_parts:
                        yield part.label
                        yield part.text
                    for measure in finding.measures:
                        yield measure.text
        yield from (u.text for u in self.unplaced)

    # -- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return _jsonable(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a document from its JSON form (the renderer accepts `parse` output)."""

        def date(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        def measure(d: dict[str, Any]) -> Measure:
            return Measure(no=d.get("no"), text=d["text"], marker=d.get("marker"), line=d.get("line"))

        def finding(d: dict[str, Any]) -> Finding:
            return Finding(
                no=d.get("no"),
                text=d["text"],
                answer_kind=d.get("answer_kind", "none"),
                answer=d.get("answer"),
                measures=tuple(measure(m) for m in d.get("measures", ())),
                answer_parts=tuple(AnswerPart(**p) for p in d.get("answer_parts", ())),
                label=d.get("label"),
                marker=d.get("marker"),
                line=d.get("line"),
            )

        def problem(d: dict[str, Any]) -> Problem:
            return Problem(
                no=d.get("no"),
                title=d.get("title"),
                findings=tuple(finding(f) for f in d.get("findings", ())),
                marker=d.get("marker"),
                line=d.get("line"),
                label=d.get("label"),
            )

        def aspect(d: dict[str, Any]) -> Aspect:
            return Aspect(
                no=d.get("no"),
                title=d.get("title"),
                problems=tuple(problem(p) for p in d.get("problems", ())),
                marker=d.get("marker"),
                line=d.get("line"),
            )

        def section(d: dict[str, Any]) -> Section:
            return Section(
                no=d.get("no"),
                title=d.get("title"),
                text=d.get("text", ""),
                marker=d.get("marker"),
                line=d.get("line"),
                subsections=tuple(section(s) for s in d.get("subsections", ())),
                order=d.get("order", 0),
            )

        src = data["source"]
        insp = data.get("inspection") or {}
        fp = data.get("findings_part")
        return cls(
            source=Source(
                format=src["format"],
                encoding=src.get("encoding"),
                sha256=src["sha256"],
                ocr_confidence=src.get("ocr_confidence"),
                filename=src.get("filename"),
                size_bytes=src.get("size_bytes", 0),
            ),
            title=data.get("title"),
            issuer=data.get("issuer"),
            issue_date=date(data.get("issue_date")),
            preamble=data.get("preamble", ""),
            inspection=InspectionInfo(
                group=insp.get("group"),
                target=insp.get("target"),
                level=insp.get("level"),
                kind=insp.get("kind"),
                start=date(insp.get("start")),
                end=date(insp.get("end")),
                feedback_date=date(insp.get("feedback_date")),
            ),
            claims=dict(data.get("claims", {})),
            claims_text={k: ClaimText(**v) for k, v in data.get("claims_text", {}).items()},
            counts=dict(data.get("counts", {})),
            aspects=tuple(aspect(a) for a in data.get("aspects", ())),
            sections=tuple(section(s) for s in data.get("sections", ())),
            findings_part=FindingsPart(**fp) if fp else None,
            closing=data.get("closing", ""),
            contact=Contact(**(data.get("contact") or {})),
            warnings=tuple(Warning(**w) for w in data.get("warnings", ())),
            unplaced=tuple(Unplaced(**u) for u in data.get("unplaced", ())),
            parser_version=data.get("parser_version", ""),
            issue_date_text=data.get("issue_date_text"),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def tree_signature(document: Document) -> list[Any]:
    """The tree as plain data without line numbers, for round-trip comparisons."""
    return [
        (
            a.no,
            a.title,
            [
                (
                    p.no,
                    p.title,
                    [
                        (f.no, f.text, f.answer_kind, f.answer, [(m.no, m.text) for m in f.measures])
                        for f in p.findings
                    ],
                )
                for p in a.problems
            ],
        )
        for a in document.aspects
    ]
