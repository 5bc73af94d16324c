"""Render a document back to an announcement as txt or Markdown (DOCX/PDF: `render_office`).

The output keeps the document's own markers and labels where it has them, so that parsing
the output gives the same tree as parsing the original (the round-trip property the tests
check on the seed and on generated documents).
"""

from __future__ import annotations

from collections.abc import Iterator

from zhenggai.core.chinese_date import chinese_date
from zhenggai.core.document import Document, Finding, Problem, Section
from zhenggai.core.numerals import int_to_cn

#: Default heading markers by depth when the document (or the database) has none.
DEFAULT_MARKERS = ("{cn}、", "（{cn}）", "{n}．", "（{n}）")


def default_marker(depth: int, no: int | None) -> str:
    if no is None:
        return ""
    pattern = DEFAULT_MARKERS[min(depth, len(DEFAULT_MARKERS) - 1)]
    return pattern.format(cn=int_to_cn(no), n=no)


def _heading(marker: str | None, depth: int, no: int | None, title: str | None) -> list[str]:
    mark = marker if marker else default_marker(depth, no)
    lines = (title or "").split("\n")
    return [mark + lines[0], *lines[1:]] if mark or lines[0] else lines[1:]


def _section(section: Section, depth: int) -> Iterator[str]:
    text_lines = section.text.split("\n") if section.text else []
    head = _heading(section.marker, depth, section.no, section.title)
    title = section.title or ""
    if text_lines and head and title[-1:] in "。．.；;！？!?":
        head[-1] += text_lines.pop(0)
    yield from head
    yield from text_lines
    for sub in section.subsections:
        yield from _section(sub, depth + 1)


def compose_answer(finding: Finding) -> str:
    """The answer text; from the measures when only they are known (database edits)."""
    if finding.answer is not None:
        return finding.answer
    if len(finding.measures) == 1 and finding.measures[0].no is None:
        return finding.measures[0].text
    return "".join(f"{int_to_cn(i)}是{m.text}" for i, m in enumerate(finding.measures, start=1))


def _finding_lines(finding: Finding, problem: Problem, depth: int, label_done: bool) -> Iterator[str]:
    if finding.no is not None:
        yield from _heading(finding.marker, depth, finding.no, finding.text)
    elif not (finding.label is None and finding.text == (problem.title or "")):
        if not label_done:
            yield f"{finding.label or '主要问题'}："
        yield from finding.text.split("\n")
    if finding.answer_kind == "none" and not finding.measures:
        return
    parts = finding.answer_parts
    first_label = parts[0].label if parts else ("情况说明" if finding.answer_kind == "explained" else "整改情况")
    if parts:
        yield f"{first_label}：{parts[0].text}"
        for part in parts[1:]:
            yield f"{part.label}：{part.text}"
    else:
        yield f"{first_label}：{compose_answer(finding)}"


def _problem_lines(problem: Problem, depth: int) -> Iterator[str]:
    yield from _heading(problem.marker, depth, problem.no, problem.title)
    numbered = [f for f in problem.findings if f.no is not None]
    if numbered:
        yield f"{problem.label or '主要问题'}："
    for finding in problem.findings:
        yield from _finding_lines(finding, problem, depth + 1, label_done=False)


def document_lines(document: Document) -> Iterator[str]:
    if document.title:
        yield document.title
    if document.preamble:
        yield from document.preamble.split("\n")
    parts: list[tuple[int, str, object]] = [(s.order, "section", s) for s in document.sections]
    fp = document.findings_part
    parts.append((fp.order if fp else len(document.sections), "findings", fp))
    base = 1 if fp else 0
    for _, kind, obj in sorted(parts, key=lambda p: p[0]):
        if kind == "section":
            assert isinstance(obj, Section)
            yield from _section(obj, 0)
            continue
        if fp:
            yield from _heading(fp.marker, 0, fp.no, fp.title)
            if fp.text:
                yield from fp.text.split("\n")
        for aspect in document.aspects:
            if aspect.no is None and aspect.title is None:
                for problem in aspect.problems:
                    yield from _problem_lines(problem, base)
                continue
            yield from _heading(aspect.marker, base, aspect.no, aspect.title)
            for problem in aspect.problems:
                yield from _problem_lines(problem, base + 1)
    if document.closing:
        yield from document.closing.split("\n")
    if document.issuer:
        yield document.issuer
    if document.issue_date_text:
        yield document.issue_date_text
    elif document.issue_date:
        yield chinese_date(document.issue_date)


def render_text(document: Document) -> str:
    return "\n".join(document_lines(document)) + "\n"


def render_markdown(document: Document) -> str:
    """Markdown for review tools and the web preview: headings for the numbered levels."""
    out: list[str] = []
    if document.title:
        out.append(f"# {document.title}")
    for line in document_lines(document):
        if line == document.title:
            continue
        out.append(line)
    return "\n\n".join(out) + "\n"

