"""Stage 3b: decide which outline levels are aspects, problems and findings.

Documents differ: aspects → problems → findings (the seed), problems answered directly,
problems without aspects, findings under a 主要问题 label or numbered. The levels are read
from where the answers (整改情况 / 情况说明 …) and finding labels (主要问题 …) sit, and
from aspect-like titles ("…方面"), never from one document's layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhenggai.core.document import (
    AnswerPart,
    Aspect,
    Finding,
    FindingsPart,
    Measure,
    Problem,
    Section,
    Unplaced,
    Warning,
)
from zhenggai.core.normalise import match_form
from zhenggai.core.parser.outline import Block, Node
from zhenggai.core.parser.segment import LabelKind
from zhenggai.core.parser.split import split_measures
from zhenggai.core.parser.twice import merge_stated_twice, same_text

ANSWER_KINDS: tuple[LabelKind, ...] = ("measure", "outcome", "explanation")
_SENTENCE_END = re.compile(r"[。;!?]")


@dataclass
class Built:
    aspects: list[Aspect] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    findings_part: FindingsPart | None = None
    warnings: list[Warning] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # id() of outline nodes placed in the result

    def use(self, node: Node) -> None:
        self.used.add(id(node))


def _has_answers(node: Node) -> bool:
    return any(n.has_kind(*ANSWER_KINDS) for n in node.walk())


def _has_findings(node: Node) -> bool:
    return any(n.has_kind("finding", *ANSWER_KINDS) for n in node.walk())


def _title(node: Node) -> str:
    return node.para.rest if node.para else ""


def _looks_like_aspect(node: Node) -> bool:
    title = match_form(_title(node))
    if "方面" in title:
        return True
    return len(title) <= 20 and not _SENTENCE_END.search(title.rstrip("。"))


def _split_heading(text: str) -> tuple[str, str]:
    """A general heading often runs on: "（一）统一思想，增强自觉。局党委…" → title, text."""
    m = _SENTENCE_END.search(match_form(text))
    if m and m.end() < len(text) and m.end() <= 60:
        return text[: m.end()], text[m.end():].strip()
    return text, ""


def _section(node: Node, order: int, out: Built) -> Section:
    out.use(node)
    title, inline = _split_heading(_title(node))
    body = [inline] if inline else []
    body += [p.text for p in node.lead]
    for block in node.blocks:
        body.append(block.marker + (block.paras[0].text if block.paras else ""))
        body += block.texts()[1:]
    return Section(
        no=node.no,
        title=title,
        text="\n".join(body),
        marker=node.para.marker if node.para else None,
        line=node.line,
        subsections=tuple(_section(c, i, out) for i, c in enumerate(node.children)),
        order=order,
    )


def build(root: Node) -> Built:
    out = Built(preamble=[p.text for p in root.lead])
    for block in root.blocks:  # labels before any heading: keep, but they are doubtful
        out.unplaced += [Unplaced(block.marker, block.line)]
        out.unplaced += [Unplaced(p.text, p.line) for p in block.paras]
    tops = root.children
    if not tops:
        return out

    bearing = [n for n in tops if _has_answers(n)] or [n for n in tops if _has_findings(n)]
    # One answered top part with children holds the findings, unless it is a problem whose
    # twin was listed before it (a one-problem document stated twice).
    if (
        len(bearing) == 1
        and bearing[0].children
        and "方面" not in match_form(_title(bearing[0]))
        and not any(same_text(_title(n), _title(bearing[0])) for n in tops if n is not bearing[0])
    ):
        part = bearing[0]
        out.findings_part = FindingsPart(
            no=part.no, title=_title(part), marker=part.para.marker if part.para else None,
            line=part.line, text="\n".join(p.text for p in part.lead), order=tops.index(part),
        )
        for block in part.blocks:
            out.unplaced.append(Unplaced(block.marker + block.text(), block.line))
        container = part.children
    elif bearing:
        # Problems or aspects at the top: the answered run, widened over bare headings next
        # to it (problems still without an answer), not over general parts with a body.
        lo, hi = tops.index(bearing[0]), tops.index(bearing[-1])
        while lo > 0 and _bare(tops[lo - 1]):
            lo -= 1
        while hi + 1 < len(tops) and _bare(tops[hi + 1]):
            hi += 1
        container = tops[lo: hi + 1]
    else:
        # No answers and no labels anywhere (a bare feedback document): every top-level
        # part that is not clearly general is taken as findings, the deepest level last.
        container = tops
    for i, node in enumerate(tops):
        if node not in container and (out.findings_part is None or node.line != out.findings_part.line):
            out.sections.append(_section(node, i, out))
    if out.findings_part is not None:
        out.use(part)
    _build_tree(container, out)
    _sweep(root, out)
    out.aspects, out.sections, out.warnings = merge_stated_twice(out.aspects, out.sections, out.warnings)
    return out


def _sweep(root: Node, out: Built) -> None:
    """Whatever no stage placed goes to `unplaced`, so no text is ever silently lost."""
    for node in root.walk():
        if node.para is None or id(node) in out.used:
            continue
        out.unplaced.append(Unplaced(node.para.text, node.line))
        out.unplaced += [Unplaced(p.text, p.line) for p in node.lead]
        for block in node.blocks:
            out.unplaced.append(Unplaced(block.marker + block.text(), block.line))


def _bare(node: Node) -> bool:
    return not node.children and not node.lead and not node.blocks


def _depths(nodes: list[Node]) -> dict[int, list[Node]]:
    by_depth: dict[int, list[Node]] = {}
    base = nodes[0].depth
    for top in nodes:
        for n in top.walk():
            by_depth.setdefault(n.depth - base, []).append(n)
    return by_depth


def _problem_depth(nodes: list[Node]) -> int:
    by_depth = _depths(nodes)
    answer_depths = sorted(d for d, ns in by_depth.items() if any(n.has_kind(*ANSWER_KINDS) for n in ns))
    label_nodes = [n for ns in by_depth.values() for n in ns if n.has_kind("finding")]
    base = nodes[0].depth
    # A 主要问题 label whose numbered children carry the answers marks the problem level.
    for n in label_nodes:
        if any(_has_findings(c) or not c.children for c in n.children) and n.children:
            return n.depth - base
    if label_nodes:
        return min(n.depth for n in label_nodes) - base
    if not answer_depths:
        deepest = max(by_depth)
        return max(deepest - 1, 0) if deepest >= 1 and not all(
            _looks_like_aspect(n) for n in by_depth[deepest - 1]) else deepest
    deepest = answer_depths[-1]
    if len(answer_depths) > 1:
        return answer_depths[-2]
    if deepest == 0:
        return 0
    parents = by_depth[deepest - 1]
    if all(_looks_like_aspect(n) for n in parents):
        return deepest
    return deepest - 1


def _build_tree(container: list[Node], out: Built) -> None:
    if not container:
        return
    p_depth = _problem_depth(container)
    if p_depth == 0:
        problems = [_problem(n, out) for n in container]
        out.aspects.append(Aspect(no=None, title=None, problems=tuple(problems)))
        return
    # Levels above the aspects have nowhere to go in the tree; the sweep keeps their words.
    aspect_nodes = _depths(container).get(p_depth - 1, [])
    for node in aspect_nodes:
        out.use(node)
        problems = [_problem(c, out) for c in node.children]
        lead = [p.text for p in node.lead]
        title = "\n".join([_title(node), *lead]) if lead else _title(node)
        for block in node.blocks:
            out.unplaced.append(Unplaced(block.marker + block.text(), block.line))
        out.aspects.append(Aspect(
            no=node.no, title=title, problems=tuple(problems),
            marker=node.para.marker if node.para else None, line=node.line,
        ))


def _problem(node: Node, out: Built) -> Problem:
    out.use(node)
    findings: list[tuple[int, Finding]] = []
    title = _title(node)
    lead = [p.text for p in node.lead]
    if lead:
        title = "\n".join([title, *lead])
    pending: list[Block] = []  # finding-label blocks waiting for their answer
    intro: list[str] = []  # labels as written that introduce the numbered findings
    answer_blocks: list[Block] = []

    def flush() -> None:
        nonlocal pending, answer_blocks
        if not pending and not answer_blocks:
            return
        label: Block | None
        line: int | None
        if pending:
            label = pending[0]
            # A second label ("存在问题：… 具体表现：…") stays in the text, as written.
            text = "\n".join([*label.texts(), *(b.marker + b.text() for b in pending[1:])])
            line = label.line
        else:
            label, text, line = None, node.para.rest if node.para else "", node.line
        if not text and node.children and not answer_blocks:
            # A bare "主要问题：" introducing numbered findings: the problem keeps the label.
            intro.extend(b.marker for b in pending)
            pending = []
            return
        findings.append((line or 0, _finding(
            no=None, text=text or title, label=label.label if label else None, marker=None,
            line=line, answers=answer_blocks, out=out,
        )))
        pending, answer_blocks = [], []

    for block in node.blocks:
        if block.kind == "finding":
            if answer_blocks:
                flush()
            pending.append(block)
        else:
            answer_blocks.append(block)
    flush()
    for child in node.children:
        findings.append((child.line or 0, _finding_node(child, out)))
    if not findings:
        # A problem with neither findings nor an answer is still a finding to rectify.
        findings.append((node.line or 0, _finding(
            no=None, text=_title(node), label=None, marker=None, line=node.line, answers=[], out=out,
        )))
    findings.sort(key=lambda pair: pair[0])
    return Problem(
        no=node.no, title=title, findings=tuple(f for _, f in findings),
        marker=node.para.marker if node.para else None, line=node.line,
        label=_label_of(intro),
    )


def _label_of(markers: list[str]) -> str | None:
    """"问题表现：" → "问题表现"; two bare labels in a row keep both ("主要问题 具体表现")."""
    names = [re.sub(r"[\[\]【】:：\s]", "", m) for m in markers]
    return " ".join(n for n in names if n) or None


def _finding_node(node: Node, out: Built) -> Finding:
    out.use(node)
    texts = [node.para.rest] if node.para else []
    texts += [p.text for p in node.lead]
    answers = []
    for block in node.blocks:
        if block.kind == "finding":
            texts.append(block.marker + (block.text()))
        else:
            answers.append(block)
    for child in node.children:
        # Deeper numbered items under a finding are part of its text (sub-points).
        for n in child.walk():
            out.use(n)
            if n.para:
                texts.append(n.para.text)
            texts += [p.text for p in n.lead]
            for block in n.blocks:
                out.unplaced.append(Unplaced(block.marker + block.text(), block.line))
    return _finding(
        no=node.no, text="\n".join(t for t in texts if t), label=None,
        marker=node.para.marker if node.para else None, line=node.line, answers=answers, out=out,
    )


def _finding(*, no: int | None, text: str, label: str | None, marker: str | None,
             line: int | None, answers: list[Block], out: Built) -> Finding:
    parts = tuple(AnswerPart(label=b.label, text=b.text(), line=b.line) for b in answers)
    measures: list[Measure] = []
    if not parts:
        kind = "none"
        answer = None
        where = f"第 {no} 项" if no is not None else "一项"
        out.warnings.append(Warning("missing_answer", f"{where}问题没有整改情况或情况说明：{text[:30]}", line))
    else:
        kind = "explained" if answers[0].kind == "explanation" else "rectified"
        answer = "\n".join(
            [parts[0].text] + [f"{p.label}：{p.text}" for p in parts[1:]]
        )
        source = next((b for b in answers if b.kind == "measure"), None)
        if kind == "rectified" and source is not None:
            measures, warnings = split_measures(source.text(), line=source.line)
            out.warnings += warnings
    return Finding(
        no=no, text=text, answer_kind=kind,  # type: ignore[arg-type]
        answer=answer, measures=tuple(measures), answer_parts=parts, label=label,
        marker=marker, line=line,
    )
