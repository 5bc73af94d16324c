"""The importer's parser: text → `Document` (DESIGN.md §5).

normalise (match form) → segment (classify paragraphs) → outline (nest headings) →
build (aspects / problems / findings) → split (measures) → extract (dates, claims, contact).
Pure and deterministic: the same bytes always give the same document.
"""

from __future__ import annotations

import re
from pathlib import Path

from zhenggai.core.document import (
    COUNTED_KEYS,
    Document,
    Source,
    Unplaced,
    Warning,
)
from zhenggai.core.errors import InputError
from zhenggai.core.normalise import match_form
from zhenggai.core.parser.build import build
from zhenggai.core.parser.extract import (
    TextLine,
    extract_claims,
    extract_contact,
    extract_inspection,
    parse_date_line,
)
from zhenggai.core.parser.outline import build_outline
from zhenggai.core.parser.segment import Paragraph, paragraphs
from zhenggai.core.readers import ExtractedText, read_bytes, read_file

PARSER_VERSION = "1.0"

NO_STRUCTURE = "{name}: 未识别出文件结构（没有编号的方面、问题或整改情况），请确认这是巡察反馈意见或整改情况通报"
#: The warning of a document with claims but no tree; the ledger refuses to import it.
NO_STRUCTURE_WARNING = "未识别出编号的方面、问题或整改情况：这是一份进展概述，只有文中数字，没有可跟踪的问题"
_CLOSING = re.compile(r"欢迎|联系电话|联系方式|通讯地址|联系地址|电子邮箱|电子邮件|举报电话|来信|来电|监督电话|信箱")
_ISSUER_END = re.compile(r"(委员会|党委|党组|总支|支部|局|办公室|政府|委|部|院|所|中心|公司|大队)$")

CLAIM_LABELS = {
    "aspects": ("方面", "个"),
    "problems": ("问题", "个"),
    "findings": ("具体问题", "个"),
    "measures": ("整改措施", "条"),
}


def parse_file(path: str | Path) -> Document:
    return parse_extracted(read_file(path))


def parse_bytes(data: bytes, *, filename: str | None = None) -> Document:
    return parse_extracted(read_bytes(data, filename=filename))


def parse_text(text: str, *, filename: str | None = None) -> Document:
    return parse_bytes(text.encode("utf-8"), filename=filename)


def _split_tail(paras: list[Paragraph]) -> tuple[list[Paragraph], list[Paragraph], Paragraph | None, Paragraph | None]:
    """Separate the signature (落款 and 成文日期) and the closing paragraphs at the end."""
    body = list(paras)
    issuer = date = None
    if body and body[-1].kind == "plain" and parse_date_line(body[-1].text):
        date = body.pop()
        if body and body[-1].kind == "plain" and len(body[-1].text) <= 40 and _ISSUER_END.search(
            "".join(match_form(body[-1].text).split())
        ) and not re.search(r"[。,;:!?]", match_form(body[-1].text)):
            issuer = body.pop()
    closing: list[Paragraph] = []
    while body and body[-1].kind == "plain" and _CLOSING.search(match_form(body[-1].text)):
        closing.insert(0, body.pop())
    return body, closing, issuer, date


def _title(body: list[Paragraph]) -> Paragraph | None:
    if not body or body[0].kind != "plain":
        return None
    first = body[0]
    norm = match_form(first.text)
    if len(first.text) <= 60 and not re.search(r"[。;!?]$|[。;]", norm) and re.search(
        r"关于|通报|公告|公布|情况|报告|意见|方案", norm
    ):
        return first
    return None


