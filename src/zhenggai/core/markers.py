"""Enumeration markers in front of a measure's text ("一是", "（1）", "①", "首先，").

The stored text keeps them (it is what the document said); pages show the text without
them, since the ledger's 编号 says where the measure stands.
"""

from __future__ import annotations

import re

MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是[，,、：:]?"
    r"|[（(]\s*[0-9一二三四五六七八九十]+\s*[）)][、.．]?"
    r"|[0-9]+\s*[.．、]"
    r"|[①-⑳]"
    r"|第[一二三四五六七八九十]+[，,、：:]"
    r"|(?:首先|其次|再次|最后)[，,、：:]?)\s*"
)


def strip_marker(text: str, marker: str = "") -> str:
    """`text` without its leading enumeration marker (`marker` when the import kept it)."""
    if marker and text.startswith(marker):
        return text[len(marker) :].lstrip("，,、：: ")
    return MARKER.sub("", text, count=1)
