"""Sample documents built on the fly for the reader tests (no binary files in the repo).

PDFs come from WeasyPrint with Debian's Noto CJK fonts, page images from rendering those
PDFs, DOCX files from python-docx's default template with a hand-written body and, where a
test needs Word's automatic numbering, a hand-written numbering.xml (python-docx cannot
write numbering).
"""

from __future__ import annotations

import hashlib
import html
import io
import struct
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'mc:Ignorable="wps"'
)

#: A GB/T 9704-like page: A4, 三号 (16 pt) type, 28 pt line pitch, two-character indent.
PAGE_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: 'Noto Serif CJK SC'; font-size: 16pt; line-height: 28pt; }
p { margin: 0; text-indent: 2em; }
"""


#: Three paragraphs for the OCR tests: a heading, and two that wrap over two or three lines.
OCR_LINES = [
    "一、提高政治站位，履行主体责任",
    "（一）统一思想，切实增强政治自觉。局党委高度重视区委巡察反馈意见的整改工作，"
    "反馈会后第一时间召开局党委会，学习传达巡察反馈会议精神。",
    "（二）加强领导，明确细化整改责任。成立整改领导小组，负责整改的协调、联系及督促检查。",
]


def similarity(expected: str, read: str) -> float:
    """How close an OCR'd paragraph is to the original, ignoring spaces and width forms
    (Tesseract reads "（一）" as "(一)")."""
    import difflib
    import unicodedata

    def norm(text: str) -> str:
        return unicodedata.normalize("NFKC", "".join(text.split()))

    return difflib.SequenceMatcher(None, norm(expected), norm(read)).ratio()


def assert_reads_as(text: str, expected: list[str], *, at_least: float = 0.9) -> None:
    """Same paragraphs, each close to the original (OCR may miss a character or two)."""
    paragraphs = text.split("\n")
    assert len(paragraphs) == len(expected), paragraphs
    for want, got in zip(expected, paragraphs, strict=True):
        assert similarity(want, got) >= at_least, (want, got)


# -- PDF and images ---------------------------------------------------------------------
def paragraphs_html(lines: Iterable[str]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def pdf_from_html(body: str, css: str = "") -> bytes:
    from weasyprint import HTML

    document = f"<html><head><meta charset='utf-8'><style>{PAGE_CSS}{css}</style></head>" \
               f"<body>{body}</body></html>"
    return HTML(string=document).write_pdf()


def render_page(pdf: bytes, *, page: int = 0, dpi: int = 200, crop: bool = True) -> Image:
    """One PDF page as a greyscale image, cropped to its text with a white margin."""
    import pdfplumber
    from PIL import ImageOps

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        image = document.pages[page].to_image(resolution=dpi, antialias=True).original
    image = image.convert("L")
    if crop:
        box = ImageOps.invert(image).getbbox()
        if box:
            margin = dpi // 4
            image = image.crop((max(0, box[0] - margin), max(0, box[1] - margin),
                                min(image.width, box[2] + margin),
                                min(image.height, box[3] + margin)))
    return image


def image_bytes(image: Image, fmt: str = "PNG", **options: object) -> bytes:
    # Copies: Pillow keeps a saved image's encoder options on the object, and a shared
    # fixture image saved as PNG once then breaks a later multi-frame TIFF save.
    if "append_images" in options:
        options["append_images"] = [frame.copy() for frame in options["append_images"]]  # type: ignore[attr-defined]
    out = io.BytesIO()
    image.copy().save(out, fmt, **options)
    return out.getvalue()


def scanned_pdf(images: list[Image], dpi: int = 200) -> bytes:
    """A PDF whose pages are only images, like a scanner's output."""
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


# -- an encrypted PDF (Standard security handler, revision 2, RC4 40-bit) ------------------
_PAD = bytes.fromhex(
    "28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A"
)


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes = b"secret") -> bytes:
    """A one-page PDF that needs `user_password` to open (PDF 1.7 §7.6.3, algorithms 2–4)."""
    doc_id = b"0123456789abcdef"
    permissions = -4
    owner_key = hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5]
    owner_entry = _rc4(owner_key, (user_password + _PAD)[:32])
    key = hashlib.md5((user_password + _PAD)[:32] + owner_entry
                      + struct.pack("<i", permissions) + doc_id).digest()[:5]
    user_entry = _rc4(key, _PAD)

    def obj_key(number: int) -> bytes:
        return hashlib.md5(key + struct.pack("<i", number)[:3] + b"\x00\x00").digest()[:10]

    stream = _rc4(obj_key(4), b"BT /F1 24 Tf 72 720 Td (Secret) Tj ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + owner_entry.hex().encode() + b"> /U <"
        + user_entry.hex().encode() + b"> /P %d >>" % permissions,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<" % (len(objects) + 1)
            + doc_id.hex().encode() + b"> <" + doc_id.hex().encode() + b">] >>\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# -- DOCX -------------------------------------------------------------------------------
def docx_from_lines(lines: Iterable[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def p(text: str = "", *, num: str | None = None, ilvl: int | None = None,
      style: str | None = None, ppr: str = "", rpr: str = "") -> str:
    """A w:p with one run; `num`/`ilvl` add a direct numPr."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        level = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
        props += f'<w:numPr>{level}<w:numId w:val="{num}"/></w:numPr>'
    props += ppr
    run = f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}<w:t xml:space=\"preserve\">" \
          f"{html.escape(text)}</w:t></w:r>" if text else ""
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{run}</w:p>"


def lvl(ilvl: int, fmt: str, text: str, *, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{html.escape(text, quote=True)}"/>{extra}</w:lvl>')


def numbering(abstracts: dict[int, str], nums: dict[int, int | tuple[int, str]]) -> str:
    """numbering.xml from abstractNum bodies and numId → abstractNumId (or (id, overrides))."""
    parts = [f'<w:abstractNum w:abstractNumId="{aid}">{body}</w:abstractNum>'
             for aid, body in abstracts.items()]
    for num_id, target in nums.items():
        aid, overrides = target if isinstance(target, tuple) else (target, "")
        parts.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{aid}"/>'
                     f"{overrides}</w:num>")
    return f'<w:numbering {NAMESPACES}>{"".join(parts)}</w:numbering>'


def docx_from_body(body: str, *, numbering_xml: str | None = None,
                   styles_xml: str | None = None) -> bytes:
    """python-docx's default package with the given body (and numbering/styles parts)."""
    template = docx_from_lines([])
    replacements = {
        "word/document.xml": f"<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>",
    }
    if numbering_xml is not None:
        replacements["word/numbering.xml"] = numbering_xml
    if styles_xml is not None:
        replacements["word/styles.xml"] = styles_xml
    return replace_members(template, replacements)


def replace_members(package: bytes, replacements: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = replacements.get(item.filename, source.read(item.filename))
            target.writestr(item, data.encode("utf-8") if isinstance(data, str) else data)
    return out.getvalue()
