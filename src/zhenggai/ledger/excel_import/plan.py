"""From the sheet's rows to an import plan: columns mapped, each row checked, names listed.

Pure Python over the reader's JSON and a `Directory` of the names already known (units,
people): the preview page and the confirm compute the same plan from the same staging
row, so what the user saw is what is written. Each problem is a `RowError` (row, column,
reason) in Chinese; units and people the directory does not know are listed for the
user to map or create, and are errors of their rows until they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zhenggai.core.ledger_sheet import (
    HEADERS,
    SYNONYMS,
    Numbered,
    header_key,
    split_aspect,
    split_finding,
    split_measure,
    split_problem,
)
from zhenggai.ledger.choices import AnswerKind, MeasureState, Urgency

MISSING_MEASURE = "缺少整改措施内容"
MISSING_FINDING = "缺少问题（“问题”与“具体问题”均为空）"
NOT_A_DATE = "不是日期：{value}（应为 2026-03-31 或 2026年3月31日）"
UNKNOWN_URGENCY = "未知的时限类型：{value}（应为 立行立改、限期整改 或 长期坚持）"
UNKNOWN_STATE = "未知的状态：{value}"
UNKNOWN_UNIT = "未知的责任单位：{value}（请对应到已有单位或新建）"
UNKNOWN_PERSON = "未知的人员：{value}（请对应到已有人员或新建）"
NO_MEASURE_COLUMN = "没有对应“整改措施”的列，请手工指定列的含义"
DUPLICATE_COLUMN = "“{label}”对应了多列（第 {columns} 列），请只保留一列"

#: Words offices write in a state column, beyond the states' own labels.
STATE_WORDS = {
    "已完成": MeasureState.CLOSED,
    "完成": MeasureState.CLOSED,
    "已整改": MeasureState.CLOSED,
    "已办结": MeasureState.CLOSED,
    "办结": MeasureState.CLOSED,
    "正在整改": MeasureState.IN_PROGRESS,
    "整改中": MeasureState.IN_PROGRESS,
    "推进中": MeasureState.IN_PROGRESS,
    "未完成": MeasureState.IN_PROGRESS,
    "持续整改": MeasureState.WATCHING,
    "未开始": MeasureState.PLANNED,
}
#: State words that mark a row as a finding without measures (explained, unanswered).
ANSWER_WORDS = {
    str(label): value for value, label in AnswerKind.choices if value != AnswerKind.RECTIFIED
}
_DATE = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*(前|底)?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*(底|前)?\s*$")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class PlannedRow:
    """One valid row, ready to write."""

    row: int
    aspect: Numbered
    problem: Numbered
    finding: Numbered
    measure: Numbered | None
    answer_kind: str
    target: str
    leader: str
    unit: str
    person: str
    deadline: dt.date | None
    urgency: str
    progress: str
    state: str

    @property
    def state_label(self) -> str:
        """The state as the preview shows it: the measure's, or the finding's answer for
        a row without a measure (情况说明 …)."""
        if self.measure is None:
            return str(dict(AnswerKind.choices).get(self.answer_kind, self.answer_kind))
        return str(dict(MeasureState.choices).get(self.state, self.state))


@dataclass
class Directory:
    """Names the database knows or the user mapped: name → id, or None for "create it"."""

    units: Mapping[str, int | None] = field(default_factory=dict)
    people: Mapping[str, int | None] = field(default_factory=dict)
    create_missing: bool = False


@dataclass
class ImportPlan:
    mapping: dict[str, int]
    rows: list[PlannedRow]
    errors: list[RowError]
    bad_rows: list[int]
    unknown_units: list[str]
    unknown_people: list[str]
    column_errors: list[str]
    info: list[dict[str, Any]]
    #: Why the sheet cannot be imported at all (set by the service: the same file again,
    #: an inspection that already holds its rows); rows in error can be skipped, this not.
    refusal: str | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.column_errors and not self.refusal

    def reject(self, row_numbers: set[int], column: str, reason: str) -> None:
        """Move planned rows to the rows in error (the service's checks against the
        database: a row the ledger already holds), so that the preview lists them and the
        confirm refuses them or, told to, skips them like any other row in error."""
        kept = []
        for planned in self.rows:
            if planned.row in row_numbers:
                self.errors.append(RowError(planned.row, column, reason))
                self.bad_rows.append(planned.row)
            else:
                kept.append(planned)
        self.rows = kept
        self.bad_rows.sort()
        self.errors.sort(key=lambda e: e.row)


def auto_mapping(headers: list[str]) -> dict[str, int]:
    """Column key → index, by the headers' synonyms (the first column wins a tie)."""
    out: dict[str, int] = {}
    for index, text in enumerate(headers):
        key = header_key(text)
        if key and key not in out:
            out[key] = index
    return out


