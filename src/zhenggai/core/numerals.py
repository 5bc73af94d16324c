"""Chinese numerals as documents write them: 一 … 九十九, 两, 〇/零, 百, and full-width digits."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)


def cn_to_int(text: str) -> int | None:
    """Convert "二十三", "十二", "两", "一百零五" or "二〇二〇" (digit by digit) to an int."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if not all(ch in DIGITS or ch in UNITS for ch in text):
        return None
    if not any(ch in UNITS for ch in text):
        # Digit-by-digit form, used for years: 二〇二〇.
        value = 0
        for ch in text:
            value = value * 10 + DIGITS[ch]
        return value
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        else:
            unit = UNITS[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def number_to_int(text: str) -> int | None:
    """An Arabic or Chinese number as written in a document."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    return cn_to_int(text)


def int_to_cn(value: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五 (for rendering headings)."""
    if value < 0:
        raise ValueError("negative numbers have no heading numeral")
    names = "零一二三四五六七八九"
    if value < 10:
        return names[value]
    if value < 20:
        return "十" + (names[value - 10] if value > 10 else "")
    if value < 100:
        tens, ones = divmod(value, 10)
        return names[tens] + "十" + (names[ones] if ones else "")
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        if rest == 0:
            return names[hundreds] + "百"
        if rest < 10:
            return names[hundreds] + "百零" + names[rest]
        tail = int_to_cn(rest)
        return names[hundreds] + "百" + ("一" + tail if tail.startswith("十") else tail)
    return str(value)
