"""Render a parsed announcement to DOCX and PDF in the GB/T 9704-2012 layout.

This module only says what the announcement's paragraphs are: walking the document tree
tells each one its level, which decides its face. The page, grid, fonts, page numbers and
the issuer and date come from the one official-document builder
(`official_document`, `official_docx`, `official_pdf`), which the urging notices share.
Pure Python: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterator

from zhenggai.core.document import Document, Finding, Problem, Section
from zhenggai.core.errors import InputError
from zhenggai.core.official_document import (
    Block,
    OfficialDocument,
    Run,
    body_blocks,
    heading_blocks,
    labelled_blocks,
)
from zhenggai.core.official_docx import official_docx
from zhenggai.core.official_pdf import official_html, official_pdf
from zhenggai.core.render import compose_answer, default_marker

_SENTENCE_END = "。．.；;！？!?"


def _heading_blocks(
    marker: str | None,
    depth: int,
    no: int | None,
    title: str | None,
    run_in: str | None = None,
) -> list[Block]:
    """A numbered heading with the document's own marker (or the default one for its level)."""
    mark = marker if marker else default_marker(depth, no)
    return heading_blocks(mark + (title or ""), depth, run_in)


def _section_blocks(section: Section, depth: int) -> Iterator[Block]:
    text_lines = section.text.split("\n") if section.text else []
    title = section.title or ""
    run_in = None
    if text_lines and title[-1:] in _SENTENCE_END:  # an empty title also runs in, as in txt
        run_in = text_lines.pop(0)
    yield from _heading_blocks(section.marker, depth, section.no, section.title, run_in)
    for line in text_lines:
        yield from body_blocks(line)
    for sub in section.subsections:
        yield from _section_blocks(sub, depth + 1)


def _finding_blocks(finding: Finding, problem: Problem, depth: int) -> Iterator[Block]:
    if finding.no is not None:
        yield from _heading_blocks(finding.marker, depth, finding.no, finding.text)
    elif not (finding.label is None and finding.text == (problem.title or "")):
        yield Block((Run(f"{finding.label or '主要问题'}：", "label"),), keep_with_next=True)
        yield from body_blocks(finding.text)
    if finding.answer_kind == "none" and not finding.measures:
        return
    parts = finding.answer_parts
    if parts:
        for part in parts:
            yield from labelled_blocks(part.label, part.text)
    else:
        label = "情况说明" if finding.answer_kind == "explained" else "整改情况"
        yield from labelled_blocks(label, compose_answer(finding))


def _problem_blocks(problem: Problem, depth: int) -> Iterator[Block]:
    yield from _heading_blocks(problem.marker, depth, problem.no, problem.title)
    if any(f.no is not None for f in problem.findings):
        yield Block((Run(f"{problem.label or '主要问题'}：", "label"),), keep_with_next=True)
    for finding in problem.findings:
        yield from _finding_blocks(finding, problem, depth + 1)


def blocks(document: Document) -> list[Block]:
    """The body paragraphs, in the same order and words as `render.document_lines`."""
    out: list[Block] = []
    out.extend(body_blocks(document.preamble) if document.preamble else ())
    parts: list[tuple[int, Section | None]] = [(s.order, s) for s in document.sections]
    fp = document.findings_part
    parts.append((fp.order if fp else len(document.sections), None))
    base = 1 if fp else 0
    for _, section in sorted(parts, key=lambda p: p[0]):
        if section is not None:
            out.extend(_section_blocks(section, 0))
            continue
        if fp:
            out.extend(_heading_blocks(fp.marker, 0, fp.no, fp.title))
            if fp.text:
                out.extend(body_blocks(fp.text))
        for aspect in document.aspects:
            if aspect.no is None and aspect.title is None:
                for problem in aspect.problems:
                    out.extend(_problem_blocks(problem, base))
                continue
            out.extend(_heading_blocks(aspect.marker, base, aspect.no, aspect.title))
            for problem in aspect.problems:
                out.extend(_problem_blocks(problem, base + 1))
    if document.closing:
        out.extend(body_blocks(document.closing))
    return out


def official(document: Document) -> OfficialDocument:
    """The announcement as an official document: title, body, issuer and date."""
    return OfficialDocument(
        title=document.title or "",
        body=tuple(blocks(document)),
        issuer=document.issuer,
        issue_date=document.issue_date,
    )


def render_docx(document: Document) -> bytes:
    """A DOCX an office can open and edit in Word or WPS, fonts named as offices have them."""
    return official_docx(official(document))


def render_html(document: Document) -> str:
    """The HTML WeasyPrint draws the PDF from."""
    return official_html(official(document))


def render_pdf(document: Document) -> bytes:
    """The PDF through WeasyPrint, with the project's font mapping."""
    return official_pdf(official(document))


def render(document: Document, *, fmt: str) -> bytes:
    """The announcement as "docx" or "pdf" bytes."""
    if fmt == "docx":
        return render_docx(document)
    if fmt == "pdf":
        return render_pdf(document)
    raise InputError(f"render_office 只生成 docx 或 pdf，不支持：{fmt}")
