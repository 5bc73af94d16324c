"""Stage 2: classify each paragraph as a numbered heading, a labelled block or plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from zhenggai.core.normalise import match_form
from zhenggai.core.numerals import NUMERAL_CHARS, number_to_int

CN = f"[{NUMERAL_CHARS}]{{1,4}}"

#: Heading styles, in the order offices usually nest them. The style, not the order, gives
#: the level: a document that starts at "（一）" still works.
HEADING_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn_dun", re.compile(rf"^({CN})\s*[、.](?!\d)")),
    ("cn_paren", re.compile(rf"^\(\s*({CN})\s*\)[、.]?")),
    ("ar_dot", re.compile(r"^(\d{1,3})\s*[.、](?!\d)")),
    ("ar_paren", re.compile(r"^\(\s*(\d{1,3})\s*\)[、.]?")),
    ("ar_paren", re.compile(r"^([\u2474-\u2487])")),  # ⑴ … ⒇
    ("circled", re.compile(r"^([\u2460-\u2473])")),  # ① … ⑳
)

FINDING_LABELS = ("主要问题", "存在问题", "问题表现", "具体表现", "具体问题", "问题描述", "问题清单")
MEASURE_LABELS = ("整改落实情况", "整改情况", "整改措施", "整改进展", "落实情况", "整改举措")
OUTCOME_LABELS = ("整改成效", "整改结果", "整改效果")
EXPLANATION_LABELS = ("情况说明",)
ALL_LABELS = FINDING_LABELS + MEASURE_LABELS + OUTCOME_LABELS + EXPLANATION_LABELS

LabelKind = Literal["finding", "measure", "outcome", "explanation"]
_LABEL_KIND: dict[str, LabelKind] = {
    **dict.fromkeys(FINDING_LABELS, "finding"),
    **dict.fromkeys(MEASURE_LABELS, "measure"),
    **dict.fromkeys(OUTCOME_LABELS, "outcome"),
    **dict.fromkeys(EXPLANATION_LABELS, "explanation"),
}
_LABEL_ALT = "|".join(sorted(ALL_LABELS, key=len, reverse=True))
_LABEL_RE = re.compile(
    rf"^(?:[\[【]\s*(?P<b>{_LABEL_ALT})\s*[\]】]\s*:?\s*"
    rf"|(?P<p>{_LABEL_ALT})\s*(?::\s*|$|(?=\s)))"
)


@dataclass(frozen=True)
class Paragraph:
    """One paragraph with its line number and what it looks like."""

    line: int
    text: str  # original characters, surrounding whitespace removed
    kind: Literal["heading", "label", "plain"]
    style: str | None = None
    no: int | None = None
    marker: str | None = None  # the numbering or label prefix as written
    rest: str = ""  # the text after the marker or label
    label: str | None = None
    label_kind: LabelKind | None = None


def classify(line_no: int, text: str) -> Paragraph:
    text = text.strip()
    norm = match_form(text)
    for style, pattern in HEADING_PATTERNS:
        m = pattern.match(norm)
        if not m:
            continue
        token = m.group(1)
        no: int | None
        if "\u2460" <= token <= "\u2487":
            no = (ord(token) - 0x2460 + 1) if token <= "\u2473" else (ord(token) - 0x2474 + 1)
        else:
            no = number_to_int(token)
        rest = text[m.end():].strip()
        if no is None or (not rest and style == "ar_dot"):
            continue
        return Paragraph(line_no, text, "heading", style, no, text[: m.end()].strip(), rest)
    m = _LABEL_RE.match(norm)
    if m:
        label = m.group("b") or m.group("p")
        return Paragraph(
            line_no, text, "label", marker=text[: m.end()].strip(), rest=text[m.end():].strip(),
            label=label, label_kind=_LABEL_KIND[label],
        )
    return Paragraph(line_no, text, "plain", rest=text)


def paragraphs(text: str) -> list[Paragraph]:
    """Non-empty lines of the extracted text, classified; line numbers are 1-based."""
    return [classify(i, line) for i, line in enumerate(text.split("\n"), start=1) if line.strip()]
