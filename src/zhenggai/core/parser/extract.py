"""Stage 5: facts stated in the text — dates, the inspection, contact, claimed figures.

Claims are what the document says about itself ("制定整改措施47条"); `claims.py` reads them
(re-exported here), and the caller compares them with the parsed counts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from zhenggai.core.document import Contact, InspectionInfo
from zhenggai.core.normalise import match_form
from zhenggai.core.numerals import NUMERAL_CHARS, number_to_int
from zhenggai.core.parser.claims import TextLine, extract_claims

NUM = rf"(\d+|[{NUMERAL_CHARS}]+)"
CN_YEAR = "[〇○零一二三四五六七八九]{4}"
FULL_DATE = re.compile(rf"(\d{{4}}|{CN_YEAR})\s*年\s*(\d{{1,2}}|[{NUMERAL_CHARS}]{{1,3}})\s*月\s*"
                       rf"(\d{{1,2}}|[{NUMERAL_CHARS}]{{1,3}})\s*日")
ANY_DATE = re.compile(rf"(?:(\d{{4}}|{CN_YEAR})\s*年\s*)?(\d{{1,2}}|[{NUMERAL_CHARS}]{{1,3}})\s*月\s*"
                      rf"(\d{{1,2}}|[{NUMERAL_CHARS}]{{1,3}})\s*日")


@dataclass(frozen=True)
class DateHit:
    date: dt.date
    start: int
    end: int
    explicit_year: bool


def find_dates(text: str, *, default_year: int | None = None) -> list[DateHit]:
    """Dates in document order; a date without a year takes the last year mentioned."""
    norm = match_form(text)
    out: list[DateHit] = []
    year = default_year
    last: dt.date | None = None
    for m in ANY_DATE.finditer(norm):
        y_text, mo_text, d_text = m.groups()
        month, day = number_to_int(mo_text), number_to_int(d_text)
        explicit = y_text is not None
        if explicit:
            year = number_to_int(y_text)
        if year is None or month is None or day is None:
            continue
        try:
            value = dt.date(year, month, day)
        except ValueError:
            continue
        if not explicit and last is not None and value < last and (last - value).days > 180:
            # "12月20日 … 1月5日": the later date rolls into the next year.
            try:
                value = dt.date(year + 1, month, day)
                year += 1
            except ValueError:
                continue
        out.append(DateHit(value, m.start(), m.end(), explicit))
        last = value
    return out


def parse_date_line(text: str) -> dt.date | None:
    """A line that is only a date (the 成文日期 under the signature)."""
    norm = "".join(match_form(text).split())
    m = FULL_DATE.fullmatch(norm)
    if not m:
        return None
    hits = find_dates(norm)
    return hits[0].date if hits else None


_GROUP_END = re.compile(r"(巡察|巡视)(?:工作)?(组|指导组|办)")
_KIND = {"常规": "regular", "专项": "special", "机动": "mobile", "提级": "elevated"}


def extract_inspection(text: str) -> InspectionInfo:
    """The inspection group, target, kind and dates, from the opening text."""
    norm = match_form(text)
    group = target = level = kind = None
    start = end = feedback = None
    gm = _GROUP_END.search(norm)
    if gm:
        i = gm.start()
        while i > 0 and re.match(r"[\u4e00-\u9fff]", norm[i - 1]) and gm.start() - i < 14 and norm[i - 1] not in "日年月对在由":
            i -= 1
        group = text[i: gm.end()]
        level = "xunshi" if gm.group(1) == "巡视" else "xuncha"
        tm = re.compile(r"对(.{2,60}?)(?:开展|进行)了?(?:为期.{1,8}?的)?(常规|专项|机动|提级)?(巡察|巡视)(\"?回头看\"?|“回头看”)?").search(norm, gm.end())
        if tm and tm.start() - gm.end() < 8:
            target = text[tm.start(1): tm.end(1)]
            kind = "follow_up" if tm.group(4) else _KIND.get(tm.group(2) or "", "regular" if tm.group(2) else None)
    dates = find_dates(text)
    period = re.compile(r"(至|到|~|-|—|–)")
    for a, b in itertools.pairwise(dates):
        if period.fullmatch(norm[a.end: b.start].strip() or "x"):
            start, end = a.date, b.date
            break
    for d in dates:
        after = norm[d.end: d.end + 12]
        near = "反馈" in after or "反馈" in norm[max(0, d.start - 6): d.start]
        if near and (start is None or d.date >= start):
            feedback = d.date
            break
    if kind is None and "回头看" in norm[:300]:
        kind = "follow_up"
    return InspectionInfo(group=group, target=target, level=level, kind=kind,  # type: ignore[arg-type]
                          start=start, end=end, feedback_date=feedback)


_PHONE = re.compile(r"(?:联系电话|举报电话|监督电话|电话)\s*:?\s*([0-9][0-9\-()（） ]{5,30}[0-9])")
_ADDRESS = re.compile(r"(?:通讯地址|通信地址|联系地址|来信地址|邮寄地址|地址)\s*:\s*([^;；。\n]+)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def extract_contact(text: str) -> Contact:
    norm = match_form(text)
    phone = address = email = None
    if m := _PHONE.search(norm):
        phone = text[m.start(1): m.end(1)].strip()
    if m := _ADDRESS.search(norm):
        address = text[m.start(1): m.end(1)].strip()
    if m := _EMAIL.search(norm):
        email = m.group(0).rstrip(".")
    return Contact(phone=phone, address=address, email=email)


__all__ = ["DateHit", "TextLine", "extract_claims", "extract_contact", "extract_inspection", "find_dates",
           "parse_date_line"]
