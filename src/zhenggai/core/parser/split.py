"""Stage 4: split an answer into measures ("一是…二是…", "（1）…（2）…", "第一，…").

An answer without an enumeration is one measure. A list must start at 1 and count up by
one; the first style that yields at least two items wins. The seed writes "二加强" for
"二是加强": a numeral without 是 counts only when the items before and after it are
well-formed, and it is reported, never corrected in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhenggai.core.document import Measure, Warning
from zhenggai.core.normalise import match_form
from zhenggai.core.numerals import NUMERAL_CHARS, number_to_int

CN = f"[{NUMERAL_CHARS}]{{1,3}}"
# A list item starts at the beginning, after a sentence end, or on a new line.
BOUNDARY = r"(?:(?<=^)|(?<=[。;!?:\n,])\s*)"

STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("shi", re.compile(BOUNDARY + rf"({CN})是")),
    ("di", re.compile(BOUNDARY + rf"第({CN})[,、:.]")),
    ("cn_dun", re.compile(BOUNDARY + rf"({CN})、")),
    ("cn_paren", re.compile(BOUNDARY + rf"\(({CN})\)")),
    ("ar_paren", re.compile(BOUNDARY + r"\((\d{1,2})\)")),
    ("ar_paren", re.compile(BOUNDARY + r"([\u2474-\u2487])")),
    ("circled", re.compile(BOUNDARY + r"([\u2460-\u2473])")),
    ("ar_dot", re.compile(BOUNDARY + r"(\d{1,2})[.、](?!\d)")),
)
#: 首先… 其次… 再次… 最后…: order words, numbered by position; the comma after them is part
#: of the marker, so that "最后一公里" inside a sentence is never a marker.
_SEQUENCE = re.compile(BOUNDARY + r"(首先|其次|再次|然后|最后)(?:是|[,:、])")
_BARE_SHI = re.compile(BOUNDARY + rf"({CN})(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class _Hit:
    start: int  # where the marker starts
    end: int  # where the item text starts
    no: int
    typo: bool = False


def _number(token: str) -> int | None:
    if "\u2460" <= token <= "\u2473":
        return ord(token) - 0x2460 + 1
    if "\u2474" <= token <= "\u2487":
        return ord(token) - 0x2474 + 1
    return number_to_int(token)


def _sequence(hits: list[_Hit]) -> list[_Hit]:
    """The longest run 1, 2, 3 … in document order."""
    seq: list[_Hit] = []
    for hit in hits:
        if hit.no == len(seq) + 1 and (not seq or hit.start >= seq[-1].end):
            seq.append(hit)
    return seq


def _hits(pattern: re.Pattern[str], norm: str) -> list[_Hit]:
    out = []
    for m in pattern.finditer(norm):
        no = _number(m.group(1))
        if no is not None:
            out.append(_Hit(_marker_start(m), m.end(), no))
    return out


def _marker_start(m: re.Match[str]) -> int:
    # The match may begin with whitespace after the boundary; the marker starts after it.
    text = m.group(0)
    return m.start() + (len(text) - len(text.lstrip()))


def _with_typos(seq: list[_Hit], norm: str) -> list[_Hit]:
    """Add "二加强"-style items (numeral without 是) found between two good neighbours."""
    bare = _hits(_BARE_SHI, norm)
    result = list(seq)
    changed = True
    while changed:
        changed = False
        for i in range(len(result) - 1):
            a, b = result[i], result[i + 1]
            if b.no == a.no + 2:
                for h in bare:
                    if h.no == a.no + 1 and a.end <= h.start < b.start:
                        result.insert(i + 1, _Hit(h.start, h.end, h.no, typo=True))
                        changed = True
                        break
            if changed:
                break
    return result


def split_measures(answer: str, *, line: int | None = None) -> tuple[list[Measure], list[Warning]]:
    """Measures of one answer text, with warnings about doubtful markers."""
    text = answer.strip()
    if not text:
        return [], []
    norm = match_form(text)
    best: list[_Hit] = []
    for style, pattern in STYLES:
        hits = _hits(pattern, norm)
        if not hits:
            continue
        seq = _sequence(hits)
        if style == "shi":
            seq = _with_typos(_sequence_allowing_gaps(hits), norm)
            seq = _sequence(seq)
        if len(seq) >= 2 and len(seq) > len(best):
            best = seq
    sequence = _sequence_words(norm)
    if len(sequence) >= 2 and len(sequence) > len(best):
        best = sequence
    if not best:
        return [Measure(no=None, text=text, line=line)], []
    warnings: list[Warning] = []
    measures: list[Measure] = []
    for i, hit in enumerate(best):
        end = best[i + 1].start if i + 1 < len(best) else len(text)
        item = text[hit.end:end].strip()
        marker = text[hit.start:hit.end].strip()
        measures.append(Measure(no=hit.no, text=item, marker=marker, line=line))
        if hit.typo:
            warnings.append(Warning(
                "enumeration_marker",
                f"第 {hit.no} 项措施的序号写作“{marker}”，缺少“是”，已按第 {hit.no} 项处理，原文未改动",
                line,
            ))
    return measures, warnings


def _sequence_allowing_gaps(hits: list[_Hit]) -> list[_Hit]:
    """Like _sequence, but lets one number be missing so that a typo can fill it."""
    seq: list[_Hit] = []
    for hit in hits:
        expected = len(seq) + 1 if not seq else seq[-1].no + 1
        if seq and hit.start < seq[-1].end:
            continue
        if hit.no == expected or (seq and hit.no == expected + 1) or (not seq and hit.no == 1):
            seq.append(hit)
    return seq


def _sequence_words(norm: str) -> list[_Hit]:
    """首先 opens the list, 其次/再次/然后 continue it, 最后 closes it."""
    seq: list[_Hit] = []
    for m in _SEQUENCE.finditer(norm):
        word = m.group(1)
        if not seq:
            if word == "首先":
                seq.append(_Hit(_marker_start(m), m.end(), 1))
            continue
        if word == "首先":
            break
        seq.append(_Hit(_marker_start(m), m.end(), len(seq) + 1))
        if word == "最后":
            break
    return seq
