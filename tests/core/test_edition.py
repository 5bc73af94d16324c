"""An edition's text laid out as txt, Markdown, DOCX and PDF (core/edition.py)."""

from __future__ import annotations

import pytest

from zhenggai.core.edition import EMPTY, UNPLACED, edition_document, normalised_text, render_edition
from zhenggai.core.errors import InputError


def test_txt_is_the_text_itself_normalised(seed_text: str) -> None:
    messy = seed_text.replace("\n", "\r\n", 3) + "\n\n"
    assert render_edition(messy, fmt="txt").decode("utf-8") == normalised_text(seed_text)
    assert render_edition(seed_text, fmt="md").decode("utf-8").startswith("按照区委统一部署")


def test_a_text_that_would_lose_words_is_refused_naming_the_line(seed_text: str) -> None:
    lines = seed_text.split("\n")
    # An answer label before the first numbered part belongs nowhere: DOCX and PDF, laid
    # out from the parse, would drop it (and what follows it), so the text is refused.
    lines.insert(1, "整改情况:另行说明。")
    with pytest.raises(InputError) as caught:
        edition_document("\n".join(lines))
    assert str(caught.value) == UNPLACED.format(line=2, text="整改情况:")


def test_an_empty_text_and_an_unknown_format_are_refused(seed_text: str) -> None:
    with pytest.raises(InputError, match=EMPTY):
        edition_document(" \n ")
    with pytest.raises(InputError, match="不支持的输出格式：rtf"):
        render_edition(seed_text, fmt="rtf")
