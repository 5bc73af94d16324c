"""The ledger sheet written as OOXML directly: a zip of a few XML parts, the sheet streamed.

benchmarks/export_bench.py measured openpyxl's write-only mode at about 5 ms a row on
this machine (a cell object, a style lookup and an lxml element per cell) — far over the
10 s target for 100,000 measures — and XlsxWriter's constant-memory mode not much better.
The sheet needs only what `writer.py` sets up, so this module writes exactly that with
string formatting: inline strings (no shared-string table to hold in memory), six cell
styles, merges, frozen header, widths, row heights, A4 landscape with the header row
repeated. The output opens in Excel, LibreOffice and openpyxl (the tests read it back).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Mapping
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from zhenggai.core.ledger_sheet import COLUMNS, INFO_COLUMNS, INFO_SHEET, INSPECTION_COLUMN
from zhenggai.ledger.excel_export.writer import (
    _CENTRED,
    CJK_WIDTH,
    DATE_FORMAT,
    LINE_POINTS,
    MERGED,
    SHEET,
    WIDTHS,
    Row,
    _height,
)

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: What a text needs escaped or removed; most texts have none, and one search is cheaper
#: than the substitution and three replacements it saves.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)
_NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
# Style ids of styles.xml below.
TITLE, HEADER, TEXT, CENTRE, DATE = 1, 2, 3, 4, 5

_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="{escape(DATE_FORMAT, {'"': "&quot;"})}"/></numFmts>
<fonts count="4"><font><sz val="11"/><name val="宋体"/></font>
<font><sz val="18"/><name val="方正小标宋简体"/></font>
<font><b/><sz val="11"/><name val="黑体"/></font>
<font><sz val="10"/><name val="宋体"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>
<border><left style="thin"><color rgb="FF000000"/></left><right style="thin"><color rgb="FF000000"/></right><top style="thin"><color rgb="FF000000"/></top><bottom style="thin"><color rgb="FF000000"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>
<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="3" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="3" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="164" fontId="3" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""

_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""


def _workbook() -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}>'
        f'<sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/>'
        f'<sheet name="{INFO_SHEET}" sheetId="2" r:id="rId2"/></sheets>'
        f'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">\'{SHEET}\'!$2:$2'
        "</definedName></definedNames></workbook>"
    )


def _cell(ref: str, value: Any, style: int) -> str:
    if value.__class__ is str:  # most cells: the fast path first
        if not value:
            return f'<c r="{ref}" s="{style}"/>'
        if _SPECIAL.search(value) is not None:
            value = escape(_ILLEGAL.sub("", value))
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    return _cell(ref, str(value), style)


def _sheet_head(widths: list[float], *, frozen: int, fit: bool) -> str:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    pane = (
        f'<pane ySplit="{frozen}" topLeftCell="A{frozen + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{frozen + 1}" sqref="A{frozen + 1}"/>'
    )
    props = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>{props}'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
    )


_SHEET_TAIL = (
    '<printOptions horizontalCentered="1"/>'
    '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    "<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>"
    "</worksheet>"
)


def write_ledger(
    out: str | IO[bytes],
    *,
    title: str,
    rows: Iterable[Row],
    inspections: Iterable[Mapping[str, Any]],
    with_inspection_column: bool = False,
) -> int:
    """Write the workbook to `out` (a path or a binary file); return the data row count."""
    columns = [*COLUMNS, INSPECTION_COLUMN] if with_inspection_column else list(COLUMNS)
    keys = [k for k, _ in columns]
    letters = [get_column_letter(i) for i in range(1, len(keys) + 1)]
    styles = [CENTRE if k in _CENTRED else TEXT for k in keys]
    merged_letters = [letters[keys.index(k)] for k in MERGED]
    cells = list(zip(letters, keys, styles, strict=True))
    merges = [f"A1:{letters[-1]}1"]
    count = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _workbook())
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            buffer: list[str] = [_sheet_head([WIDTHS[k] for k in keys], frozen=2, fit=True)]
            buffer.append(
                f'<row r="1" ht="36" customHeight="1">{_cell("A1", title, TITLE)}'
                + "".join(f'<c r="{c}1" s="{TITLE}"/>' for c in letters[1:])
                + "</row>"
            )
            buffer.append(
                '<row r="2">'
                + "".join(
                    _cell(f"{c}2", label, HEADER)
                    for c, (_k, label) in zip(letters, columns, strict=True)
                )
                + "</row>"
            )
            row_no = 2
            open_runs = [3, 3, 3]
            current: list[Any] = [object(), object(), object()]
            for row in rows:
                row_no += 1
                count += 1
                broke = False
                started: list[str] = []
                for level in range(3):
                    if broke or row.groups[level] != current[level]:
                        if row_no - 1 > open_runs[level]:
                            merges.append(
                                f"{merged_letters[level]}{open_runs[level]}:{merged_letters[level]}{row_no - 1}"
                            )
                        open_runs[level] = row_no
                        current[level] = row.groups[level]
                        broke = True
                        started.append(MERGED[level])
                values = row.values
                height = _height(values, started)
                buffer.append(_data_row(row_no, height, values, cells))
                if len(buffer) >= 500:
                    raw.write("".join(buffer).encode())
                    buffer.clear()
            for level in range(3):
                if row_no > open_runs[level]:
                    merges.append(
                        f"{merged_letters[level]}{open_runs[level]}:{merged_letters[level]}{row_no}"
                    )
            buffer.append("</sheetData>")
            buffer.append(f'<mergeCells count="{len(merges)}">')
            buffer.extend(f'<mergeCell ref="{m}"/>' for m in merges)
            buffer.append("</mergeCells>")
            buffer.append(_SHEET_TAIL)
            raw.write("".join(buffer).encode())
        zf.writestr("xl/worksheets/sheet2.xml", _info_sheet(inspections))
    return count


def _data_row(
    row_no: int, height: float, values: Mapping[str, Any], cells: list[tuple[str, str, int]]
) -> str:
    """One data row's XML. The common cell — a non-empty text with nothing to escape — is
    written inline: a function call per cell was a third of the export's time."""
    r = str(row_no)
    parts = [f'<row r="{r}" ht="{height}" customHeight="1">']
    search = _SPECIAL.search
    for c, k, s in cells:
        v = values.get(k)
        if v.__class__ is str and v and search(v) is None:
            parts.append(
                f'<c r="{c}{r}" s="{s}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'
            )
        elif v is None or v == "":
            parts.append(f'<c r="{c}{r}" s="{s}"/>')
        else:
            parts.append(_cell(c + r, v, s))
    parts.append("</row>")
    return "".join(parts)


