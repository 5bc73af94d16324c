"""Problems stated twice: listed first, answered in a second pass (issue #14).

Some announcements list every problem ("一、巡察反馈的问题 1．… 2．…") and then repeat each
one with its answer ("二、整改落实情况 1．… 整改情况：…"). The listing lands either in the
tree (bare numbered lines next to the answered run: problems without answers) or among the
sections (a numbered part of its own). A listed item is merged into the answered problem
with the same number and the same text (one text starts the other, whitespace and
punctuation width aside); words the listing has that the answer pass lacks are added to
the problem's title, so nothing is dropped. An item with no such partner stays where it was.
"""

from __future__ import annotations

import dataclasses
import re

from zhenggai.core.document import Aspect, Problem, Section, Warning
from zhenggai.core.normalise import match_form

_NOT_TEXT = re.compile(r"[\s\W_]+")
MIN_MATCH = 4  # characters two texts must share at the start to count as the same problem


def _key(text: str | None) -> str:
    return _NOT_TEXT.sub("", match_form(text or ""))


def same_text(a: str | None, b: str | None) -> bool:
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return False
    short, long_ = sorted((ka, kb), key=len)
    return long_.startswith(short) and len(short) >= min(MIN_MATCH, len(long_))


def _problem_words(problem: Problem) -> str:
    return _key("".join([problem.title or "", *(f.text for f in problem.findings)]))


def _absorb(target: Problem, extra: list[str]) -> Problem:
    """Add the listing's lines that the answered problem does not already hold."""
    have = _problem_words(target)
    new = [line for line in extra if line.strip() and _key(line) not in have]
    if not new:
        return target
    return dataclasses.replace(target, title="\n".join([target.title or "", *new]))


def _unanswered(problem: Problem) -> bool:
    return all(f.answer_kind == "none" for f in problem.findings)


def merge_stated_twice(
    aspects: list[Aspect], sections: list[Section], warnings: list[Warning]
) -> tuple[list[Aspect], list[Section], list[Warning]]:
    answered = [p for a in aspects for p in a.problems if not _unanswered(p)]
    if not answered:
        return aspects, sections, warnings
    absorbed: dict[int, list[str]] = {}  # id(answered problem) → listing lines
    dropped_lines: set[int] = set()

    def partner(no: int | None, text: str | None, line: int | None) -> Problem | None:
        if no is None:
            return None
        for p in answered:
            if p.no == no and same_text(p.title, text) and (line or 0) < (p.line or 0):
                return p
        return None

    # 1. Listed problems that landed in the tree, unanswered, before their answered twin.
    new_aspects: list[Aspect] = []
    for aspect in aspects:
        kept: list[Problem] = []
        for p in aspect.problems:
            twin = partner(p.no, p.title, p.line) if _unanswered(p) else None
            if twin is None:
                kept.append(p)
                continue
            absorbed.setdefault(id(twin), []).extend(
                [*(p.title or "").split("\n"), *(f.text for f in p.findings)]
            )
            dropped_lines.update(f.line for f in p.findings if f.line is not None)
        if kept or not aspect.problems:
            new_aspects.append(dataclasses.replace(aspect, problems=tuple(kept)))
        elif not any(same_text(a.title, aspect.title) for a in aspects if a is not aspect):
            new_aspects.append(dataclasses.replace(aspect, problems=()))

    # 2. Listed problems that landed among the sections.
    aspect_titles = [a.title for a in new_aspects if a.problems]

    def prune(section: Section) -> Section | None:
        twin = partner(section.no, section.title, section.line)
        if twin is not None:
            absorbed.setdefault(id(twin), []).extend(_section_lines(section))
            return None
        subs = [s for s in (prune(sub) for sub in section.subsections) if s is not None]
        if (
            section.subsections
            and not subs
            and not section.text
            and any(same_text(t, section.title) for t in aspect_titles)
        ):
            return None  # an aspect heading of the listing, repeated in the answer pass
        return dataclasses.replace(section, subsections=tuple(subs))

    new_sections = [s for s in (prune(s) for s in sections) if s is not None]
    if not absorbed:
        return aspects, sections, warnings
    new_aspects = [
        dataclasses.replace(
            a, problems=tuple(_absorb(p, absorbed.get(id(p), [])) for p in a.problems)
        )
        for a in new_aspects
    ]
    kept_warnings = [
        w for w in warnings if not (w.code == "missing_answer" and w.line in dropped_lines)
    ]
    kept_warnings.append(
        Warning(
            "stated_twice",
            f"问题先列出、后逐条说明整改情况，已按编号和文字合并 {len(absorbed)} 个问题",
            None,
        )
    )
    return new_aspects, new_sections, kept_warnings


def _section_lines(section: Section) -> list[str]:
    lines = [section.title or "", *section.text.split("\n")]
    for sub in section.subsections:
        lines.append((sub.marker or "") + (sub.title or ""))
        lines += _section_lines(sub)[1:]
    return [line for line in lines if line]
