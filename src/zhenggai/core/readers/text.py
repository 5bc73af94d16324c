"""Plain text: detect UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""

from __future__ import annotations

from zhenggai.core.errors import InputError
from zhenggai.core.readers import ExtractedText, make_source

#: Share of control characters above which the bytes are taken to be binary, not text.
BINARY_CONTROL_SHARE = 0.02


def decode(data: bytes, *, name: str) -> tuple[str, str]:
    """Return (text, encoding name); the name is what `source.encoding` reports."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name), "utf-16"
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: 不是文本文件（含有二进制数据），请提供 txt、docx、pdf 或图片")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: 无法识别文本编码（既不是 UTF-8 也不是 GB18030/GBK，第 {exc.start} 字节出错）"
        ) from None
    # Pure GBK is a subset of GB18030; report the narrower name when it fits.
    try:
        data.decode("gbk")
        return text, "gbk"
    except UnicodeDecodeError:
        return text, "gb18030"


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: 文本声明为 {encoding} 但第 {exc.start} 字节无法解码") from None


def read_text(data: bytes, *, filename: str | None = None) -> ExtractedText:
    name = filename or "输入"
    text, encoding = decode(data, name=name)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    if text and controls / len(text) > BINARY_CONTROL_SHARE:
        raise InputError(f"{name}: 不是文本文件（含有大量控制字符），请提供 txt、docx、pdf 或图片")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return ExtractedText(text=text, source=make_source(data, "txt", filename=filename, encoding=encoding))
