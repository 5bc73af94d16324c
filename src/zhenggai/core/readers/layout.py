"""Visual lines → paragraphs, for the readers that see a page (PDF text layers and OCR).

A PDF or a scan knows where each line sits on the page, not where a paragraph ends, while
the parser wants one paragraph per line (as in a txt or docx file). Chinese official
documents make the decision fairly safe: a paragraph starts with a two-character first-line
indent, and a wrapped line ran out of room at the right edge. A line therefore continues
the previous one only when the previous one was full (the next line's first unbreakable
chunk would not have fitted after it), the next one is not indented, the font size and
line spacing stay the same, and the next line does not open with a heading marker.
Page numbers ("— 3 —", "第3页 共9页") at the top or bottom of a page are dropped so that a
paragraph running over a page break is joined again.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

#: Han ideographs, CJK punctuation and full-width forms: no space is ever needed next to
#: them, so spaces a PDF extractor or Tesseract puts there are layout artefacts.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f"
)
_SPACES_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")

#: Kangxi radicals and compatibility ideographs: PDFs made by some Word/WPS versions map
#: glyphs to these look-alikes ("⼀" U+2F00 instead of "一" U+4E00), which defeats every
#: later match on 一、 or 整改. Their compatibility mapping gives the real character.
_LOOKALIKE_IDEOGRAPHS = re.compile("[\u2f00-\u2fd5\uf900-\ufad9]")

#: A line that is only a page number, in the forms Chinese documents use.
PAGE_NUMBER = re.compile(
    r"^[\s\-—–－―~·•]*"
    r"(?:第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|\d{1,4})"
    r"[\s\-—–－―~·•]*$"
)

#: Openings that always start a paragraph (一、 （一） 1． (1) ① 第一章, and the labels of a
#: finding's parts such as "整改情况："), even in a document without first-line indents.
#: "1.5万元" is excluded by the digit after the dot.
HEADING_START = re.compile(
    r"^[\s\u3000]*(?:"
    r"[一二三四五六七八九十百]+、"
    r"|[（(][一二三四五六七八九十百]+[)）]"
    r"|\d{1,3}[、．.](?!\d)"
    r"|[（(]\d{1,3}[)）]"
    r"|[\u2460-\u2473\u2474-\u2487]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分]"
    r"|(?:主要问题|存在问题|问题表现|整改情况|整改措施|整改成效|整改结果|情况说明)[:：]"
    r")"
)

#: Characters that may not start a line (so the line break moved them with the character
#: before) and characters that may not end one.
_NO_LINE_START = set("、，。：；！？）》」』】〉”’,.;:!?)]}%·…—")
_NO_LINE_END = set("（《「『【〈“‘([{")
_QUOTES = set("”’」』")

#: A first-line indent is two characters; OCR dropping a wrapped line's first character
#: moves that line by one, so the threshold sits between the two.
INDENT_EMS = 1.5
#: Share of the page height at the top and bottom where page numbers are looked for.
FURNITURE_BAND = 0.15


@dataclass(frozen=True)
class Line:
    """One visual line: its text and where it sits (any unit, y growing downwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    #: The font size (character height); CJK characters are about this wide.
    em: float
    #: The width of the chunk that could not be split from the line's first character.
    first_chunk: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class _Geometry:
    left: float
    right: float
    gap: float


def squeeze_cjk_spaces(text: str) -> str:
    """Drop ASCII spaces next to CJK characters (extractors put them where glyphs gap)."""
    return _SPACES_NEXT_TO_CJK.sub("", text).strip(" ")


def fix_lookalike_ideographs(text: str) -> tuple[str, int]:
    """Replace Kangxi-radical and compatibility look-alikes; return the text and a count."""
    count = 0

    def repl(match: re.Match[str]) -> str:
        nonlocal count
        fixed = unicodedata.normalize("NFKC", match.group())
        if fixed != match.group():
            count += 1
        return fixed

    return _LOOKALIKE_IDEOGRAPHS.sub(repl, text), count


def chunk_length(text: str) -> int:
    """How many leading characters stay together at a line start (kinsoku, Latin words)."""
    stripped = text.lstrip()
    if not stripped:
        return 0
    i = 0
    while i < len(stripped) - 1 and stripped[i] in _NO_LINE_END:
        i += 1
    i = _word_end(stripped, i)
    while i + 1 < len(stripped):
        following = stripped[i + 1]
        if following in _QUOTES:
            # UAX #14 (Pango, browsers) allows no break on either side of a quote mark,
            # Word only forbids one before a closing quote: take the longer chunk.
            i += 1
            if i + 1 < len(stripped) and stripped[i + 1] not in _NO_LINE_START:
                i = _word_end(stripped, i + 1)
        elif following in _NO_LINE_START:
            # ASCII punctuation runs on into a following Latin word ("箱:lcgb2012@163.com").
            i = _word_end(stripped, i + 1) if following.isascii() else i + 1
        elif following in _NO_LINE_END:
            # An opening quote cannot end a line, so it travels with what it opens:
            # "实“三会一课”" wraps as a whole "实“三".
            i += 1
            while i + 1 < len(stripped) and stripped[i + 1] in _NO_LINE_END:
                i += 1
            if i + 1 < len(stripped):
                i = _word_end(stripped, i + 1)
        else:
            break
    return i + 1


def _word_end(text: str, i: int) -> int:
    """Index of the last character of the Latin "word" (up to a space or a non-ASCII
    character: "lcgb2012@163.com", "0552-3040205;") starting at i; i itself otherwise."""
    if _latin(text[i]):
        while i + 1 < len(text) and _latin(text[i + 1]):
            i += 1
    return i


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace() and ch not in _NO_LINE_END


def drop_page_numbers(page: Page) -> Page:
    """Remove a page-number line at the very top or bottom of the page."""
    lines = list(page.lines)
    band = page.height * FURNITURE_BAND
    while lines and lines[-1].top >= page.height - band and PAGE_NUMBER.match(lines[-1].text):
        lines.pop()
    while lines and lines[0].bottom <= band and PAGE_NUMBER.match(lines[0].text):
        lines.pop(0)
    return Page(page.width, page.height, tuple(lines))


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def _geometry(lines: Sequence[Line]) -> _Geometry:
    # The left margin is where wrapped lines start, the right edge where full lines end;
    # percentiles keep one stray line (a stamp, a wide table row) from moving either.
    left = _percentile([ln.x0 for ln in lines], 0.1)
    right = _percentile([ln.x1 for ln in lines], 0.9)
    gaps = [b.top - a.bottom for a, b in pairwise(lines) if b.top > a.bottom]
    gap = statistics.median(gaps) if gaps else 0.0
    return _Geometry(left, right, gap)


#: Below this many lines a page borrows the geometry of all pages of the same width.
MIN_LINES_FOR_OWN_GEOMETRY = 6


def _geometries(pages: Sequence[Page]) -> list[_Geometry | None]:
    pooled: dict[int, list[Line]] = {}
    for page in pages:
        pooled.setdefault(round(page.width), []).extend(page.lines)
    result: list[_Geometry | None] = []
    for page in pages:
        if len(page.lines) >= MIN_LINES_FOR_OWN_GEOMETRY:
            result.append(_geometry(page.lines))
        elif page.lines:
            result.append(_geometry(pooled[round(page.width)]))
        else:
            result.append(None)
    return result


def _continues(prev: Line, prev_geo: _Geometry, nxt: Line, next_geo: _Geometry,
               same_page: bool) -> bool:
    """Whether `nxt` is the wrapped continuation of `prev`'s paragraph."""
    if nxt.x0 > next_geo.left + INDENT_EMS * nxt.em:
        return False  # indented or centred: a new paragraph
    if abs(nxt.em - prev.em) > 0.15 * max(nxt.em, prev.em):
        return False  # a heading in a bigger face, or a note in a smaller one
    if prev.x1 + nxt.first_chunk < prev_geo.right - 0.5 * prev.em:
        return False  # the next line's first chunk would have fitted: prev ended there
    if same_page and nxt.top - prev.bottom > prev_geo.gap + 0.5 * prev.em:
        return False  # extra space before: a new paragraph
    return not HEADING_START.match(nxt.text)


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() \
            and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def paragraphs(pages: Sequence[Page]) -> list[str]:
    """The pages' lines joined into paragraphs, one string per paragraph, in page order."""
    pages = [drop_page_numbers(page) for page in pages]
    geometries = _geometries(pages)
    result: list[str] = []
    prev: tuple[Line, _Geometry, int] | None = None
    for index, (page, geo) in enumerate(zip(pages, geometries, strict=True)):
        if geo is None:
            continue
        for line in page.lines:
            if not line.text:
                continue
            if prev is not None and _continues(prev[0], prev[1], line, geo, prev[2] == index):
                result[-1] = _join(result[-1], line.text)
            else:
                result.append(line.text)
            prev = (line, geo, index)
    return result
