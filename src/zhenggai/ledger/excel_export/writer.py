"""Writing the ledger sheet (台账) with openpyxl's write-only mode, streamed row by row.

Write-only mode keeps memory flat whatever the row count (benchmarks/export_bench.py
measured it against XlsxWriter's constant-memory mode: docs/benchmarks.md). It has no
`merge_cells`, but the sheet's `merged_cells` is written at save: the
aspect, problem and finding cells are merged over their measures' rows as offices format
them, so a merge is closed when the next row starts another one.

Every cell gets one of a few prepared styles by copying its style array (one tuple copy),
not by setting font/alignment/border objects per cell, which re-hashes them each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from copy import copy
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

from zhenggai.core.ledger_sheet import COLUMNS, INFO_COLUMNS, INFO_SHEET, INSPECTION_COLUMN

SHEET = "整改台账"
#: Column widths in characters (a Chinese character is about two).
WIDTHS = {
    "no": 9,  # "10-(12)-3" on one line
    "aspect": 14,
    "problem": 24,
    "finding": 32,
    "measure": 40,
    "target": 20,
    "leader": 10,
    "unit": 16,
    "person": 10,
    "deadline": 13,
    "urgency": 10,
    "progress": 32,
    "state": 9,
    "inspection": 24,
}
#: Columns whose equal neighbours are merged, outermost first: a merge of an inner column
#: never crosses the boundary of an outer one.
MERGED = ("aspect", "problem", "finding")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
FONT_NAME = "宋体"

_thin = Side(style="thin", color="000000")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


@dataclass
class Row:
    """One sheet row: `values` by column key, `groups` the ids that decide merges."""

    values: Mapping[str, Any]
    groups: tuple[Any, Any, Any]


class _Styles:
    """Template cells whose style arrays are copied onto each written cell."""

    def __init__(self, ws: Any) -> None:
        def make(**kw: Any) -> Any:
            cell = WriteOnlyCell(ws)
            for name, value in kw.items():
                setattr(cell, name, value)
            return cell

        wrap = Alignment(wrap_text=True, vertical="center")
        self.title = make(
            font=Font(name="方正小标宋简体", size=18),
            alignment=Alignment(horizontal="center", vertical="center"),
        )
        self.header = make(
            font=Font(name="黑体", size=11, bold=True),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            border=_BORDER,
            fill=PatternFill("solid", fgColor="D9E1F2"),
        )
        self.text = make(font=Font(name=FONT_NAME, size=10), alignment=wrap, border=_BORDER)
        self.centre = make(
            font=Font(name=FONT_NAME, size=10),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            border=_BORDER,
        )
        self.date = make(
            font=Font(name=FONT_NAME, size=10),
            alignment=Alignment(horizontal="center", vertical="center"),
            border=_BORDER,
            number_format=DATE_FORMAT,
        )

    @staticmethod
    def cell(ws: Any, template: Any, value: Any) -> Any:
        cell = WriteOnlyCell(ws, value)
        cell._style = copy(template._style)  # type: ignore[attr-defined]
        return cell


_CENTRED = {"no", "leader", "person", "urgency", "state"}
#: Columns never merged whose text decides a row's height.
_FREE = ("measure", "target", "unit", "progress", "leader", "person")
#: Width units one Chinese character takes at 10 points, and the points of one line.
CJK_WIDTH = 1.9
LINE_POINTS = 13.5
#: Characters of one line per column (computed once: `_height` runs for every row).
_PER_LINE = {key: max(1, int(width / CJK_WIDTH)) for key, width in WIDTHS.items()}


def write_ledger(
    out: str | IO[bytes],
    *,
    title: str,
    rows: Iterable[Row],
    inspections: Iterable[Mapping[str, Any]],
    with_inspection_column: bool = False,
) -> int:
    """Write the workbook to `out` (a path or a binary file); return the data row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    columns = [*COLUMNS, INSPECTION_COLUMN] if with_inspection_column else list(COLUMNS)
    keys = [k for k, _ in columns]
    styles = _Styles(ws)
    _sheet_setup(ws, keys)
    ncols = len(columns)
    last = get_column_letter(ncols)
    ws.append([_Styles.cell(ws, styles.title, title), *[None] * (ncols - 1)])
    merges = [CellRange(f"A1:{last}1")]
    ws.row_dimensions[1].height = 36
    ws.append([_Styles.cell(ws, styles.header, label) for _, label in columns])
    templates = [
        styles.date if k == "deadline" else styles.centre if k in _CENTRED else styles.text
        for k in keys
    ]
    count = 0
    row_no = 2
    open_runs: list[int] = [3, 3, 3]  # first row of the current run per merged column
    current: list[Any] = [object(), object(), object()]
    merged_letters = [get_column_letter(keys.index(k) + 1) for k in MERGED]
    for row in rows:
        row_no += 1
        count += 1
        # A change at one level closes the runs of it and of every level inside it.
        broke = False
        started: list[str] = []
        for level in range(3):
            if broke or row.groups[level] != current[level]:
                _close_run(merges, merged_letters[level], open_runs[level], row_no - 1)
                open_runs[level] = row_no
                current[level] = row.groups[level]
                broke = True
                started.append(MERGED[level])
        values = row.values
        ws.row_dimensions[row_no].height = _height(values, started)
        ws.append(
            [_Styles.cell(ws, tpl, values.get(k)) for k, tpl in zip(keys, templates, strict=True)]
        )
    for level in range(3):
        _close_run(merges, merged_letters[level], open_runs[level], row_no)
    # Set once at the end: `merged_cells.add` checks each new range against every earlier
    # one (quadratic: minutes for the ~60,000 merges of 100,000 measures).
    ws.merged_cells = MultiCellRange(merges)
    _info_sheet(wb, inspections, styles)
    wb.save(out)
    return count


def _height(values: Mapping[str, Any], started: list[str]) -> float:
    """The row's height in points for its wrapped text. Excel and LibreOffice do not grow
    rows of a generated file to fit, so text beyond one line would be cut off. A merged
    cell's text counts on the first row of its run (generous, never clipped)."""
    lines = 1
    for key in (*_FREE, *started):
        text = values.get(key)
        if text.__class__ is str and text:
            n = -(-len(text) // _PER_LINE[key])
            if "\n" in text:
                n += text.count("\n")
            if n > lines:
                lines = n
    return min(LINE_POINTS * lines + 4, 409)  # 409 points: Excel's largest row height


def _close_run(merges: list[CellRange], letter: str, first: int, last: int) -> None:
    if last > first:
        merges.append(CellRange(f"{letter}{first}:{letter}{last}"))


def _sheet_setup(ws: Any, keys: list[str]) -> None:
    """Frozen header, widths, A4 landscape fitted to the page width, header repeated."""
    for index, key in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"  # Excel's page fields


def _info_sheet(wb: Workbook, inspections: Iterable[Mapping[str, Any]], styles: _Styles) -> None:
    """巡察信息: one row per inspection, enough for the file alone to recreate it."""
    ws = wb.create_sheet(INFO_SHEET)
    for index, (key, _label) in enumerate(INFO_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = 30 if key == "title" else 16
    ws.freeze_panes = "A2"
    ws.append([_Styles.cell(ws, styles.header, label) for _, label in INFO_COLUMNS])
    for info in inspections:
        ws.append(
            [
                _Styles.cell(
                    ws,
                    styles.date if isinstance(info.get(key), dt.date) else styles.text,
                    info.get(key),
                )
                for key, _label in INFO_COLUMNS
            ]
        )
