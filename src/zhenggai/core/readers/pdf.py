"""PDF: the text layer through pdfplumber, OCR for pages that have none (scans).

A page whose text layer is missing, or is mostly unmapped glyphs ("(cid:123)", private-use
characters: a font without a ToUnicode table), is rendered and read by OCR, so a scanned
announcement and a mixed file (typed pages plus a scanned, stamped last page) both work.
Wrapped lines are joined back into paragraphs by `layout.paragraphs`.
"""

from __future__ import annotations

import io
import re
import statistics
from typing import Any

from zhenggai.core.document import Warning
from zhenggai.core.errors import InputError
from zhenggai.core.readers import ExtractedText, make_source
from zhenggai.core.readers.layout import (
    Line,
    Page,
    chunk_length,
    fix_lookalike_ideographs,
    paragraphs,
    squeeze_cjk_spaces,
)

PDF_CORRUPT = "不是有效的 PDF 文件（已损坏或不完整）"
PDF_ENCRYPTED = "PDF 文件设有打开密码，请提供未加密的文件"
PDF_NO_PAGES = "PDF 文件没有页面"
PDF_NO_TEXT = "PDF 中没有可识别的文字"
PDF_TOO_MANY_OCR_PAGES = "PDF 中有 {count} 页是扫描图像，超过 OCR 识别上限 {limit} 页，请拆分后分别导入"

#: Scanned pages are OCRed at about 6 s each on two cores: past this many, refuse.
MAX_OCR_PAGES = 40
#: Resolution for rendering a scanned page: official 三号 text is then ~40 px high,
#: where Tesseract's chi_sim model reads best (300 dpi reads worse, see `image.py`).
OCR_DPI = 200
#: Above this share of unmapped glyphs a page's text layer is taken as unusable.
MAX_UNMAPPED_SHARE = 0.2

#: A page mostly covered by images with fewer characters than this is taken as a scan.
SCAN_MIN_IMAGE_SHARE = 0.5
SCAN_MAX_TEXT_CHARS = 40

_CID = re.compile(r"\(cid:\d+\)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def read_pdf(data: bytes, *, filename: str | None = None) -> ExtractedText:
    """Read a PDF; raises InputError (naming the file) when it cannot be read."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    name = filename or "输入"
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        # pdfplumber wraps pdfminer's error: PdfminerException(PDFPasswordIncorrect()).
        causes = (exc, *exc.args, exc.__context__)
        if any(isinstance(cause, PDFPasswordIncorrect) for cause in causes):
            raise InputError(f"{name}: {PDF_ENCRYPTED}") from None
        raise InputError(f"{name}: {PDF_CORRUPT}") from None
    with pdf:
        try:
            pdf_pages = list(pdf.pages)
        except Exception:
            raise InputError(f"{name}: {PDF_CORRUPT}") from None
        if not pdf_pages:
            raise InputError(f"{name}: {PDF_NO_PAGES}")
        pages: list[Page] = []
        to_ocr: list[int] = []
        for number, pdf_page in enumerate(pdf_pages, start=1):
            try:
                page = _text_page(pdf_page)
            except Exception:
                raise InputError(f"{name}: 第 {number} 页 {PDF_CORRUPT}") from None
            if _is_scan(pdf_page, page):
                to_ocr.append(number)
            pages.append(page or Page(float(pdf_page.width), float(pdf_page.height), ()))
        if len(to_ocr) > MAX_OCR_PAGES:
            raise InputError(
                f"{name}: {PDF_TOO_MANY_OCR_PAGES.format(count=len(to_ocr), limit=MAX_OCR_PAGES)}"
            )
        confidences: list[tuple[float, int]] = []
        for number in to_ocr:
            pages[number - 1], confidence, chars = _ocr_page(pdf_pages[number - 1], name, number)
            confidences.append((confidence, chars))

    text, fixed = fix_lookalike_ideographs("\n".join(paragraphs(pages)))
    if not text.strip():
        raise InputError(f"{name}: {PDF_NO_TEXT}")
    warnings: list[Warning] = []
    ocr_confidence = None
    if to_ocr:
        total = sum(chars for _, chars in confidences) or 1
        ocr_confidence = round(sum(c * n for c, n in confidences) / total, 3)
        listed = "、".join(str(n) for n in to_ocr)
        warnings.append(Warning(
            "pdf_ocr",
            f"第 {listed} 页是扫描图像，已用 OCR 识别（可信度 {ocr_confidence:.0%}），请对照原件核对",
        ))
    if fixed:
        warnings.append(Warning(
            "pdf_lookalike_characters",
            f"PDF 文字层用了 {fixed} 个部首形近字符（如“⼀”代替“一”），已换成对应的汉字",
        ))
    return ExtractedText(
        text=text,
        source=make_source(data, "pdf", filename=filename, ocr_confidence=ocr_confidence),
        warnings=tuple(warnings),
    )


def _text_page(pdf_page: Any) -> Page | None:
    """The page's text lines, or None when it has no usable text layer."""
    raw = pdf_page.extract_text_lines(strip=True, return_chars=True)
    glyphs = sum(len(line["chars"]) for line in raw)
    if not glyphs:
        return None
    unmapped = sum(len(_CID.findall(line["text"])) + len(_PRIVATE_USE.findall(line["text"]))
                   for line in raw)
    if unmapped / glyphs > MAX_UNMAPPED_SHARE:
        return None
    lines = []
    for line in raw:
        text = squeeze_cjk_spaces(line["text"])
        if not text:
            continue
        chars = [c for c in line["chars"] if c["text"].strip()]
        em = statistics.median(float(c["size"]) for c in chars) if chars else 0.0
        # Measured to the next glyph's start, so letter-spacing counts as it did for the
        # typesetter that decided the break.
        k = min(chunk_length(text), len(chars))
        end = float(chars[k]["x0"]) if k < len(chars) else float(chars[-1]["x1"])
        chunk = end - float(chars[0]["x0"]) if chars else 0.0
        lines.append(Line(
            text=text,
            x0=float(line["x0"]),
            x1=float(line["x1"]),
            top=float(line["top"]),
            bottom=float(line["bottom"]),
            em=em,
            first_chunk=chunk,
        ))
    return Page(float(pdf_page.width), float(pdf_page.height), tuple(lines))


def _is_scan(pdf_page: Any, page: Page | None) -> bool:
    """A page to OCR: images and no usable text, or a page-sized image under a few words
    (a scanner's footer, a page number) that are not the page's content."""
    if not pdf_page.images:
        return False
    if page is None:
        return True
    if sum(len(line.text) for line in page.lines) >= SCAN_MAX_TEXT_CHARS:
        return False
    area = float(pdf_page.width) * float(pdf_page.height) or 1.0
    covered = sum(
        max(0.0, min(float(i["x1"]), float(pdf_page.width)) - max(float(i["x0"]), 0.0))
        * max(0.0, min(float(i["bottom"]), float(pdf_page.height)) - max(float(i["top"]), 0.0))
        for i in pdf_page.images
    )
    return covered / area >= SCAN_MIN_IMAGE_SHARE


def _ocr_page(pdf_page: Any, name: str, number: int) -> tuple[Page, float, int]:
    from zhenggai.core.readers.image import MAX_OCR_SIDE, ocr_image

    longest = max(float(pdf_page.width), float(pdf_page.height)) or 1.0
    dpi = min(OCR_DPI, int(MAX_OCR_SIDE * 72 / longest))
    image = pdf_page.to_image(resolution=dpi, antialias=True).original
    result = ocr_image(image, name=f"{name} 第 {number} 页")
    return result.page, result.confidence, result.chars
