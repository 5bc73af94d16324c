"""The difference between two saved texts of an announcement, as the page shows it.

Chinese has no spaces, so a word diff would mark whole sentences: lines are matched first
(difflib over lines), and a changed line is compared character by character, so that
"制定整改措施47条" → "制定整改措施44条" marks the two digits, not the line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "added", "removed", "changed"]


@dataclass(frozen=True)
class Piece:
    text: str
    #: "" kept, "ins" added, "del" removed.
    mark: str = ""


@dataclass(frozen=True)
class DiffLine:
    kind: Kind
    pieces: tuple[Piece, ...]
    old_no: int | None = None
    new_no: int | None = None


def _chars(old: str, new: str) -> tuple[Piece, ...]:
    out: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Piece(old[i1:i2]))
            continue
        if i2 > i1:
            out.append(Piece(old[i1:i2], "del"))
        if j2 > j1:
            out.append(Piece(new[j1:j2], "ins"))
    return tuple(out)


def text_diff(old: str, new: str, *, context: int = 1) -> list[DiffLine | None]:
    """The changed lines with `context` unchanged lines around them; None marks a gap of
    unchanged lines left out. Empty when the texts are equal."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[DiffLine | None] = []
    for group in matcher.get_grouped_opcodes(context):
        if out:
            out.append(None)
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                out += [
                    DiffLine("same", (Piece(a[i]),), i + 1, j1 + (i - i1) + 1)
                    for i in range(i1, i2)
                ]
            elif op == "replace" and i2 - i1 == j2 - j1:
                out += [
                    DiffLine("changed", _chars(a[i1 + k], b[j1 + k]), i1 + k + 1, j1 + k + 1)
                    for k in range(i2 - i1)
                ]
            else:
                out += [DiffLine("removed", (Piece(a[i], "del"),), i + 1) for i in range(i1, i2)]
                out += [
                    DiffLine("added", (Piece(b[j], "ins"),), None, j + 1) for j in range(j1, j2)
                ]
    return out