def parse_extracted(extracted: ExtractedText) -> Document:
    name = extracted.source.filename or "输入"
    paras = paragraphs(extracted.text)
    if not paras:
        raise InputError(f"{name}: 文件中没有文字")
    body, closing, issuer_p, date_p = _split_tail(paras)
    title_p = _title(body)
    if title_p is not None:
        body = body[1:]
    built = build(build_outline(body))
    counts = {
        "aspects": len(built.aspects),
        "problems": sum(len(a.problems) for a in built.aspects),
        "findings": sum(len(p.findings) for a in built.aspects for p in a.problems),
        "measures": sum(len(f.measures) for a in built.aspects for p in a.problems for f in p.findings),
    }
    warnings: list[Warning] = list(extracted.warnings)
    warnings += built.warnings
    # Claims come from the general parts (preamble, sections, the findings part's lead-in),
    # where a document speaks about itself; figures inside an answer describe one finding.
    general = _general_lines(built, body)
    claim_lines = [TextLine(p.text, p.line) for p in body if p.line in general]
    claims, claims_text, claim_warnings = extract_claims(claim_lines)
    warnings += claim_warnings
    if counts["problems"] == 0:
        # A progress summary (paragraphs of figures, nothing numbered) is a real publication:
        # its claims are kept, its tree is empty. A text stating nothing at all is refused.
        if not claims:
            raise InputError(NO_STRUCTURE.format(name=name))
        warnings.append(Warning("no_structure", NO_STRUCTURE_WARNING, None))
    for key in COUNTED_KEYS:
        if counts["problems"] and key in claims and claims[key] != counts[key]:
            what, unit = CLAIM_LABELS[key]
            warnings.append(Warning(
                "claim_mismatch",
                f"文中称{what} {claims[key]} {unit}（“{claims_text[key].text}”），解析出 {counts[key]} {unit}",
                claims_text[key].line,
            ))
    warnings += _numbering_warnings(built)
    for item in built.unplaced:
        warnings.append(Warning("unplaced", f"未能归入结构的文字：{item.text[:30]}", item.line))

    opening = "\n".join(built.preamble)
    inspection = extract_inspection(opening or (body[0].text if body else ""))
    tail_text = "\n".join(p.text for p in closing) or extracted.text[-2000:]
    return Document(
        source=extracted.source,
        title=title_p.text if title_p else None,
        issuer=issuer_p.text if issuer_p else None,
        issue_date=parse_date_line(date_p.text) if date_p else None,
        preamble=opening,
        inspection=inspection,
        claims=claims,
        claims_text=claims_text,
        counts=counts,
        aspects=tuple(built.aspects),
        sections=tuple(built.sections),
        findings_part=built.findings_part,
        closing="\n".join(p.text for p in closing),
        contact=extract_contact(tail_text),
        warnings=tuple(sorted(warnings, key=lambda w: (w.line or 0))),
        unplaced=tuple(built.unplaced),
        parser_version=PARSER_VERSION,
        issue_date_text=date_p.text if date_p else None,
    )


def _general_lines(built: object, body: list[Paragraph]) -> set[int]:
    """Line numbers outside the findings tree (preamble, sections, the part's lead-in)."""
    from zhenggai.core.parser.build import Built

    assert isinstance(built, Built)
    inside: set[int] = set()
    for aspect in built.aspects:
        for problem in aspect.problems:
            first = problem.line or (problem.findings[0].line if problem.findings else None)
            if first is not None:
                inside.add(first)
    # Everything from the first problem to the last answer belongs to the tree.
    tree_lines = [ln for ln in inside]
    if not tree_lines:
        return {p.line for p in body}
    lo = min(tree_lines)
    hi = _last_tree_line(built)
    return {p.line for p in body if not lo <= p.line <= hi}


def _last_tree_line(built: object) -> int:
    from zhenggai.core.parser.build import Built

    assert isinstance(built, Built)
    last = 0
    for aspect in built.aspects:
        for problem in aspect.problems:
            for f in problem.findings:
                # An answer part runs over as many lines as its text has.
                last = max(last, f.line or 0, *((p.line or 0) + p.text.count("\n") for p in f.answer_parts))
    return last


def _numbering_warnings(built: object) -> list[Warning]:
    from zhenggai.core.parser.build import Built

    assert isinstance(built, Built)
    out: list[Warning] = []

    def check(items: list[tuple[int | None, int | None]], what: str, start_ok: tuple[int, ...] = (1,)) -> None:
        nos = [(no, line) for no, line in items if no is not None]
        seen: set[int] = set()
        for i, (no, line) in enumerate(nos):
            if no in seen:
                out.append(Warning("numbering_repeat", f"{what}编号 {no} 重复", line))
            elif i == 0 and no not in start_ok:
                out.append(Warning("numbering_gap", f"{what}编号从 {no} 开始", line))
            elif i > 0 and nos[i - 1][0] is not None and no != nos[i - 1][0] + 1:
                out.append(Warning("numbering_gap", f"{what}编号不连续：{nos[i - 1][0]} 之后是 {no}", line))
            seen.add(no)

    check([(a.no, a.line) for a in built.aspects], "方面")
    problems = [(p.no, p.line) for a in built.aspects for p in a.problems]
    nos = [no for no, _ in problems if no is not None]
    continuous = nos == list(range(1, len(nos) + 1))
    if not continuous:
        for a in built.aspects:
            check([(p.no, p.line) for p in a.problems], "问题")
    for a in built.aspects:
        for p in a.problems:
            check([(f.no, f.line) for f in p.findings], f"问题 {p.no} 下的具体问题")
            for f in p.findings:
                check([(m.no, m.line) for m in f.measures], "整改措施")
    return out


__all__ = ["NO_STRUCTURE_WARNING", "PARSER_VERSION", "Document", "Source", "Unplaced", "parse_bytes", "parse_extracted",
           "parse_file", "parse_text"]
