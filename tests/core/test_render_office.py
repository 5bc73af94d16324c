"""DOCX and PDF of the seed announcement in the GB/T 9704-2012 layout (render_office)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from tests.core.official_layout import assert_docx_layout, assert_pdf_layout
from zhenggai.core import official_document, official_pdf, render_office
from zhenggai.core.document import Document
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_file
from zhenggai.core.render_formats import render_document

ISSUER = "中共蚌埠市龙子湖区城市管理局委员会"


@pytest.fixture(scope="module")
def seed_document(seed_path: Path) -> Document:
    return parse_file(seed_path)


@pytest.fixture(scope="module")
def seed_docx(seed_document: Document):
    return open_docx(io.BytesIO(render_document(seed_document, fmt="docx")))


@pytest.fixture(scope="module")
def seed_pdf(seed_document: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "seed.pdf"
    path.write_bytes(render_document(seed_document, fmt="pdf"))
    return path


def _east_asia_fonts(paragraph) -> list[str]:
    """The `w:eastAsia` font of each run (the attribute Word uses for Chinese text)."""
    fonts = []
    for run in paragraph.runs:
        rfonts = run._element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        fonts.append(rfonts.get(qn("w:eastAsia")) if rfonts is not None else None)
    return fonts


def _find(paragraphs, prefix: str):
    return next(p for p in paragraphs if p.text.startswith(prefix))


def test_docx_page_setup_is_gbt_9704(seed_docx):
    assert_docx_layout(seed_docx)


def test_docx_headings_in_order_with_their_faces(seed_docx, seed_document):
    paragraphs = seed_docx.paragraphs
    texts = [p.text for p in paragraphs]

    def index(prefix: str) -> int:
        return next(i for i, t in enumerate(texts) if t.startswith(prefix))

    parts = ["一、提高政治站位", "二、坚持问题导向", "三、完善长效机制"]
    aspects = [f"{a.marker}{a.title}" for a in seed_document.aspects]
    problems = [f"{p.marker}{p.title}" for p in seed_document.problems()]
    assert len(aspects) == 6 and len(problems) == 12
    # 一、 → 二、 → each aspect followed by its problems → 三、, in document order.
    order = [index(parts[0]), index(parts[1])]
    for aspect in seed_document.aspects:
        order.append(index(f"{aspect.marker}{aspect.title}"))
        order += [index(f"{p.marker}{p.title}") for p in aspect.problems]
    order.append(index(parts[2]))
    assert order == sorted(order) and len(set(order)) == len(order)

    for prefix in parts:
        assert _east_asia_fonts(_find(paragraphs, prefix)) == ["黑体"]
    for heading in aspects:
        assert _east_asia_fonts(_find(paragraphs, heading)) == ["楷体_GB2312"]
    for heading in problems:
        paragraph = _find(paragraphs, heading)
        assert _east_asia_fonts(paragraph)[0] == "仿宋_GB2312"
        assert paragraph.runs[0].bold
    # A run-in level-2 heading: 楷体 for the heading, 仿宋 for the text after it.
    assert _east_asia_fonts(_find(paragraphs, "(一)统一思想")) == ["楷体_GB2312", "仿宋_GB2312"]
    answer = _find(paragraphs, "整改情况：一是压紧压实责任")
    assert answer.runs[0].text == "整改情况：" and answer.runs[0].bold
    body = _find(paragraphs, "按照区委统一部署")
    assert _east_asia_fonts(body) == ["仿宋_GB2312"]
    assert body.paragraph_format.first_line_indent.pt == pytest.approx(32, abs=1)


def test_docx_ends_with_signature_and_date_right_aligned(seed_docx):
    paragraphs = [p for p in seed_docx.paragraphs if p.text]
    signature, date = paragraphs[-2], paragraphs[-1]
    assert signature.text == ISSUER
    assert date.text == "2020年11月25日"
    assert signature.alignment == date.alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    # No seal (§7.3.5.2): the issuer two characters from the right, the date starting two
    # characters to the right of the issuer's first character.
    pitch = official_document.CHAR_PITCH_PT
    assert signature.paragraph_format.right_indent.pt == pytest.approx(2 * pitch, abs=0.5)
    assert date.paragraph_format.right_indent.pt == pytest.approx(10 * pitch, abs=0.5)


def test_pdf_of_the_seed(seed_pdf):
    data = seed_pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert_pdf_layout(seed_pdf)
    with pdfplumber.open(seed_pdf) as pdf:
        assert len(pdf.pages) >= 2
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    text = subprocess.run(
        ["pdftotext", "-layout", str(seed_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "党的政治建设方面" in flat
    assert ISSUER in flat
    assert "—1—" in flat and "—2—" in flat


def test_pdf_embeds_cjk_faces_not_a_fallback(seed_pdf):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed: cannot list the PDF's fonts")
    out = subprocess.run(
        ["pdffonts", str(seed_pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = out.splitlines()[2:]
    names = [row.split()[0] for row in rows]
    assert names, out
    cjk = re.compile(r"CJK|UKai|WenKai|FangSong|Fangsong|KaiTi|SimHei|SimSun|XiaoBiaoSong", re.I)
    assert all(cjk.search(name) for name in names), out
    assert not any(re.search(r"DejaVu|Liberation|LastResort", name) for name in names), out
    assert all(" yes " in f" {row} " for row in rows), "every font must be embedded"
    # Each heading level gets its own face: serif body, sans 黑体, kai 楷体, bold title/h3.
    assert any("Sans" in n for n in names) and any("Serif" in n for n in names)
    assert any("Kai" in n for n in names)


def test_fontconfig_maps_the_office_names():
    conf = official_pdf.FONTS_CONF.read_text(encoding="utf-8")
    assert "/etc/fonts/fonts.conf" in conf
    for name in ("仿宋_GB2312", "FangSong", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"):
        assert f"<family>{name}</family>" in conf


def test_extra_font_dir_is_added_through_a_wrapper(tmp_path, monkeypatch):
    monkeypatch.setenv(official_pdf.FONT_DIR_ENV, str(tmp_path))
    wrapper = official_pdf.fontconfig_file()
    text = wrapper.read_text(encoding="utf-8")
    assert f"<dir>{tmp_path}</dir>" in text
    assert str(official_pdf.FONTS_CONF) in text
    monkeypatch.setenv(official_pdf.FONT_DIR_ENV, str(tmp_path / "missing"))
    with pytest.raises(InputError, match="ZHENGGAI_FONT_DIR"):
        official_pdf.fontconfig_file()


def test_unknown_format_is_an_input_error(seed_document):
    with pytest.raises(InputError):
        render_office.render(seed_document, fmt="odt")


def test_missing_weasyprint_names_what_to_install(seed_document, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(InputError, match="libpango"):
        render_office.render(seed_document, fmt="pdf")
