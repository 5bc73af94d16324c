"""A matching copy of the text: same length as the original, so positions map back.

Texts shown to users keep the document's own characters; the parser matches patterns on
this copy, where full-width ASCII forms are half-width and odd spaces are plain spaces.
"""

from __future__ import annotations

_TABLE: dict[int, str] = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
_TABLE.update({
    0x3000: " ",  # ideographic space
    0x00A0: " ",
    0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: " ", 0xFEFF: " ",
    0x3014: "(", 0x3015: ")",  # 〔〕 are document-number brackets; match as parentheses
    0xFE59: "(", 0xFE5A: ")",
    0x2236: ":",  # ∶ ratio sign, used for colons by some word processors
    0xFE55: ":",
    0x2024: ".",
    0x00B7: ".",  # only in "1·" numbering typos; text keeps the original
})


def match_form(text: str) -> str:
    """Half-width punctuation and digits, plain spaces; exactly len(text) characters."""
    return text.translate(_TABLE)


def squeeze(text: str) -> str:
    """The match form without any whitespace, for comparisons that ignore layout."""
    return "".join(match_form(text).split())
