"""Claimed figures: what a document states about itself ("制定整改措施47条", "完成率98.3%").

Table-driven: each row is one phrase family, a regular expression whose named groups are
claim keys, so that one phrase can state several figures ("反馈的305个问题，完成整改300个").
Matching runs on the match form of the general lines (full-width digits and punctuation made
ASCII), squeezed of whitespace, and with a line joined to the next when it does not end a
sentence: a figure broken by a line break ("制定整改措施4⏎7条") is still read. A figure is
stated as written: 余/多 after it or 近 before it mark it approximate (`ClaimText.qualifier`
says which word). The same key stated twice with different values is a `claim_conflict`
warning: the first statement stands, the second is never silently taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from zhenggai.core.document import ClaimText, Warning
from zhenggai.core.normalise import match_form
from zhenggai.core.numerals import NUMERAL_CHARS, number_to_int

#: A counted figure as written: an optional 近, digits or Chinese numerals, optional 余/多.
N = rf"(?<![第\d.{NUMERAL_CHARS}])近?(?:\d+|[{NUMERAL_CHARS}]+)(?:余|多)?"
#: A sum of money: digits with decimals, 余/多 before or after 万/亿.
MONEY = r"近?\d+(?:\.\d+)?(?:余|多)?(?:万|亿)?(?:余|多)?"
#: A percentage.
RATE = r"\d+(?:\.\d+)?"
#: Counting words for problems, measures and institutions.
GE = "(?:个|条|项)"
#: Counting words for problems only: measures are counted in 条 ("正在推进10条" is measures).
GEP = "(?:个|项)"
#: Up to a few characters inside one clause (no sentence or clause break, no digit).
GAP = r"[^。;,、:!?\d\n]"
#: Not followed by another count in the same clause ("10个问题已完成整改9个": 9 is the count).
NO_COUNT_AFTER = rf"(?![^。;,\n]{{0,3}}?(?:\d|[{NUMERAL_CHARS}]+{GE}))"
#: "完成" that is not "基本完成" / "未完成" / "尚未完成".
DONE = r"(?<!基本)(?<!未)(?<!没有)完成"

#: (claim keys by group, pattern). Order matters only for which statement comes first.
CLAIM_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        # aspects, problems and findings
        rf"(?P<aspects>{N})个大?方面",
        rf"方面(?:的)?(?P<problems>{N}){GE}大?(?:项)?的?问题",
        rf"(?:反馈|反映|发现|指出|交办|移交|梳理出?)(?:了|的)?(?:问题)?(?:共计|共|合计)?(?P<problems>{N}){GE}(?:具体)?问题",
        rf"(?P<problems>{N})(?:个|项)大项的?问题",
        rf"(?P<findings>{N}){GE}具体问题",
        # completion
        rf"(?P<problems>{N})个问题(?:中)?,?(?:已经|已)?{DONE}(?:了)?整改(?P<completed_problems>{N}){GEP}",
        rf"(?P<completed_problems>{N})个问题(?:均|已|全部)(?:已|均)?(?:得到)?(?:有效)?(?:整改|完成|解决){NO_COUNT_AFTER}",
        rf"(?:已经|已|共)?{DONE}(?:了)?整改(?:的)?(?:问题)?(?P<completed_problems>{N}){GEP}",
        rf"(?:已经|已|共)?整改完成(?:问题)?(?P<completed_problems>{N}){GEP}",
        rf"(?<![正在未])已整改(?P<completed_problems>{N}){GEP}",
        rf"(?P<completed_problems>{N}){GEP}(?:问题)?(?:已经|已)(?:全部)?{DONE}(?:整改)?{NO_COUNT_AFTER}",
        rf"基本完成(?:整改)?(?:的)?(?:问题)?(?P<partially_completed_problems>{N}){GEP}",
        rf"(?P<partially_completed_problems>{N}){GEP}(?:问题)?(?:已)?基本完成",
        rf"(?:剩余|其余|另有|还有)?(?P<partially_completed_problems>{N}){GEP}(?:问题)?(?:已)?取得阶段性(?:成效|进展|成果)",
        rf"(?:未|尚未|没有)完成(?:整改)?(?:的)?(?:问题)?(?P<uncompleted_problems>{N}){GEP}",
        rf"正在(?:整改|推进)(?:的)?(?:问题)?(?P<uncompleted_problems>{N}){GEP}",
        rf"(?P<uncompleted_problems>{N}){GEP}(?:问题)?(?:尚未完成|未完成|正在整改|正在推进)",
        rf"完成率(?:为|达到|达)?(?P<completion_rate>{RATE})%",
        # measures, institutions, people, activities, plan revisions
        rf"整改措施(?P<measures>{N}){GE}",
        rf"(?P<measures>{N})(?:条|项)(?:具体)?整改(?:措施|举措)",
        rf"(?:建立|完善|制定|修订|健全|新建|出台)[^。;,]{{0,6}}?制度(?P<institutions>{N})(?:项|个|件|条|部)",
        rf"(?:建立|完善|制定|修订|健全|新建|出台)[^。;,]{{0,6}}?(?P<institutions>{N})(?:项|个|件|条|部)(?:规章)?制度",
        rf"问责(?P<accountable_people>{N})(?:人|名)",
        rf"(?P<accountable_people>{N})(?:人|名)(?:被|受到)?(?:追责)?问责",
        rf"(?:开展|组织|举办)[^。;,]{{0,24}}?(?:活动|教育|学习|培训|研讨)(?P<activities>{N})(?:次|场|期)",
        rf"(?P<plan_revisions>{N})轮修改",
        rf"修改(?P<plan_revisions>{N})(?:轮|次|稿)",
        # money: three kinds, never one another's conflict
        rf"清退{GAP}{{0,10}}?(?P<money_returned_yuan>{MONEY})元",
        rf"(?:追回|追缴|退缴|收缴|收回){GAP}{{0,10}}?(?P<money_recovered_yuan>{MONEY})元",
        rf"挽回(?:各类|直接)?(?:经济)?损失{GAP}{{0,4}}?(?P<losses_recovered_yuan>{MONEY})元",
    )
)

#: Keys a document may state several times with different values, each a different count.
ADDITIVE_KEYS = frozenset({"activities"})
_SENTENCE_END = "。;!?\n"
_LINE_END = re.compile(r"[。;!?:;]$")


@dataclass(frozen=True)
class TextLine:
    text: str
    line: int | None


@dataclass(frozen=True)
class _Joined:
    """The squeezed match form of several lines, with the original characters beside it."""

    norm: str
    original: str
    lines: list[int | None]  # the line of each character


def _join(lines: Iterable[TextLine]) -> _Joined:
    """Squeeze whitespace; run a line into the next one unless it ends a sentence."""
    norm: list[str] = []
    original: list[str] = []
    where: list[int | None] = []
    for item in lines:
        if norm and norm[-1] != "\n" and _LINE_END.search(norm[-1]):
            norm.append("\n")
            original.append("\n")
            where.append(where[-1])
        matched = match_form(item.text)
        for ch, orig in zip(matched, item.text, strict=True):
            if ch.isspace() or orig.isspace():
                continue
            norm.append(ch)
            original.append(orig)
            where.append(item.line)
    return _Joined("".join(norm), "".join(original), where)


def _value(token: str) -> tuple[int | float | None, str | None]:
    """The number a token states and its qualifier (余, 多 or 近)."""
    qualifier = next((q for q in ("近", "余", "多") if q in token), None)
    core = token.replace("近", "").replace("余", "").replace("多", "")
    factor = 1
    if core.endswith("万"):
        factor, core = 10_000, core[:-1]
    elif core.endswith("亿"):
        factor, core = 100_000_000, core[:-1]
    value: int | float | None
    value = float(core) if "." in core else number_to_int(core)
    if value is None:
        return None, qualifier
    if factor != 1:
        value = round(value * factor, 2)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value, qualifier


def _sentence(joined: _Joined, start: int, end: int) -> str:
    lo = start
    while lo > 0 and joined.norm[lo - 1] not in _SENTENCE_END:
        lo -= 1
    hi = end
    while hi < len(joined.norm) and joined.norm[hi] not in _SENTENCE_END:
        hi += 1
    if hi < len(joined.norm) and joined.norm[hi] != "\n":
        hi += 1
    return joined.original[lo:hi]


def extract_claims(
    lines: Iterable[TextLine],
) -> tuple[dict[str, int | float], dict[str, ClaimText], list[Warning]]:
    """Claims in document order, the words and sentence behind each, and conflict warnings."""
    joined = _join(lines)
    found: list[
        tuple[int, int, str, str, int, int]
    ] = []  # (start, order, key, token, m.start, m.end)
    for order, pattern in enumerate(CLAIM_PATTERNS):
        for m in pattern.finditer(joined.norm):
            for key, token in m.groupdict().items():
                if token is not None:
                    found.append((m.start(key), order, key, token, m.start(), m.end()))
    found.sort()
    claims: dict[str, int | float] = {}
    texts: dict[str, ClaimText] = {}
    warnings: list[Warning] = []
    seen: set[tuple[str, int]] = set()  # one statement read by two patterns counts once
    for start, _, key, token, m_start, m_end in found:
        if (key, start) in seen:
            continue
        seen.add((key, start))
        value, qualifier = _value(token)
        if value is None:
            continue
        words = joined.original[m_start:m_end]
        line = joined.lines[start]
        if key in claims:
            if claims[key] != value and key not in ADDITIVE_KEYS:
                warnings.append(
                    Warning(
                        "claim_conflict",
                        f"文中两处说法不一：“{texts[key].text}”与“{words}”，以前者为准，请核对",
                        line,
                    )
                )
            continue
        claims[key] = value
        texts[key] = ClaimText(
            text=words,
            approximate=qualifier is not None,
            line=line,
            sentence=_sentence(joined, m_start, m_end),
            qualifier=qualifier,
        )
    return claims, texts, warnings
