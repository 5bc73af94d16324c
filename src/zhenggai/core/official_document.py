"""One official document (公文) in the GB/T 9704-2012 layout: what it says and where it goes.

Every document the platform prints the way an office prints its own — the announcement
(`render_office`, from a parsed `Document`), the urging notices (`urging.documents`), the
announcement generated from the ledger — describes itself as an `OfficialDocument`: a title
block (title, optional document number 发文字号, optional addressee 主送机关), body
paragraphs whose runs carry a role (heading level, bold label, body text), and the closing
(落款: issuer and date). `official_docx` and `official_pdf` lay it out; the numbers of the
layout and the geometry both writers share live here, so that the DOCX an office edits and
the PDF it publishes put every line in the same place.

The layout (GB/T 9704-2012): A4; margins 37/35/28/26 mm (top/bottom/left/right); 22 lines
of 28 characters on the 156 × 225 mm type area, so a line pitch of 28.95 pt and characters
drawn 0.25 pt closer than their 16 pt; body 3号 仿宋_GB2312 with a two-character first-line
indent; title 2号 方正小标宋简体, centred; heading levels 黑体 → 楷体_GB2312 → 仿宋 bold →
仿宋; page numbers "— 1 —" in 4号 宋体 on the outer side, the dashes 7 mm under the type
area; issuer and date placed as §7.3.5.2 (no seal) asks. Pure Python: no Django, and no
python-docx or WeasyPrint either (the writers import those when they run).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from zhenggai.core.chinese_date import chinese_date

# -- layout constants (GB/T 9704-2012) ------------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
#: 3号 body text; 2号 title; 4号 page numbers.
BODY_PT, TITLE_PT, PAGE_NO_PT = 16.0, 22.0, 14.0
#: 22 lines on the 225 mm type area: 225 mm / 22 = 28.99 pt; Word's grid for 22 lines gives
#: 28.95 pt, a hair less, so that rounding never pushes the 22nd line onto the next page.
LINES_PER_PAGE = 22
LINE_PT = 28.95
#: §7.5: the dashes around the page number stand 7 mm under the type area.
PAGE_NO_GAP_MM = 7
#: 28 characters to a 156 mm line: 3号 is 16 pt, 156 mm / 28 ≈ 15.79 pt, so characters
#: are drawn 0.25 pt closer (28 × 15.75 pt leaves 1.2 pt to spare, where 0.21 pt would
#: leave 0.1 pt and let rounding drop the 28th; 0.25 pt is also a whole 1/20 pt for DOCX).
CHARS_PER_LINE = 28
TYPE_WIDTH_PT = (PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) * 72 / 25.4
LETTER_SPACING_PT = -0.25
CHAR_PITCH_PT = BODY_PT + LETTER_SPACING_PT

FONT_BODY = "仿宋_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE_NO = "宋体"

#: Font role of a run: which face, size and weight it gets.
Role = Literal["title", "h1", "h2", "h3", "body", "label"]
ROLE_FONT: dict[str, str] = {
    "title": FONT_TITLE,
    "h1": FONT_H1,
    "h2": FONT_H2,
    "h3": FONT_BODY,
    "body": FONT_BODY,
    "label": FONT_BODY,
}
BOLD_ROLES = frozenset({"h3", "label"})
_HEADING_ROLES: tuple[Role, ...] = ("h1", "h2", "h3")


@dataclass(frozen=True)
class Run:
    """A stretch of one face inside a paragraph (a run-in heading and its text are two)."""

    text: str
    role: Role = "body"


@dataclass(frozen=True)
class Block:
    """One body paragraph; `keep_with_next` keeps a bare heading off a page foot."""

    runs: tuple[Run, ...]
    keep_with_next: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def heading_role(level: int) -> Role:
    """§7.3.3: 一、 → 黑体, （一） → 楷体, 1． → 仿宋 (bold, as offices do), deeper → body."""
    return _HEADING_ROLES[level] if level < len(_HEADING_ROLES) else "body"


def heading_blocks(text: str, level: int, run_in: str | None = None) -> list[Block]:
    """A heading (marker included) at `level` (0 = 一、); `run_in` continues on its line.

    A heading that ends a sentence ("（一）统一思想，切实增强政治自觉。") is followed on
    the same line by its text, as offices write it: the heading keeps its face, the text
    is body face. A heading left alone is kept with the paragraph after it.
    """
    role = heading_role(level)
    blocks = [Block((Run(line, role),)) for line in text.split("\n") if line]
    if run_in and blocks:
        blocks[-1] = Block((*blocks[-1].runs, Run(run_in, "body")))
    elif run_in:
        blocks.append(Block((Run(run_in, "body"),)))
    elif blocks and role != "body":
        blocks[-1] = replace(blocks[-1], keep_with_next=True)
    return blocks


def body_blocks(text: str) -> Iterator[Block]:
    """Body paragraphs, one per non-empty line."""
    for line in text.split("\n"):
        if line.strip():
            yield Block((Run(line, "body"),))


def labelled_blocks(label: str, text: str) -> Iterator[Block]:
    """"整改情况：…": the label in bold, the text after it; later lines as paragraphs."""
    first, *rest = text.split("\n")
    yield Block((Run(f"{label}：", "label"), Run(first, "body")))
    yield from body_blocks("\n".join(rest))


# -- the title ------------------------------------------------------------------------------
#: 2号 characters to a title line: 156 mm / 22 pt.
TITLE_CHARS = int(TYPE_WIDTH_PT // TITLE_PT)
#: A broken title line may end after these: "的", the ends of organisation names,
#: enumeration commas; a break elsewhere could cut a word (建|设).
TITLE_BREAK_AFTER = "的局会组室府部厅院所办、，"
#: ...unless the name goes on ("管理局|委员会" is one name).
TITLE_NAME_GOES_ON = ("委员会", "党组", "党委", "党工委", "机关", "办公室", "领导小组", "工作")
#: How far (characters) a break may stray from an even split; a break before "关于", which
#: parts the issuer from the subject, may stray two more.
TITLE_BREAK_REACH = 3


def title_lines(title: str, width: int = TITLE_CHARS) -> list[str]:
    """The title on lines that fit, broken where §7.3.1 asks: words whole, lines of even
    length, the upper ones the longer (a trapezoid), never one word left alone below.

    Lines the caller broke ("\\n") are kept, and broken further only if too long. Words
    are guessed from "关于" and the ends of organisation names; a title with no such place
    near an even split is cut evenly, and its caller should break it.
    """
    lines: list[str] = []
    for line in title.split("\n"):
        if line.strip():
            lines.extend(_title_split(line.strip(), width))
    return lines


def _title_break_cost(text: str, i: int, even: int) -> float | None:
    """How far the break before `text[i]` strays from an even split, or None if it may not."""
    if text.startswith("关于", i):
        return abs(i - even) - 2
    if text[i - 1] in TITLE_BREAK_AFTER and not text.startswith(TITLE_NAME_GOES_ON, i):
        return abs(i - even)
    return None


def _title_split(text: str, width: int) -> list[str]:
    count = math.ceil(text_width_chars(text) / width)
    if count <= 1:
        return [text]
    for lines in (count, count + 1):  # one line more when no good break fits fewer
        even = math.ceil(len(text) / lines)
        costs = {
            i: cost
            for i in range(1, width + 1)
            if len(text) - i <= width * (lines - 1)
            and (cost := _title_break_cost(text, i, even)) is not None
            and cost <= TITLE_BREAK_REACH
        }
        if costs:
            # The cheapest break; between equals the later, so the upper line is longer.
            cut = min(costs, key=lambda i: (costs[i], -i))
            return [text[:cut], *_title_split(text[cut:], width)]
    cut = min(math.ceil(len(text) / count), width)
    return [text[:cut], *_title_split(text[cut:], width)]


# -- the closing (落款) ----------------------------------------------------------------------
#: Characters of 三号 that fit a signature line: 28 to the line, less the two the issuer
#: stands from the right and two the date may stand right of it.
SIGNATURE_WIDTH = CHARS_PER_LINE - 4
#: Where a long issuer is broken: before its office's name, as offices print it.
SIGNATURE_BREAKS = ("巡察整改工作领导小组办公室", "巡察整改工作领导小组", "办公室")


def text_width_chars(text: str) -> float:
    """Width in body characters: Han and full-width forms count 1, ASCII digits ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def signature_lines(issuer: str, width: int = SIGNATURE_WIDTH) -> list[str]:
    """The issuer on as many lines as it needs, broken at a sensible place.

    Word would otherwise wrap "…领导小组办公" / "室" and leave one character alone.
    """
    if text_width_chars(issuer) <= width:
        return [issuer]
    for suffix in SIGNATURE_BREAKS:
        head = issuer[: -len(suffix)]
        if issuer.endswith(suffix) and head and len(suffix) <= width:
            return [*signature_lines(head, width), suffix]
    return [issuer[i : i + width] for i in range(0, len(issuer), width)]


