"""Masking names of people and companies in the public edition of an announcement.

The seed publishes "蚌埠市***停车管理公司": the public edition replaces a name by `MASK`,
always three stars whatever the name's length, so the length does not hint at the name.
The public file is written from the masked text only, so nothing in it can undo the mask.
`mask_segments` gives the preview: the text cut into kept and masked pieces, so the office
sees what each star stands for. `name_candidates` suggests what to mask — names the ledger
knows, company names, and people named after a position or beside such a name in a list
("以杨俊、范迪海、王勇等为反面典型") — for the office to confirm; it decides nothing.
Pure Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

MASK = "***"
#: A name must be at least this long: masking "王" would blank every 王 in the text.
MIN_NAME_LENGTH = 2

#: A company: a run of Han characters (or an already masked part) ending in a company word.
_COMPANY = re.compile(
    r"[\u4e00-\u9fff*]{2,24}?(?:股份有限公司|有限责任公司|有限公司|公司|集团)"
)
#: Words that end a clause before a company's name: the name starts after them.
_COMPANY_LEAD = re.compile(r".*(?:与|和|同|向|对|由|在|将|给|把|被|收取|支付|委托|及|的|了)")
#: Positions after which documents write a person's name ("党委副书记杨俊").
_POSITION = re.compile(
    r"(?:副书记|书记|副主任|主任|副局长|局长|副乡长|乡长|副镇长|镇长|副所长|所长|副队长|队长|"
    r"科长|站长|组长|科员|委员|干部|会计|出纳|负责人)(?=[\u4e00-\u9fff])"
)
_LIST_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}")
#: Common surnames: a guessed person's name must start with one (else "期间", "带头"…).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤栾常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
)
#: A company whose name ends so is a company name; a bare "公司" needs a place in its name.
_COMPANY_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "集团")
_PLACE = re.compile(r"[省市县区州]")


def clean_names(names: Iterable[str]) -> list[str]:
    """Stripped, distinct, longest first (so "杨俊权" is masked before "杨俊")."""
    seen = {n.strip() for n in names if n and n.strip()}
    return sorted(seen, key=lambda n: (-len(n), n))


def _pattern(names: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(re.escape(n) for n in names)) if names else None


def mask_text(text: str, names: Iterable[str]) -> str:
    """`text` with every occurrence of each name replaced by `MASK`."""
    pattern = _pattern(clean_names(names))
    return pattern.sub(MASK, text) if pattern else text


def mask_segments(text: str, names: Iterable[str]) -> list[tuple[str, bool]]:
    """The text as (piece, masked) pairs, for a preview that shows what is masked."""
    pattern = _pattern(clean_names(names))
    if pattern is None:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos : m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def masked_count(text: str, names: Iterable[str]) -> int:
    """How many places the mask covers."""
    pattern = _pattern(clean_names(names))
    return len(pattern.findall(text)) if pattern else 0


def _companies(text: str) -> Iterator[str]:
    for m in _COMPANY.finditer(text):
        name = m.group(0)
        lead = _COMPANY_LEAD.match(name[:-2])
        if lead:
            name = name[lead.end() :]
        formal = name.endswith(_COMPANY_FORMS) or _PLACE.search(name[:-2])
        if formal and len(name) > 4 and MASK not in name:
            yield name


def _people(text: str) -> list[str]:
    """Names after a position: the 3- or 2-character reading that recurs in the text."""
    found: list[str] = []
    for m in _POSITION.finditer(text):
        rest = text[m.end() : m.end() + 3]
        for size in (3, 2):
            name = rest[:size]
            if (
                len(name) == size
                and name[0] in SURNAMES
                and re.fullmatch(r"[\u4e00-\u9fff]+", name)
                and text.count(name) >= 2
            ):
                found.append(name)
                break
    # Names listed beside a found one: "以杨俊、范迪海、王勇、栾印武等为反面典型".
    for name in list(found):
        for m in re.finditer(rf"{re.escape(name)}((?:、[\u4e00-\u9fff]{{2,3}})+)(?=等|、|，|,)", text):
            found += [
                n for n in m.group(1).split("、") if _LIST_NAME.fullmatch(n) and n[0] in SURNAMES
            ]
    return found


def name_candidates(text: str, known: Iterable[str] = ()) -> list[str]:
    """Names the office may want masked: known names found in `text`, then guesses."""
    out: list[str] = []
    for name in [*clean_names(known), *_companies(text), *_people(text)]:
        if len(name) >= MIN_NAME_LENGTH and name in text and name not in out:
            out.append(name)
    return out

