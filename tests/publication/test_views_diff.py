"""The difference between two saved texts (publication/views/diff.py): lines matched first,
a changed line marked character by character, unchanged stretches left out."""

from __future__ import annotations

from zhenggai.publication.views.diff import Piece, text_diff


def test_a_changed_figure_marks_the_characters_not_the_line() -> None:
    old = "标题\n共制定整改措施47条，建立完善制度16项。\n结尾\n"
    new = "标题\n共制定整改措施44条，建立完善制度16项。\n结尾\n"
    (before, changed, after) = text_diff(old, new)
    assert before is not None and before.kind == "same"
    assert changed is not None and changed.kind == "changed"
    assert Piece("7", "del") in changed.pieces and Piece("4", "ins") in changed.pieces
    assert "".join(p.text for p in changed.pieces if p.mark != "del") == new.splitlines()[1]
    assert after is not None and after.kind == "same"


def test_added_and_removed_lines_and_gaps() -> None:
    old = "\n".join(f"第{i}行" for i in range(1, 11))
    new = old.replace("第2行\n", "").replace("第9行", "第9行\n新增一行")
    diff = text_diff(old, new)
    kinds = [line.kind if line else None for line in diff]
    assert "removed" in kinds and "added" in kinds
    assert None in kinds  # the unchanged middle is left out
    added = next(line for line in diff if line and line.kind == "added")
    assert added.pieces == (Piece("新增一行", "ins"),) and added.new_no == 9


def test_equal_texts_have_no_difference() -> None:
    assert text_diff("一\n二\n", "一\n二\n") == []