def signature_indents(issuer: str | None, date: str | None) -> tuple[float, float]:
    """Right indents (in characters) of the issuer and date lines, GB/T 9704 §7.3.5.2.

    Without a seal the issuer stands two characters from the right, the date on the next
    line starts two characters to the right of the issuer's first character; a date longer
    than that stands two characters from the right and pushes the issuer left instead.
    `issuer` is the widest line of a broken issuer: every line shares its right edge.
    """
    sig_w = text_width_chars(issuer or "")
    date_w = text_width_chars(date or "")
    sig_right = 2.0
    date_right = sig_right + sig_w - date_w - 2.0
    if not issuer or date_right < 2.0:
        date_right = 2.0
        sig_right = date_right + date_w + 2.0 - sig_w if issuer else 2.0
    return sig_right, date_right


# -- the document ----------------------------------------------------------------------------
@dataclass(frozen=True)
class OfficialDocument:
    """What an official document says, in the order GB/T 9704 prints it.

    `title` may hold several lines ("\\n", else `title_lines` breaks it); `addressee` is printed flush left with its
    full-width colon; `issuer` is broken into lines by `signature_lines`; the date is
    written by `chinese_date`. Masked names and other plain text need nothing special.
    """

    title: str = ""
    body: tuple[Block, ...] = field(default_factory=tuple)
    number: str | None = None
    addressee: str | None = None
    issuer: str | None = None
    issue_date: dt.date | None = None

    @property
    def title_lines(self) -> list[str]:
        return title_lines(self.title)

    @property
    def addressee_line(self) -> str | None:
        if not self.addressee:
            return None
        return self.addressee if self.addressee.endswith(("：", ":")) else f"{self.addressee}："

    @property
    def issuer_lines(self) -> list[str]:
        return signature_lines(self.issuer) if self.issuer else []

    @property
    def date_text(self) -> str | None:
        return chinese_date(self.issue_date) if self.issue_date else None

    @property
    def closing_indents(self) -> tuple[float, float]:
        """Right indents (characters) of every issuer line and of the date."""
        widest = max(self.issuer_lines, key=text_width_chars, default=None)
        return signature_indents(widest, self.date_text)

    @property
    def label(self) -> str:
        """The file's title in its properties: the title and number on one line."""
        return " ".join(p for p in ("".join(self.title_lines), self.number or "") if p)
