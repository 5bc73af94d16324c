"""Word's automatic numbering, rendered as the text a reader sees ("一、", "（二）", "3．").

Offices number headings with Word's lists, so "一、党的政治建设方面" is stored as the bare
title plus a pointer into numbering.xml; without this module the parser would see no
markers at all. It follows WordprocessingML (ECMA-376 §17.9): a paragraph's `numPr`
(direct, or inherited from its style chain) names a `w:num`, which points to an
`w:abstractNum` (possibly through `numStyleLink`) whose `w:lvl` gives start, format and
`lvlText`; `lvlOverride`/`startOverride` restart a list. Counters are kept per abstract
list, as Word continues a list across `w:num`s that share one without an override.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LEVELS = 9


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def w_val(element: etree._Element | None, tag: str) -> str | None:
    """The `w:val` of child `tag`, or None when the child is absent."""
    if element is None:
        return None
    child = element.find(w(tag))
    return None if child is None else child.get(w("val"))


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# -- number formats ---------------------------------------------------------------------
_CN_DIGITS = "〇一二三四五六七八九"
_CN_COUNTING_DIGITS = "零一二三四五六七八九"
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def chinese_counting(n: int, digits: str = _CN_COUNTING_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五; legal digits: 10 → 壹拾."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts: list[str] = []
    pending_zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = n // power % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        if not (power == 10 and digit == 1 and not parts and digits is _CN_COUNTING_DIGITS):
            parts.append(digits[digit])
        parts.append(unit)
    return "".join(parts)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _enclosed(n: int, first: int, count: int = 20) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def format_number(n: int, fmt: str) -> str:
    """The number as `w:numFmt` shows it; unknown formats fall back to decimal, as Word does."""
    if fmt in {"chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand"}:
        return chinese_counting(n)
    if fmt in {"chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"}:
        return chinese_counting(n, _CN_LEGAL_DIGITS, "拾佰仟")
    if fmt in {"ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"}:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt in {"ideographTraditional", "ideographZodiac"}:
        cycle = _TIANGAN if fmt == "ideographTraditional" else _DIZHI
        return cycle[(n - 1) % len(cycle)] if n > 0 else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in {"decimalFullWidth", "decimalFullWidth2"}:
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt in {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"}:
        return _enclosed(n, 0x2460)
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488)
    if fmt == "ideographEnclosedCircle":
        return _enclosed(n, 0x3280, 10)
    if fmt in {"upperRoman", "lowerRoman"}:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in {"upperLetter", "lowerLetter"} and n > 0:
        # Word repeats the letter past Z: 27 → AA, 28 → BB.
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "none":
        return ""
    return str(n)


# -- the numbering definitions ------------------------------------------------------------
@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    #: `lvlRestart`: None restarts after any higher level, 0 never, n after level n (1-based).
    restart: int | None = None
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


def _level(element: etree._Element, base: Level | None = None) -> Level:
    level = base or Level()
    changes: dict[str, object] = {}
    if (start := _int(w_val(element, "start"))) is not None:
        changes["start"] = start
    if (fmt := w_val(element, "numFmt")) is not None:
        changes["fmt"] = fmt
    if (text := w_val(element, "lvlText")) is not None:
        changes["text"] = text
    if (restart := _int(w_val(element, "lvlRestart"))) is not None:
        changes["restart"] = restart
    if element.find(w("isLgl")) is not None:
        changes["legal"] = w_val(element, "isLgl") not in {"0", "false", "off"}
    if (suffix := w_val(element, "suff")) is not None:
        changes["suffix"] = suffix
    if (style := w_val(element, "pStyle")) is not None:
        changes["style"] = style
    return replace(level, **changes)  # type: ignore[arg-type]


@dataclass
class _Abstract:
    levels: dict[int, Level] = field(default_factory=dict)
    num_style_link: str | None = None


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, etree._Element] = field(default_factory=dict)


@dataclass(frozen=True)
class NumPr:
    num_id: str | None
    ilvl: int | None


def num_pr(ppr: etree._Element | None) -> NumPr | None:
    """The `w:numPr` of a paragraph's or style's properties, if any."""
    if ppr is None:
        return None
    element = ppr.find(w("numPr"))
    if element is None:
        return None
    return NumPr(w_val(element, "numId"), _int(w_val(element, "ilvl")))


@dataclass(frozen=True)
class Style:
    style_id: str
    name: str
    based_on: str | None
    num_pr: NumPr | None


def read_styles(root: etree._Element | None) -> tuple[dict[str, Style], str | None]:
    """Paragraph styles by id, and the id of the default paragraph style."""
    styles: dict[str, Style] = {}
    default = None
    if root is None:
        return styles, None
    for element in root.iter(w("style")):
        if element.get(w("type"), "paragraph") != "paragraph":
            continue
        style_id = element.get(w("styleId")) or ""
        styles[style_id] = Style(
            style_id=style_id,
            name=(w_val(element, "name") or "").lower(),
            based_on=w_val(element, "basedOn"),
            num_pr=num_pr(element.find(w("pPr"))),
        )
        if element.get(w("default")) in {"1", "true", "on"}:
            default = style_id
    return styles, default


class Numbering:
    """Renders the labels of numbered paragraphs, in document order (it keeps counters)."""

    def __init__(self, root: etree._Element | None, styles: dict[str, Style]) -> None:
        self._styles = styles
        self._abstracts: dict[str, _Abstract] = {}
        self._nums: dict[str, _Num] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._started: set[str] = set()
        if root is None:
            return
        for element in root.findall(w("abstractNum")):
            abstract = _Abstract(num_style_link=w_val(element, "numStyleLink"))
            for lvl in element.findall(w("lvl")):
                ilvl = _int(lvl.get(w("ilvl")), 0) or 0
                abstract.levels[ilvl] = _level(lvl)
            self._abstracts[element.get(w("abstractNumId")) or ""] = abstract
        for element in root.findall(w("num")):
            num = _Num(abstract_id=w_val(element, "abstractNumId") or "")
            for override in element.findall(w("lvlOverride")):
                ilvl = _int(override.get(w("ilvl")), 0) or 0
                if (start := _int(w_val(override, "startOverride"))) is not None:
                    num.start_overrides[ilvl] = start
                if (lvl := override.find(w("lvl"))) is not None:
                    num.level_overrides[ilvl] = lvl
            self._nums[element.get(w("numId")) or ""] = num

    def resolve(self, own: NumPr | None, style_id: str | None) -> tuple[str, int] | None:
        """(numId, level) of a paragraph from its own numPr and its style chain."""
        num_id = own.num_id if own else None
        ilvl = own.ilvl if own else None
        from_style = False
        seen: set[str] = set()
        current = style_id
        while current and current not in seen and (num_id is None or ilvl is None):
            seen.add(current)
            style = self._styles.get(current)
            if style is None:
                break
            if style.num_pr is not None:
                if num_id is None and style.num_pr.num_id is not None:
                    num_id, from_style = style.num_pr.num_id, True
                if ilvl is None:
                    ilvl = style.num_pr.ilvl
            current = style.based_on
        if not num_id or num_id == "0" or num_id not in self._nums:
            return None
        if ilvl is None:
            ilvl = self._level_for_style(num_id, style_id) if from_style else 0
        return num_id, min(max(ilvl, 0), LEVELS - 1)

    def _abstract(self, num_id: str) -> tuple[str, _Abstract]:
        abstract_id = self._nums[num_id].abstract_id
        abstract = self._abstracts.get(abstract_id, _Abstract())
        link = abstract.num_style_link
        if link and (style := self._styles.get(link)) and style.num_pr and style.num_pr.num_id:
            linked = self._nums.get(style.num_pr.num_id)
            if linked is not None and linked.abstract_id in self._abstracts:
                return linked.abstract_id, self._abstracts[linked.abstract_id]
        return abstract_id, abstract

    def _level_for_style(self, num_id: str, style_id: str | None) -> int:
        _, abstract = self._abstract(num_id)
        for ilvl, level in abstract.levels.items():
            if style_id and level.style == style_id:
                return ilvl
        return 0

    def _level(self, num_id: str, ilvl: int) -> Level:
        num = self._nums[num_id]
        _, abstract = self._abstract(num_id)
        level = abstract.levels.get(ilvl, Level())
        if ilvl in num.level_overrides:
            level = _level(num.level_overrides[ilvl], level)
        if ilvl in num.start_overrides:
            level = replace(level, start=num.start_overrides[ilvl])
        return level

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list and return the paragraph's label with its separator."""
        abstract_id, _ = self._abstract(num_id)
        counters = self._counters.setdefault(abstract_id, [None] * LEVELS)
        if num_id not in self._started:
            # A w:num with startOverride restarts its levels the first time it is used.
            self._started.add(num_id)
            for overridden in self._nums[num_id].start_overrides:
                if 0 <= overridden < LEVELS:
                    counters[overridden] = None
        level = self._level(num_id, ilvl)
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, LEVELS):
            restart = self._level(num_id, deeper).restart
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            # Bullets are mostly Symbol/Wingdings private-use glyphs: show a plain bullet.
            text = "".join("•" if "\ue000" <= ch <= "\uf8ff" else ch for ch in level.text)
            return _with_suffix(text, level.suffix)
        text = level.text
        for ref in range(LEVELS, 0, -1):  # %10 does not exist; go high to low anyway
            placeholder = f"%{ref}"
            if placeholder not in text:
                continue
            ref_level = self._level(num_id, ref - 1)
            value = counters[ref - 1]
            value = ref_level.start if value is None else value
            fmt = "decimal" if level.legal and ref_level.fmt != "none" else ref_level.fmt
            text = text.replace(placeholder, format_number(value, fmt))
        return _with_suffix(text, level.suffix)


#: After these a label needs no space before the text ("一、", "1．", "（一）").
_CLOSING = set("、，．.：:）)]】〕」』>》")


def _with_suffix(label: str, suffix: str) -> str:
    # Word shows a tab (default) or a space after the label; typed documents write
    # "一、党的…" or "1．党委…" with nothing in between, which is what the parser expects,
    # so a label ending in punctuation gets nothing and any other ("第一章") one space.
    if not label or suffix == "nothing" or label[-1] in _CLOSING:
        return label
    return label + " "
