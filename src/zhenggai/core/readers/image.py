"""Images (PNG, JPEG, TIFF, BMP, WebP): OCR with Tesseract's chi_sim model.

Photos and scans come at any size, while chi_sim reads best when characters are 30–50 px
high (measured on this project's test page: 25 px loses a third of the text, 67 px — a
300 dpi scan of 三号 type — drops confidence from 93 to 85). A page that reads badly may be
upside down or sideways: Tesseract's orientation detection is asked, and the rotated read
replaces the first when it is better. Then the text height is measured and, when it is far
off, the image is rescaled and read again; the better read wins.
Tesseract puts spaces between Han characters; they are removed, spaces between Latin words
are kept. Lines are joined into paragraphs by `layout.paragraphs`.
"""

from __future__ import annotations

import io
import statistics
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from zhenggai.core.document import Warning
from zhenggai.core.errors import InputError
from zhenggai.core.readers import ExtractedText, make_source
from zhenggai.core.readers.layout import Line, Page, chunk_length, paragraphs, squeeze_cjk_spaces

if TYPE_CHECKING:
    from PIL.Image import Image

IMAGE_CORRUPT = "不是可读取的图片（文件已损坏或格式不受支持）"
IMAGE_TOO_LARGE = "图片像素过多，无法识别"
IMAGE_NO_TEXT = "图片中没有识别出文字"
IMAGE_TOO_MANY_PAGES = "图片共 {count} 页，超过 OCR 识别上限 {limit} 页，请拆分后分别导入"
OCR_MISSING = "无法进行文字识别：未安装 OCR 引擎 tesseract（需要 Debian 软件包 tesseract-ocr 和 tesseract-ocr-chi-sim）"
OCR_LANGUAGE_MISSING = "无法进行文字识别：缺少简体中文识别模型（需要 Debian 软件包 tesseract-ocr-chi-sim）"
OCR_TIMEOUT = "文字识别超时（超过 {seconds} 秒）"
OCR_FAILED = "文字识别失败：{detail}"

OCR_LANGUAGE = "chi_sim"
#: Seconds Tesseract may spend on one page before the read is abandoned.
OCR_TIMEOUT_SECONDS = 180
#: Pages of a multi-page TIFF that are read at most (a scanned PDF has its own limit).
MAX_IMAGE_PAGES = 40
#: Longest side sent to Tesseract; bigger photos are scaled down first (time, not quality).
MAX_OCR_SIDE = 4000
#: Median word height (px) the rescaling aims at, and the band left alone.
TARGET_TEXT_HEIGHT = 36
TEXT_HEIGHT_BAND = (24, 56)
#: Below this confidence a warning asks the user to check the text against the original.
LOW_CONFIDENCE = 0.6
#: Lines read with less confidence than this are specks and stains, not text.
NOISE_CONFIDENCE = 0.2
#: Below this confidence a rotated page is suspected and orientation detection is tried.
ROTATION_SUSPECT_CONFIDENCE = 0.5


@dataclass(frozen=True)
class OcrResult:
    """One page as read: its lines with positions, the mean word confidence (0–1, weighted
    by characters) and the number of characters read."""

    page: Page
    confidence: float
    chars: int
    text_height: float


