"""The ledger sheet (台账) as offices keep it in Excel: its columns, their usual synonyms,
and the numbering written in front of the tree's texts.

Pure Python, shared by the export (publication) and the import (ledger), so that what one
writes the other reads back: a column renamed here is renamed for both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zhenggai.core.numerals import number_to_int

#: Column keys in the order offices send them upward, with the header the export writes.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("no", "编号"),
    ("aspect", "方面"),
    ("problem", "问题"),
    ("finding", "具体问题"),
    ("measure", "整改措施"),
    ("target", "整改目标"),
    ("leader", "责任领导"),
    ("unit", "责任单位"),
    ("person", "责任人"),
    ("deadline", "整改时限"),
    ("urgency", "时限类型"),
    ("progress", "整改进展"),
    ("state", "状态"),
)
HEADERS = dict(COLUMNS)
#: The key of the extra column an export over several inspections adds.
INSPECTION_COLUMN = ("inspection", "巡察")

#: Other headers offices use for the same column (compared after `normalise_header`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "no": ("序号", "编号", "序"),
    "aspect": ("方面", "问题类别", "问题类型", "类别", "巡察反馈问题方面"),
    "problem": ("问题", "反馈问题", "主要问题", "问题概述", "巡察反馈问题"),
    "finding": ("具体问题", "问题表现", "具体表现", "问题具体表现", "存在问题"),
    "measure": ("整改措施", "整改举措", "措施", "具体措施", "整改内容"),
    "target": ("整改目标", "目标", "预期目标"),
    "leader": ("责任领导", "分管领导", "牵头领导", "责任领导人"),
    "unit": ("责任单位", "牵头单位", "责任部门", "责任科室", "牵头部门"),
    "person": ("责任人", "具体责任人", "经办人"),
    "deadline": ("整改时限", "完成时限", "完成时间", "整改期限", "时限"),
    "urgency": ("时限类型", "整改类型", "整改时限类型"),
    "progress": ("整改进展", "整改情况", "进展情况", "完成情况", "整改进度"),
    "state": ("状态", "整改状态", "办理状态", "是否完成"),
    "inspection": ("巡察",),
}

#: The second sheet: the inspection's particulars, label → key (one row per inspection).
INFO_SHEET = "巡察信息"
INFO_COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "巡察"),
    ("group", "巡察组"),
    ("organisation", "被巡察党组织"),
    ("level", "层级"),
    ("kind", "巡察类型"),
    ("start", "巡察开始日期"),
    ("end", "巡察结束日期"),
    ("feedback_date", "反馈日期"),
)


def normalise_header(text: str) -> str:
    """A header as compared: no spaces, line breaks, brackets' notes or colons."""
    text = re.sub(r"[（(].*?[)）]", "", text)
    return re.sub(r"[\s:：*＊]", "", text)


def header_key(text: str) -> str | None:
    """The column key a header means, by its synonyms; None when unknown."""
    name = normalise_header(text)
    if not name:
        return None
    for key, names in SYNONYMS.items():
        if name in names:
            return key
    return None


# The numbering written in front of a text, as documents write it: aspects （一）/一、,
# problems 1./1、/1．, findings （1）; in the aspect column （1） is an aspect's too, measures 一是/二是. Only these exact shapes are split
# off, so a text that merely starts with a numeral ("三会一课") is left whole.
_CN = "一二三四五六七八九十百零〇两"
_ASPECT = re.compile(rf"^\s*([（(]([{_CN}0-9０-９]+)[)）]|([{_CN}]+)、)")
_PROBLEM = re.compile(r"^\s*(([0-9０-９]+)[.．、])(?![0-9])")
_FINDING = re.compile(r"^\s*([（(]([0-9０-９]+)[)）])")
_MEASURE = re.compile(rf"^\s*(([{_CN}]+)是)")


@dataclass(frozen=True)
class Numbered:
    """A text split into its numbering (`marker`, `no`) and the rest (`text`)."""

    marker: str
    no: int | None
    text: str


def _split(pattern: re.Pattern[str], text: str) -> Numbered:
    text = text.strip()
    m = pattern.match(text)
    if not m:
        return Numbered("", None, text)
    digits = next((g for g in m.groups()[1:] if g), "")
    digits = digits.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return Numbered(m.group(1), number_to_int(digits), text[m.end() :].strip())


def split_aspect(text: str) -> Numbered:
    return _split(_ASPECT, text)


def split_problem(text: str) -> Numbered:
    return _split(_PROBLEM, text)


def split_finding(text: str) -> Numbered:
    return _split(_FINDING, text)


def split_measure(text: str) -> Numbered:
    return _split(_MEASURE, text)


def numbered(marker: str | None, text: str) -> str:
    """The cell text: the marker as the document wrote it, then the text."""
    return f"{marker or ''}{text}"
