import base64

import pytest

from tests.core.readers.samples import (
    OCR_LINES,
    assert_reads_as,
    encrypted_pdf,
    image_bytes,
    paragraphs_html,
    pdf_from_html,
    render_page,
    scanned_pdf,
)
from zhenggai.core.errors import InputError
from zhenggai.core.readers import pdf as pdf_reader
from zhenggai.core.readers import read_bytes
from zhenggai.core.readers.pdf import PDF_CORRUPT, PDF_ENCRYPTED, PDF_NO_TEXT

TITLE = "关于巡察整改情况的通报"


@pytest.fixture(scope="session")
def seed_lines(seed_text: str) -> list[str]:
    return seed_text.splitlines()


@pytest.fixture(scope="session")
def seed_pdf(seed_lines: list[str]) -> bytes:
    # Page numbers in the footer, as official documents print them ("— 3 —").
    return pdf_from_html(paragraphs_html(seed_lines),
                         "@page { @bottom-center { content: '— ' counter(page) ' —'; } }")


@pytest.fixture(scope="session")
def ocr_page_image():
    return render_page(pdf_from_html(paragraphs_html(OCR_LINES)), dpi=200, crop=False)


# -- the seed, end to end -------------------------------------------------------------------
def test_the_seed_as_pdf_reads_back_paragraph_for_paragraph(seed_pdf, seed_lines):
    extracted = read_bytes(seed_pdf, filename="seed.pdf")
    # Fourteen pages: paragraphs run over page breaks and the page numbers are gone.
    assert extracted.text.split("\n") == seed_lines
    assert (extracted.source.format, extracted.source.ocr_confidence) == ("pdf", None)
    assert extracted.warnings == ()


def test_the_seed_as_pdf_parses_to_the_same_tree_as_the_text(seed_pdf, seed_path):
    from zhenggai.core.document import tree_signature
    from zhenggai.core.parser import parse_extracted, parse_file

    document = parse_extracted(read_bytes(seed_pdf, filename="seed.pdf"))
    assert tree_signature(document) == tree_signature(parse_file(seed_path))
    assert document.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}


@pytest.mark.parametrize(
    "css",
    [
        # No first-line indent: paragraphs are told apart by the space between them.
        "p { text-indent: 0; margin-bottom: 8pt; }",
        # No indent and no spacing: only short last lines and heading markers tell.
        "p { text-indent: 0; }",
        # Letter-spaced text, "第 N 页 共 M 页" in the corner.
        "p { letter-spacing: 1.5pt; } @page { @bottom-right { content: '第 ' counter(page)"
        " ' 页 共 ' counter(pages) ' 页'; } }",
        # A smaller regular-script face with a tighter line pitch.
        "body { font-family: 'AR PL UKai CN'; font-size: 12pt; line-height: 20pt; }",
    ],
    ids=["flush-spaced", "flush-tight", "letter-spaced", "kai-small"],
)
def test_other_layouts_of_the_seed_read_back_the_same(css, seed_lines):
    body = f"<h1>{TITLE}</h1>{paragraphs_html(seed_lines)}"
    style = "h1 { font: 22pt 'Noto Sans CJK SC'; text-align: center; margin: 0 0 28pt; }" + css
    assert read_bytes(pdf_from_html(body, style)).text.split("\n") == [TITLE, *seed_lines]


def test_kangxi_radical_lookalikes_are_replaced_and_reported():
    extracted = read_bytes(pdf_from_html("<p>⼀、⼯作⽅⾯</p>"))
    assert extracted.text == "一、工作方面"
    assert [w.code for w in extracted.warnings] == ["pdf_lookalike_characters"]


def test_latin_words_keep_their_spaces():
    extracted = read_bytes(pdf_from_html("<p>请发送至 lcgb2012@163.com or call the office</p>"))
    assert extracted.text == "请发送至lcgb2012@163.com or call the office"


# -- scans ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_scanned_page_among_typed_pages_is_read_by_ocr(ocr_page_image):
    png = base64.b64encode(image_bytes(ocr_page_image)).decode()
    body = (
        "<p>第一页是文字。</p>"
        '<img style="display: block; page-break-before: always; width: 180mm"'
        f' src="data:image/png;base64,{png}">'
        # A scanner's footer: a few words of text layer on the page that is one image.
        "<p style='font-size: 8pt; line-height: 10pt'>扫描件</p>"
    )
    data = pdf_from_html(body, "@page { margin: 10mm; }")
    extracted = read_bytes(data, filename="mixed.pdf")
    assert extracted.text.split("\n")[0] == "第一页是文字。"
    assert_reads_as("\n".join(extracted.text.split("\n")[1:4]), OCR_LINES)
    assert [w.code for w in extracted.warnings] == ["pdf_ocr"]
    assert extracted.warnings[0].message.startswith("第 2 页是扫描图像")
    assert extracted.source.ocr_confidence is not None
    assert 0.8 <= extracted.source.ocr_confidence <= 1


def test_too_many_scanned_pages_are_refused_before_any_ocr(monkeypatch, ocr_page_image):
    monkeypatch.setattr(pdf_reader, "MAX_OCR_PAGES", 1)
    data = scanned_pdf([ocr_page_image, ocr_page_image])
    with pytest.raises(InputError, match="有 2 页是扫描图像，超过 OCR 识别上限 1 页"):
        read_bytes(data, filename="scan.pdf")


# -- bad input ----------------------------------------------------------------------------------
def test_a_pdf_with_an_open_password_is_refused():
    with pytest.raises(InputError, match=f"^locked.pdf: {PDF_ENCRYPTED}$"):
        read_bytes(encrypted_pdf(), filename="locked.pdf")


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really a pdf\n", b"%PDF-"])
def test_a_broken_pdf_is_refused(data):
    with pytest.raises(InputError, match=f"^broken.pdf: {PDF_CORRUPT}$"):
        read_bytes(data, filename="broken.pdf")


def test_a_truncated_pdf_is_refused(seed_pdf):
    with pytest.raises(InputError, match=PDF_CORRUPT):
        read_bytes(seed_pdf[: len(seed_pdf) // 3], filename="cut.pdf")


def test_a_pdf_without_text_or_images_is_refused():
    with pytest.raises(InputError, match=f"^blank.pdf: {PDF_NO_TEXT}$"):
        read_bytes(pdf_from_html("<p> </p>"), filename="blank.pdf")