def read_image(data: bytes, *, filename: str | None = None) -> ExtractedText:
    """OCR an image file; raises InputError (naming the file) when it cannot be read."""
    from PIL import Image as PILImage
    from PIL import ImageSequence

    name = filename or "输入"
    try:
        image = PILImage.open(io.BytesIO(data))
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except PILImage.DecompressionBombError:
        raise InputError(f"{name}: {IMAGE_TOO_LARGE}") from None
    except (OSError, ValueError, SyntaxError):
        raise InputError(f"{name}: {IMAGE_CORRUPT}") from None
    if len(frames) > MAX_IMAGE_PAGES:
        raise InputError(
            f"{name}: {IMAGE_TOO_MANY_PAGES.format(count=len(frames), limit=MAX_IMAGE_PAGES)}"
        )
    results = []
    for number, frame in enumerate(frames, start=1):
        label = name if len(frames) == 1 else f"{name} 第 {number} 页"
        results.append(ocr_image(frame, name=label))
    text = "\n".join(paragraphs([r.page for r in results]))
    chars = sum(r.chars for r in results)
    if not text.strip() or not chars:
        raise InputError(f"{name}: {IMAGE_NO_TEXT}")
    confidence = round(sum(r.confidence * r.chars for r in results) / chars, 3)
    warnings = []
    if confidence < LOW_CONFIDENCE:
        warnings.append(Warning(
            "ocr_low_confidence",
            f"OCR 识别可信度较低（{confidence:.0%}），请对照原件核对文字",
        ))
    return ExtractedText(
        text=text,
        source=make_source(data, "image", filename=filename, ocr_confidence=confidence),
        warnings=tuple(warnings),
    )


def ocr_image(image: Image, *, name: str) -> OcrResult:
    """Read one page image; used for image files and for scanned PDF pages."""
    from PIL import ImageOps

    try:
        image = ImageOps.exif_transpose(image)
        image = _flatten(image)
    except OSError:
        raise InputError(f"{name}: {IMAGE_CORRUPT}") from None
    image = _fit(image, 1.0)
    best = _read(image, name)
    if best.confidence < ROTATION_SUSPECT_CONFIDENCE:
        angle = _orientation(image, name)
        if angle:
            rotated_image = image.rotate(angle, expand=True)
            rotated = _read(rotated_image, name)
            # Confidence alone: an upside-down read is noise, its length means nothing.
            if rotated.confidence > best.confidence:
                image, best = rotated_image, rotated
    low, high = TEXT_HEIGHT_BAND
    if best.chars and not low <= best.text_height <= high:
        rescaled = _read(_fit(image, TARGET_TEXT_HEIGHT / best.text_height), name)
        if _better(rescaled, best):
            best = rescaled
    return best


def _better(candidate: OcrResult, current: OcrResult) -> bool:
    """Higher confidence wins, unless it was bought by reading much less of the page."""
    return candidate.confidence > current.confidence and candidate.chars >= 0.9 * current.chars


def _flatten(image: Image) -> Image:
    """Greyscale on white: transparent pixels of a PNG would otherwise turn black."""
    from PIL import Image as PILImage

    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = PILImage.alpha_composite(background, rgba)
    return image.convert("L")


def _fit(image: Image, scale: float) -> Image:
    from PIL import Image as PILImage

    longest = max(image.size)
    scale = min(scale, MAX_OCR_SIDE / longest)
    if abs(scale - 1.0) < 0.05:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, PILImage.Resampling.LANCZOS)


def _tesseract(call: Any, image: Image, name: str, **kwargs: Any) -> Any:
    import pytesseract

    try:
        return call(image, lang=OCR_LANGUAGE, timeout=OCR_TIMEOUT_SECONDS, **kwargs)
    except pytesseract.TesseractNotFoundError:
        raise InputError(f"{name}: {OCR_MISSING}") from None
    except pytesseract.TesseractError as exc:
        detail = str(exc.message or exc).strip().splitlines()
        if any("Failed loading language" in line for line in detail):
            raise InputError(f"{name}: {OCR_LANGUAGE_MISSING}") from None
        raise InputError(f"{name}: {OCR_FAILED.format(detail=detail[-1] if detail else exc)}") from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise InputError(f"{name}: {OCR_TIMEOUT.format(seconds=OCR_TIMEOUT_SECONDS)}") from None
        raise


@dataclass(frozen=True)
class _Word:
    """A word box from Tesseract (for chi_sim a run of characters)."""

    text: str
    conf: float
    left: float
    top: float
    width: float
    height: float
    #: Which of Tesseract's lines the word came from.
    segment: int = 0

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