#: 巡察信息's column widths (characters): the title and the organisation are long texts.
INFO_WIDTHS = {"title": 44.0, "group": 20.0, "organisation": 30.0}


def _info_sheet(inspections: Iterable[Mapping[str, Any]]) -> str:
    """巡察信息: one row per inspection, enough for the file alone to recreate it — printed
    like the ledger (A4 landscape, one page wide) with rows as tall as their wrapped text."""
    letters = [get_column_letter(i) for i in range(1, len(INFO_COLUMNS) + 1)]
    widths = [INFO_WIDTHS.get(k, 14.0) for k, _ in INFO_COLUMNS]
    parts = [_sheet_head(widths, frozen=1, fit=True)]
    parts.append(
        '<row r="1" ht="20" customHeight="1">'
        + "".join(
            _cell(f"{c}1", label, HEADER)
            for c, (_k, label) in zip(letters, INFO_COLUMNS, strict=True)
        )
        + "</row>"
    )
    for r, info in enumerate(inspections, start=2):
        lines = max(
            -(-len(text) // max(1, int(width / CJK_WIDTH)))
            for text, width in (
                (str(info.get(k) or ""), w) for (k, _), w in zip(INFO_COLUMNS, widths, strict=True)
            )
        )
        parts.append(
            f'<row r="{r}" ht="{min(LINE_POINTS * max(lines, 1) + 4, 409)}" customHeight="1">'
            + "".join(
                _cell(f"{c}{r}", info.get(k), CENTRE if k in ("level", "kind") else TEXT)
                for c, (k, _label) in zip(letters, INFO_COLUMNS, strict=True)
            )
            + "</row>"
        )
    parts.append("</sheetData>")
    parts.append(_SHEET_TAIL)
    return "".join(parts)