def apply_manual(headers: list[str], manual: Mapping[str, str]) -> dict[str, int]:
    """The automatic mapping overridden by `manual` (column index as text → key or "")."""
    mapping = auto_mapping(headers)
    for raw_index, key in manual.items():
        index = int(raw_index)
        for k in [k for k, i in mapping.items() if i == index]:
            del mapping[k]
        if key in SYNONYMS:
            mapping[key] = index
    return mapping


def parse_date(text: str) -> dt.date | None:
    """A deadline as offices write it: 2026-03-31, 2026/3/31, 2026年3月31日, 2026年3月底."""
    m = _DATE.match(text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _MONTH.match(text)
    if m:
        year, month = int(m[1]), int(m[2])
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    raise ValueError(text)


def _choice(value: str, choices: list[tuple[str, Any]], extra: Mapping[str, Any]) -> str | None:
    for code, label in choices:
        if value in (code, str(label)):
            return str(code)
    return str(extra[value]) if value in extra else None


def build_plan(
    sheet: Mapping[str, Any],
    *,
    manual: Mapping[str, str] | None = None,
    directory: Directory | None = None,
) -> ImportPlan:
    """Check every row of `sheet` (the reader's JSON) under the mapping."""
    headers: list[str] = list(sheet["headers"])
    mapping = apply_manual(headers, manual or {})
    directory = directory or Directory()
    column_errors = []
    if "measure" not in mapping:
        column_errors.append(NO_MEASURE_COLUMN)
    plan = ImportPlan(mapping, [], [], [], [], [], column_errors, list(sheet.get("info") or []))
    if column_errors:
        return plan
    unknown_units: dict[str, None] = {}
    unknown_people: dict[str, None] = {}
    for row_no, cells in sheet["rows"]:
        values = {k: (cells[i] if i < len(cells) else None) or "" for k, i in mapping.items()}
        errors: list[RowError] = []

        def err(
            key: str, reason: str, row_no: int = row_no, errors: list[RowError] = errors
        ) -> None:
            label = headers[mapping[key]] if key in mapping else HEADERS.get(key, key)
            errors.append(RowError(row_no, label or HEADERS.get(key, key), reason))

        state_text = values.get("state", "")
        answer_kind = ANSWER_WORDS.get(state_text)
        measure_text = values.get("measure", "")
        state = MeasureState.PLANNED.value
        if answer_kind is None:
            answer_kind = AnswerKind.RECTIFIED.value
            if not measure_text:
                err("measure", MISSING_MEASURE)
            if state_text:
                state = _choice(state_text, MeasureState.choices, STATE_WORDS) or ""
                if not state:
                    err("state", UNKNOWN_STATE.format(value=state_text[:20]))
        problem_text, finding_text = values.get("problem", ""), values.get("finding", "")
        if not problem_text and not finding_text:
            err("finding" if "finding" in mapping else "problem", MISSING_FINDING)
        deadline = None
        if values.get("deadline"):
            try:
                deadline = parse_date(values["deadline"])
            except ValueError:
                err("deadline", NOT_A_DATE.format(value=values["deadline"][:20]))
        urgency = Urgency.SCHEDULED.value
        if values.get("urgency"):
            urgency = _choice(values["urgency"], Urgency.choices, {}) or ""
            if not urgency:
                err("urgency", UNKNOWN_URGENCY.format(value=values["urgency"][:20]))
        unit = values.get("unit", "")
        if unit and unit not in directory.units and not directory.create_missing:
            unknown_units.setdefault(unit)
            err("unit", UNKNOWN_UNIT.format(value=unit[:40]))
        for key in ("leader", "person"):
            name = values.get(key, "")
            if name and name not in directory.people and not directory.create_missing:
                unknown_people.setdefault(name)
                err(key, UNKNOWN_PERSON.format(value=name[:20]))
        if errors:
            plan.errors.extend(errors)
            plan.bad_rows.append(row_no)
            continue
        # A problem answered directly has one finding whose text is the problem's.
        finding = split_finding(finding_text) if finding_text else Numbered("", None, problem_text)
        plan.rows.append(
            PlannedRow(
                row=row_no,
                aspect=split_aspect(values.get("aspect", "")),
                problem=split_problem(problem_text)
                if problem_text
                else Numbered("", None, finding_text),
                finding=finding,
                measure=split_measure(measure_text)
                if answer_kind == AnswerKind.RECTIFIED
                else None,
                answer_kind=answer_kind,
                target=values.get("target", ""),
                leader=values.get("leader", ""),
                unit=unit,
                person=values.get("person", ""),
                deadline=deadline,
                urgency=urgency,
                progress=values.get("progress", ""),
                state=state,
            )
        )
    plan.unknown_units = list(unknown_units)
    plan.unknown_people = list(unknown_people)
    return plan
