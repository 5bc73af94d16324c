"""Write an `OfficialDocument` as PDF, in the GB/T 9704-2012 layout, through WeasyPrint.

The PDF is drawn with the faces `fonts/fonts.conf` maps the office font names to (an
office adds its licensed fonts through $ZHENGGAI_FONT_DIR). WeasyPrint is imported when a
PDF is written, not when this module is.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from html import escape
from pathlib import Path

from zhenggai.core.errors import InputError
from zhenggai.core.official_document import (
    BODY_PT,
    CHAR_PITCH_PT,
    FONT_BODY,
    FONT_H1,
    FONT_H2,
    FONT_PAGE_NO,
    FONT_TITLE,
    LETTER_SPACING_PT,
    LINE_PT,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    PAGE_NO_GAP_MM,
    PAGE_NO_PT,
    TITLE_PT,
    Block,
    OfficialDocument,
)

FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"
FONT_DIR_ENV = "ZHENGGAI_FONT_DIR"
#: Where the dashes' stroke sits under the top of the number's one-em line box (0.65 em,
#: measured on the 300 dpi rendering of Noto Serif CJK, the stand-in for 宋体).
PAGE_NO_DASH_EM = 0.65
#: The number's line box starts this far under the type area, so that the dashes stand
#: 7 mm under it (§7.5).
PAGE_NO_TOP_PT = PAGE_NO_GAP_MM * 72 / 25.4 - PAGE_NO_DASH_EM * PAGE_NO_PT


def _css() -> str:
    page_no = (
        f'content: "— " counter(page) " —"; font-family: "{FONT_PAGE_NO}"; '
        f"font-size: {PAGE_NO_PT}pt; line-height: {PAGE_NO_PT}pt; vertical-align: top; "
        f"padding-top: {PAGE_NO_TOP_PT:.2f}pt; letter-spacing: 0; white-space: nowrap; "
        "width: 8em;"
    )
    two_chars = f"{2 * CHAR_PITCH_PT:.2f}pt"
    return f"""
@page {{
  size: A4;
  margin: {MARGIN_TOP_MM}mm {MARGIN_RIGHT_MM}mm {MARGIN_BOTTOM_MM}mm {MARGIN_LEFT_MM}mm;
}}
@page :right {{ @bottom-right {{ {page_no} text-align: right; padding-right: {PAGE_NO_PT}pt; }} }}
@page :left {{ @bottom-left {{ {page_no} text-align: left; padding-left: {PAGE_NO_PT}pt; }} }}
html {{
  font-family: "{FONT_BODY}"; font-size: {BODY_PT}pt; line-height: {LINE_PT}pt;
  letter-spacing: {LETTER_SPACING_PT}pt; orphans: 1; widows: 1;
}}
body {{ margin: 0; }}
p {{ margin: 0; }}
p.title {{
  font-family: "{FONT_TITLE}"; font-size: {TITLE_PT}pt; text-align: center; letter-spacing: 0;
}}
p.title.last, p.number {{ margin-bottom: {LINE_PT}pt; }}
p.number {{ text-align: center; }}
p.para {{ text-indent: {two_chars}; text-align: justify; }}
p.keep {{ break-after: avoid; }}
span.h1 {{ font-family: "{FONT_H1}"; }}
span.h2 {{ font-family: "{FONT_H2}"; }}
span.h3, span.label {{ font-weight: bold; }}
div.sign {{
  display: table; margin: {LINE_PT}pt {two_chars} 0 auto; break-inside: avoid;
  break-before: avoid;
}}
div.issuer {{ display: table; text-align: right; }}
div.sign p {{ white-space: nowrap; }}
div.sign p.date {{ padding-left: {two_chars}; }}
"""


def _runs(block: Block) -> str:
    return "".join(
        escape(r.text) if r.role == "body" else f'<span class="{r.role}">{escape(r.text)}</span>'
        for r in block.runs
    )


def official_html(document: OfficialDocument) -> str:
    """The HTML WeasyPrint draws.

    The closing is a shrink-wrapped box two characters from the right: the issuer's lines
    right-aligned in it, the date two characters in from their start (§7.3.5.2), so a
    date longer than the issuer widens the box and pushes the issuer left.
    """
    body: list[str] = []
    titles = document.title_lines
    for i, line in enumerate(titles):
        last = " last" if i == len(titles) - 1 else ""
        body.append(f'<p class="title{last}">{escape(line)}</p>')
    if document.number:
        body.append(f'<p class="number">{escape(document.number)}</p>')
    if document.addressee_line:
        body.append(f'<p class="addressee">{escape(document.addressee_line)}</p>')
    for block in document.body:
        keep = " keep" if block.keep_with_next else ""
        body.append(f'<p class="para{keep}">{_runs(block)}</p>')
    sign: list[str] = []
    if document.issuer_lines:
        lines = "".join(f"<p>{escape(line)}</p>" for line in document.issuer_lines)
        sign.append(f'<div class="issuer">{lines}</div>')
    if document.date_text:
        sign.append(f'<p class="date">{escape(document.date_text)}</p>')
    if sign:
        body.append(f'<div class="sign">{"".join(sign)}</div>')
    title = escape(document.label or document.issuer or "")
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{title}</title><meta name="author" content="{escape(document.issuer or "")}">'
        f"<style>{_css()}</style></head><body>{''.join(body)}</body></html>"
    )


def fontconfig_file() -> Path:
    """The fonts.conf to use: the project's, wrapped to add $ZHENGGAI_FONT_DIR when set.

    fontconfig cannot read environment variables inside a config file, so an office's
    licensed font folder is added by a small generated file that includes ours.
    """
    extra = os.environ.get(FONT_DIR_ENV, "").strip()
    if not extra:
        return FONTS_CONF
    folder = Path(extra).expanduser().resolve()
    if not folder.is_dir():
        raise InputError(f"{FONT_DIR_ENV} 指向的字体目录不存在：{folder}")
    content = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>\n  <dir>{escape(str(folder))}</dir>\n"
        f"  <include>{escape(str(FONTS_CONF))}</include>\n</fontconfig>\n"
    )
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    wrapper = Path(tempfile.gettempdir()) / f"zhenggai-fonts-{digest}.conf"
    if not wrapper.is_file() or wrapper.read_text(encoding="utf-8") != content:
        tmp = wrapper.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(wrapper)
    return wrapper


def official_pdf(document: OfficialDocument) -> bytes:
    """The document as PDF bytes, drawn by WeasyPrint with the project's font mapping."""
    # fontconfig reads FONTCONFIG_FILE when WeasyPrint builds its font map; a value set by
    # the operator wins.
    os.environ.setdefault("FONTCONFIG_FILE", str(fontconfig_file()))
    try:
        import weasyprint
    except ImportError:
        raise InputError(
            "生成 PDF 需要 WeasyPrint：pip install weasyprint（或 pip install -e '.[dev]'）"
        ) from None
    except OSError as exc:
        raise InputError(
            "生成 PDF 需要 WeasyPrint 的系统库 Pango（Debian：apt-get install -y "
            f"libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0）：{exc}"
        ) from None
    pdf: bytes = weasyprint.HTML(string=official_html(document)).write_pdf()
    return pdf
