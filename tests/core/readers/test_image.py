"""OCR through Debian's tesseract-ocr-chi-sim on page images rendered from sample text.

Tesseract's output is compared by structure (same paragraphs, each close to the original),
not character for character.
"""

import pytest
from PIL import Image

from tests.core.readers.samples import (
    OCR_LINES,
    assert_reads_as,
    image_bytes,
    paragraphs_html,
    pdf_from_html,
    render_page,
)
from zhenggai.core.errors import InputError
from zhenggai.core.readers import image as image_reader
from zhenggai.core.readers import read_bytes
from zhenggai.core.readers.image import (
    IMAGE_CORRUPT,
    IMAGE_NO_TEXT,
    OCR_LANGUAGE_MISSING,
    OCR_MISSING,
    _rows,
    _Word,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return pdf_from_html(paragraphs_html(OCR_LINES))


@pytest.fixture(scope="session")
def page(sample_pdf: bytes) -> Image.Image:
    """The sample as a 200 dpi scan: 三号 characters about 44 px high."""
    return render_page(sample_pdf, dpi=200)


def test_a_scan_reads_as_its_paragraphs(page):
    extracted = read_bytes(image_bytes(page), filename="scan.png")
    assert_reads_as(extracted.text, OCR_LINES)
    assert extracted.source.format == "image"
    assert extracted.source.encoding is None
    assert extracted.source.ocr_confidence is not None
    assert 0.85 <= extracted.source.ocr_confidence <= 1
    assert extracted.warnings == ()


def test_oversized_text_is_scaled_to_what_the_model_reads_best(sample_pdf):
    # At 400 dpi characters are ~90 px high: read as is, confidence drops to ~0.74 and
    # characters go wrong; scaled to ~36 px it reads like the 200 dpi scan.
    extracted = read_bytes(image_bytes(render_page(sample_pdf, dpi=400)))
    assert extracted.source.ocr_confidence is not None
    assert extracted.source.ocr_confidence >= 0.85
    assert_reads_as(extracted.text, OCR_LINES, at_least=0.97)


def test_an_upside_down_scan_is_turned_upright(page):
    extracted = read_bytes(image_bytes(page.rotate(180, expand=True)))
    assert_reads_as(extracted.text, OCR_LINES)


def test_a_photo_is_turned_by_its_exif_orientation(page, monkeypatch):
    # Orientation detection is switched off: only the EXIF tag can set the page upright.
    monkeypatch.setattr(image_reader, "ROTATION_SUSPECT_CONFIDENCE", 0.0)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    photo = page.convert("RGB").rotate(90, expand=True)
    extracted = read_bytes(image_bytes(photo, "JPEG", exif=exif, quality=95), filename="a.jpg")
    assert_reads_as(extracted.text, OCR_LINES)


def test_text_drawn_on_a_transparent_background_is_read(page):
    # Black text whose shape is in the alpha channel: flattened naively it is all black.
    transparent = Image.new("RGBA", page.size, (0, 0, 0, 0))
    transparent.putalpha(page.point(lambda v: 255 - v))
    assert_reads_as(read_bytes(image_bytes(transparent)).text, OCR_LINES)


def test_the_frames_of_a_multi_page_tiff_are_read_in_order(page):
    first = render_page(pdf_from_html(paragraphs_html(["第一页：整改工作总体情况。"])), dpi=200)
    tiff = image_bytes(first, "TIFF", save_all=True, append_images=[page])
    assert_reads_as(read_bytes(tiff).text, ["第一页：整改工作总体情况。", *OCR_LINES])


def test_a_low_confidence_read_is_reported(page, monkeypatch):
    monkeypatch.setattr(image_reader, "LOW_CONFIDENCE", 1.01)
    extracted = read_bytes(image_bytes(page))
    assert [w.code for w in extracted.warnings] == ["ocr_low_confidence"]


# -- Tesseract's segments on one baseline ---------------------------------------------------
def word(text: str, left: float, segment: int, top: float = 100) -> _Word:
    return _Word(text, 0.9, left, top, 40.0 * len(text), 40.0, segment)


def test_a_line_cut_in_two_segments_is_put_back_together():
    right_half = [word("治自觉。", 520, 0)]
    left_half = [word("统一思想，", 120, 1), word("政治", 480, 1)]
    next_line = [word("区委", 40, 2, top=160)]
    rows = _rows([right_half, left_half, next_line])
    # "治" was read by both segments where they overlap: kept once.
    assert ["".join(w.text for w in row) for row in rows] == ["统一思想，政治自觉。", "区委"]


def test_overlapping_boxes_within_one_segment_are_kept():
    rows = _rows([[word("召开", 100, 0), word("局党委", 175, 0)]])
    assert "".join(w.text for w in rows[0]) == "召开局党委"


# -- bad input and a missing engine ---------------------------------------------------------------
def test_a_damaged_image_is_refused():
    with pytest.raises(InputError, match=f"^bad.png: {IMAGE_CORRUPT}$"):
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, filename="bad.png")


def test_a_blank_image_is_refused():
    blank = Image.new("L", (800, 600), 255)
    with pytest.raises(InputError, match=f"^blank.png: {IMAGE_NO_TEXT}$"):
        read_bytes(image_bytes(blank), filename="blank.png")


def test_too_many_frames_are_refused_before_any_ocr(page, monkeypatch):
    monkeypatch.setattr(image_reader, "MAX_IMAGE_PAGES", 1)
    tiff = image_bytes(page, "TIFF", save_all=True, append_images=[page])
    with pytest.raises(InputError, match="图片共 2 页，超过 OCR 识别上限 1 页"):
        read_bytes(tiff, filename="many.tif")


def test_a_missing_tesseract_is_named(page, monkeypatch):
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(InputError, match=f"^scan.png: {OCR_MISSING}$"):
        read_bytes(image_bytes(page), filename="scan.png")


def test_a_missing_language_model_is_named(page, monkeypatch):
    monkeypatch.setattr(image_reader, "OCR_LANGUAGE", "zz_missing")
    with pytest.raises(InputError, match=f"^scan.png: {OCR_LANGUAGE_MISSING}"):
        read_bytes(image_bytes(page), filename="scan.png")