def _read(image: Image, name: str) -> OcrResult:
    import pytesseract

    data = _tesseract(
        pytesseract.image_to_data, image, name, config="--psm 3",
        output_type=pytesseract.Output.DICT,
    )
    segments: dict[tuple[int, int, int, int], list[_Word]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= 0:
            key = (data["page_num"][i], data["block_num"][i], data["par_num"][i], data["line_num"][i])
            segment = list(segments).index(key) if key in segments else len(segments)
            segments.setdefault(key, []).append(_Word(
                word.strip(), float(data["conf"][i]) / 100, float(data["left"][i]),
                float(data["top"][i]), float(data["width"][i]), float(data["height"][i]),
                segment))
    lines: list[Line] = []
    weighted = 0.0
    chars = 0
    heights: list[float] = []
    for words in _rows(list(segments.values())):
        text = squeeze_cjk_spaces(" ".join(w.text for w in words))
        if not text or statistics.mean(w.conf for w in words) < NOISE_CONFIDENCE:
            continue
        weighted += sum(w.conf * len(w.text) for w in words)
        chars += sum(len(w.text) for w in words)
        # Punctuation boxes are short; the height of words with letters is the text size.
        heights.extend(w.height for w in words if any(ch.isalnum() for ch in w.text))
        per_char = words[0].width / len(words[0].text)
        lines.append(Line(
            text=text,
            x0=words[0].left,
            x1=max(w.right for w in words),
            top=min(w.top for w in words),
            bottom=max(w.bottom for w in words),
            em=0.0,
            first_chunk=per_char * chunk_length(text),
        ))
    # One line's box height varies by ±25 % with its glyphs (扣 vs 一), which would pass for
    # a change of font size: every line gets the page's median text height instead.
    text_height = statistics.median(heights) if heights else 0.0
    return OcrResult(
        page=Page(float(image.width), float(image.height),
                  tuple(replace(line, em=text_height) for line in lines)),
        confidence=weighted / chars if chars else 0.0,
        chars=chars,
        text_height=text_height,
    )


def _rows(segments: list[list[_Word]]) -> list[list[_Word]]:
    """Tesseract's lines, with segments on one baseline merged left to right.

    Its layout analysis sometimes cuts one line of a single-column page into two blocks
    and emits the right half first, each half repeating a character where they meet.
    """
    rows: list[list[_Word]] = []
    for segment in sorted(segments, key=lambda seg: min(w.top for w in seg)):
        top, bottom = min(w.top for w in segment), max(w.bottom for w in segment)
        for row in rows:
            row_top, row_bottom = min(w.top for w in row), max(w.bottom for w in row)
            overlap = min(bottom, row_bottom) - max(top, row_top)
            if overlap > 0.5 * min(bottom - top, row_bottom - row_top):
                row.extend(segment)
                break
        else:
            rows.append(list(segment))
    result = []
    for row in rows:
        merged: list[_Word] = []
        for word in sorted(row, key=lambda w: w.left):
            if merged and word.segment != merged[-1].segment and word.left < merged[-1].right:
                # Characters read twice where two segments overlap: drop the repeats.
                per_char = word.width / len(word.text)
                repeated = round((merged[-1].right - word.left) / per_char)
                if repeated >= len(word.text):
                    continue
                if repeated:
                    word = replace(word, text=word.text[repeated:],
                                   left=word.left + repeated * per_char,
                                   width=word.width - repeated * per_char)
            merged.append(word)
        result.append(merged)
    return result


def _orientation(image: Image, name: str) -> int:
    """Degrees (counter-clockwise, for `Image.rotate`) that would set the page upright."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT,
                                       timeout=OCR_TIMEOUT_SECONDS)
    except (pytesseract.TesseractError, RuntimeError):
        return 0  # too little text to tell; keep the page as it is
    except pytesseract.TesseractNotFoundError:
        raise InputError(f"{name}: {OCR_MISSING}") from None
    if float(osd.get("orientation_conf", 0)) < 1.0:
        return 0
    # Tesseract's "rotate" is clockwise; PIL rotates counter-clockwise.
    return (360 - int(osd.get("rotate", 0))) % 360
