"""Reading a ledger workbook (台账.xlsx) into plain rows, before any mapping or check.

openpyxl's read-only mode streams the cells but does not read merged ranges, so the
`<mergeCell>` elements are read from the sheet's XML separately (iterparse, one pass) and
each merged range's value is inherited down its column — offices merge the problem cell
over the rows of its measures. The result is JSON (strings, ISO dates) so that the
staging row can keep it.

A file that is not a zip, a zip that is not a workbook, a workbook openpyxl cannot read,
or one too large (bytes, unzipped bytes — a zip bomb — or rows) is refused with one
Chinese sentence naming the file; nothing is read further.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from zhenggai.core.errors import InputError
from zhenggai.core.ledger_sheet import INFO_COLUMNS, INFO_SHEET, header_key

MAX_BYTES = 30 * 1024 * 1024
MAX_UNZIPPED = 400 * 1024 * 1024
MAX_ROWS = 100_000
#: How far down the header row is looked for (a title and a note may stand above it).
HEADER_SCAN = 12

NOT_XLSX = "{name}: 不是 Excel 工作簿（.xlsx），无法读取；请在 Excel 中“另存为 .xlsx”后再导入"
BROKEN_XLSX = "{name}: Excel 文件已损坏或格式不对，无法读取（{reason}）"
TOO_LARGE = "{name}: 文件过大（{size} MB），台账导入上限为 {limit} MB"
TOO_LARGE_UNZIPPED = "{name}: 文件解压后过大（超过 {limit} MB），拒绝读取"
TOO_MANY_ROWS = "{name}: 行数超过 {limit} 行，请分批导入"
NO_SHEET = "{name}: 工作簿中没有可导入的工作表"
NO_HEADER = "{name}: 前 {n} 行中找不到表头（如“整改措施”“责任单位”等列名）"
NO_ROWS = "{name}: 表头下没有数据行"

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def cell_text(value: Any) -> str | None:
    """A cell as the JSON the staging keeps: text, ISO date, or None when empty."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    if len(data) > MAX_BYTES:
        raise InputError(
            TOO_LARGE.format(name=name, size=round(len(data) / 2**20, 1), limit=MAX_BYTES // 2**20)
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(NOT_XLSX.format(name=name))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
            raise InputError(TOO_LARGE_UNZIPPED.format(name=name, limit=MAX_UNZIPPED // 2**20))
        if "xl/workbook.xml" not in archive.namelist():
            raise InputError(NOT_XLSX.format(name=name))
    except zipfile.BadZipFile as exc:
        raise InputError(BROKEN_XLSX.format(name=name, reason=exc)) from None
    return archive


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range of the sheet at `path`."""
    out = []
    with archive.open(path) as fh:
        for _event, element in iterparse(fh):
            if element.tag == f"{_NS}mergeCell":
                a, b, c, d = range_boundaries(element.get("ref", ""))
                if a is not None and b is not None and c is not None and d is not None:
                    out.append((a, b, c, d))
            element.clear()
    return out


def _find_header(rows: list[list[str | None]]) -> int | None:
    """Index of the header row: the first with two known headers, else with three texts."""
    for index, row in enumerate(rows[:HEADER_SCAN]):
        if sum(1 for v in row if v and header_key(v)) >= 2:
            return index
    for index, row in enumerate(rows[:HEADER_SCAN]):
        if sum(1 for v in row if v) >= 3:
            return index
    return None


def read_workbook(data: bytes, name: str) -> dict[str, Any]:
    """The ledger sheet's headers and rows (merges filled down) and the 巡察信息 rows."""
    archive = _check_zip(data, name)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise InputError(BROKEN_XLSX.format(name=name, reason=type(exc).__name__)) from None
    try:
        sheets = [ws for ws in wb.worksheets if ws.title != INFO_SHEET]
        if not sheets:
            raise InputError(NO_SHEET.format(name=name))
        ws = sheets[0]
        ws.reset_dimensions()  # a wrong stored dimension must not cut rows off
        rows: list[list[str | None]] = []
        for raw in ws.iter_rows(values_only=True):
            if len(rows) > MAX_ROWS + HEADER_SCAN:
                raise InputError(TOO_MANY_ROWS.format(name=name, limit=MAX_ROWS))
            rows.append([cell_text(v) for v in raw])
        info = _info_rows(wb)
        merges = _merged_ranges(archive, ws._worksheet_path)  # type: ignore[attr-defined]
    except InputError:
        raise
    except Exception as exc:
        raise InputError(BROKEN_XLSX.format(name=name, reason=type(exc).__name__)) from None
    finally:
        wb.close()
    header_index = _find_header(rows)
    if header_index is None:
        raise InputError(NO_HEADER.format(name=name, n=HEADER_SCAN))
    width = max((len(r) for r in rows), default=0)
    grid = [r + [None] * (width - len(r)) for r in rows]
    for min_col, min_row, max_col, max_row in merges:
        top = min_row - 1
        if top <= header_index or top >= len(grid):
            continue
        value = grid[top][min_col - 1]
        for r in range(top, min(max_row, len(grid))):
            for c in range(min_col - 1, min(max_col, width)):
                grid[r][c] = value
    headers = [v or "" for v in grid[header_index]]
    body = [
        [header_index + 2 + offset, row]
        for offset, row in enumerate(grid[header_index + 1 :])
        if any(v for v in row)
    ]
    if not body:
        raise InputError(NO_ROWS.format(name=name))
    return {
        "sheet": ws.title,
        "header_row": header_index + 1,
        "headers": headers,
        "rows": body,
        "info": info,
    }


def _info_rows(wb: Any) -> list[dict[str, str | None]]:
    """The 巡察信息 sheet's rows by key (empty when the sheet is absent)."""
    if INFO_SHEET not in wb.sheetnames:
        return []
    labels = {label: key for key, label in INFO_COLUMNS}
    rows = [[cell_text(v) for v in r] for r in wb[INFO_SHEET].iter_rows(values_only=True)]
    if not rows:
        return []
    keys = [labels.get(h or "") for h in rows[0]]
    return [{k: v for k, v in zip(keys, row, strict=False) if k} for row in rows[1:] if any(row)]
