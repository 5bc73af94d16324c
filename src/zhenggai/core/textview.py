"""`zhenggai parse --format text`: the parsed tree as a reader would check it."""

from __future__ import annotations

from zhenggai.core.document import Document

KIND_LABELS = {"rectified": "整改情况", "explained": "情况说明", "none": "无答复"}


def _no(no: int | None) -> str:
    return "—" if no is None else str(no)


def document_as_text(document: Document) -> str:
    lines: list[str] = []
    src = document.source
    lines.append(f"文件：{src.filename or '-'}（{src.format}，编码 {src.encoding or '-'}，SHA-256 {src.sha256[:12]}…）")
    if src.ocr_confidence is not None:
        lines.append(f"OCR 置信度：{src.ocr_confidence:.0%}")
    if document.title:
        lines.append(f"标题：{document.title}")
    insp = document.inspection
    lines.append(f"巡察组：{insp.group or '-'}；对象：{insp.target or '-'}；类型：{insp.kind or '-'}")
    lines.append(f"巡察时间：{insp.start or '-'} 至 {insp.end or '-'}；反馈日期：{insp.feedback_date or '-'}")
    lines.append(f"落款：{document.issuer or '-'}  {document.issue_date or '-'}")
    c = document.counts
    lines.append(
        f"解析结果：{c.get('aspects', 0)} 个方面，{c.get('problems', 0)} 个问题，"
        f"{c.get('findings', 0)} 个具体问题，{c.get('measures', 0)} 条整改措施"
    )
    if document.claims:
        claimed = "，".join(f"{k}={v}" + ("（约）" if document.claims_text[k].approximate else "")
                           for k, v in document.claims.items())
        lines.append(f"文中自述：{claimed}")
    lines.append("")
    for aspect in document.aspects:
        lines.append(f"方面 {_no(aspect.no)}：{aspect.title or '（无方面）'}")
        for problem in aspect.problems:
            lines.append(f"  问题 {_no(problem.no)}：{(problem.title or '').splitlines()[0] if problem.title else ''}")
            for finding in problem.findings:
                lines.append(f"    具体问题 {_no(finding.no)}：{finding.text[:40]}")
                lines.append(f"      {KIND_LABELS[finding.answer_kind]}，措施 {len(finding.measures)} 条")
                for m in finding.measures:
                    lines.append(f"        - {_no(m.no)} {m.text[:40]}")
    contact = document.contact
    lines.append("")
    lines.append(f"联系方式：电话 {contact.phone or '-'}；地址 {contact.address or '-'}；邮箱 {contact.email or '-'}")
    if document.warnings:
        lines.append("")
        lines.append(f"提示（{len(document.warnings)}）：")
        for w in document.warnings:
            where = f"第 {w.line} 行" if w.line else ""
            lines.append(f"  [{w.code}] {where} {w.message}")
    return "\n".join(lines) + "\n"
