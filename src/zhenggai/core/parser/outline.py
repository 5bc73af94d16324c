"""Stage 3: nest headings into an outline and attach labelled blocks to their heading.

The outline knows nothing about aspects or problems yet; `build` decides which levels are
which. The one judgement made here: inside an answer (after 整改情况：), a numbered line
that restarts at 1, or continues a list the answer already started, belongs to the answer
("1.召开专题会议 2.修订制度" under a finding) instead of opening a new heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhenggai.core.normalise import match_form
from zhenggai.core.numerals import NUMERAL_CHARS, number_to_int
from zhenggai.core.parser.segment import LabelKind, Paragraph


@dataclass
class Block:
    """A labelled block (主要问题：…, 整改情况：…) and the plain paragraphs that follow it."""

    label: str
    kind: LabelKind
    line: int
    marker: str
    paras: list[Paragraph] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [p.text for p in self.paras]

    def text(self) -> str:
        return "\n".join(self.texts())


@dataclass
class Node:
    para: Paragraph | None
    depth: int
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    lead: list[Paragraph] = field(default_factory=list)  # plain text before any label
    blocks: list[Block] = field(default_factory=list)

    @property
    def no(self) -> int | None:
        return self.para.no if self.para else None

    @property
    def style(self) -> str | None:
        return self.para.style if self.para else None

    @property
    def line(self) -> int | None:
        return self.para.line if self.para else None

    def walk(self) -> list[Node]:
        out: list[Node] = []
        stack = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(node.children))
        return out

    def in_answer(self) -> bool:
        return bool(self.blocks) and self.blocks[-1].kind != "finding"

    def has_kind(self, *kinds: LabelKind) -> bool:
        return any(b.kind in kinds for b in self.blocks)


def build_outline(paras: list[Paragraph]) -> Node:
    root = Node(None, -1)
    path: list[Node] = [root]  # path[i] for depth i-1
    style_depth: dict[str, int] = {}
    answer_enum: tuple[str, int] | None = None  # (style, last no) of a list inside an answer

    for index, para in enumerate(paras):
        current = path[-1]
        if para.kind == "heading" and current.in_answer():
            assert para.style is not None and para.no is not None
            depth = style_depth.get(para.style)
            holder = path[depth + 1] if depth is not None and depth + 1 < len(path) else None
            continues = answer_enum is not None and answer_enum == (para.style, para.no - 1)
            restarts = para.no == 1 and (holder is None or (holder.no or 0) >= 1)
            # A numbered line followed by its own label ("整改情况：") opens a new item.
            nxt = paras[index + 1] if index + 1 < len(paras) else None
            opens_item = depth is not None and nxt is not None and nxt.kind == "label"
            if not opens_item and (depth is None or continues or restarts):
                current.blocks[-1].paras.append(para)
                answer_enum = (para.style, _last_inline_no(para))
                continue
        answer_enum = None
        if para.kind == "heading":
            assert para.style is not None
            depth = style_depth.get(para.style)
            if depth is None or depth >= len(path):
                depth = len(path) - 1
                style_depth[para.style] = depth
            del path[depth + 1:]
            parent = path[-1]
            node = Node(para, depth, parent)
            parent.children.append(node)
            path.append(node)
        elif para.kind == "label":
            assert para.label is not None and para.label_kind is not None and para.marker
            block = Block(para.label, para.label_kind, para.line, para.marker)
            if para.rest:
                block.paras.append(_rest_paragraph(para))
            current.blocks.append(block)
        elif current.blocks:
            current.blocks[-1].paras.append(para)
        else:
            current.lead.append(para)
    return root


def _rest_paragraph(para: Paragraph) -> Paragraph:
    return Paragraph(para.line, para.rest, "plain", rest=para.rest)


_INLINE_NO = {
    "ar_paren": re.compile(r"\((\d{1,3})\)"),
    "cn_paren": re.compile(rf"\(([{NUMERAL_CHARS}]{{1,3}})\)"),
    "ar_dot": re.compile(r"(?:^|[。;])\s*(\d{1,3})[.、](?!\d)"),
    "cn_dun": re.compile(rf"(?:^|[。;])\s*([{NUMERAL_CHARS}]{{1,3}})、"),
}


def _last_inline_no(para: Paragraph) -> int:
    """The last list number on a line: "（1）甲。（2）乙。" continues after 2, not 1."""
    assert para.no is not None
    pattern = _INLINE_NO.get(para.style or "")
    if pattern is None:
        return para.no
    last = para.no
    for m in pattern.finditer(match_form(para.text)):
        no = number_to_int(m.group(1))
        if no == last + 1:
            last = no
    return last
