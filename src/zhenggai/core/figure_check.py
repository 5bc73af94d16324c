"""The figure check: every figure an announcement states, held against the ledger.

The parser's claim extractor reads what the text states about itself ("6个方面12个问题",
"制定整改措施47条", "问责2人"; `Document.claims` and `claims_text`). Each stated figure
that the ledger can count is compared with the live figure (`records.selectors.
live_figures`); a difference blocks approval until the text is fixed or the difference is
overridden with a written reason. An override covers one figure as it stood — the stated
and the live value it was given for — so a later change of either opens the question again.
Figures the ledger cannot count (money recovered, a completion rate) are shown unchecked.

An approximate figure ("20余次") holds when the live figure lies in its decade: 20 ≤ n < 30,
100余 is 100 ≤ n < 200; "近50" (nearly) is at most the figure, within the decade below it:
40 < n ≤ 50. Each row keeps the sentence the figure stands in, for the preview to show it.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from zhenggai.core.document import Document

#: What each checked figure is called beside it, and its measure word.
FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "aspects": ("方面", "个"),
    "problems": ("问题", "个"),
    "findings": ("具体问题", "个"),
    "measures": ("整改措施", "条"),
    "completed_problems": ("已完成整改的问题", "个"),
    "uncompleted_problems": ("尚未完成整改的问题", "个"),
    "institutions": ("建立完善制度", "项"),
    "accountable_people": ("问责", "人"),
    "activities": ("学习教育等活动", "次"),
    "plan_revisions": ("整改方案修改", "轮"),
}

Status = Literal["match", "mismatch", "overridden", "unchecked"]
STATUS_LABELS: dict[str, str] = {
    "match": "与台账一致",
    "mismatch": "与台账不一致",
    "overridden": "不一致，已说明理由",
    "unchecked": "台账无此数据，未核对",
}


@dataclass(frozen=True)
class Override:
    """A stated figure let stand although the ledger differs, with the reason why."""

    key: str
    stated: float
    live: int
    reason: str
    author: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class FigureRow:
    """One stated figure beside the ledger's, as the preview shows it."""

    key: str
    label: str
    stated: float
    text: str
    line: int | None
    approximate: bool
    live: int | None
    status: Status
    override: Override | None = None
    #: The whole sentence the figure stands in, and the word making it approximate.
    sentence: str = ""
    qualifier: str | None = None

    @property
    def blocks(self) -> bool:
        return self.status == "mismatch"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def live_value(key: str, live: Mapping[str, int]) -> int | None:
    """The ledger's figure for a claim key, or None when the ledger has no such figure."""
    if key == "uncompleted_problems" and "problems" in live and "completed_problems" in live:
        return live["problems"] - live["completed_problems"]
    if key in FIGURE_LABELS:
        return live.get(key)
    return None


def figure_holds(
    stated: float, live: int, *, approximate: bool, qualifier: str | None = None
) -> bool:
    """Equal; for "N余"/"N多" within N's decade (20余 → 20…29); for "近N" at most N and
    within the decade below (近50 → 41…50)."""
    if not approximate:
        return stated == live
    step = 10 ** max(len(str(int(stated))) - 1, 0)
    if qualifier == "近":
        return stated - step < live <= stated
    return stated <= live < stated + step


def check_figures(
    document: Document, live: Mapping[str, int], overrides: Iterable[Override] = ()
) -> list[FigureRow]:
    """A row per stated figure, in the order the text states them."""
    # Oldest first: a later override of a key replaces an earlier one.
    latest: dict[str, Override] = {o.key: o for o in overrides}
    rows: list[FigureRow] = []
    for key, stated in document.claims.items():
        words = document.claims_text.get(key)
        approximate = bool(words and words.approximate)
        qualifier = words.qualifier if words else None
        value = live_value(key, live)
        override: Override | None = None
        status: Status
        if value is None:
            status = "unchecked"
        elif figure_holds(stated, value, approximate=approximate, qualifier=qualifier):
            status = "match"
        else:
            candidate = latest.get(key)
            if candidate is not None and candidate.stated == stated and candidate.live == value:
                status = "overridden"
                override = candidate
            else:
                status = "mismatch"
        rows.append(
            FigureRow(
                key=key,
                label=FIGURE_LABELS.get(key, (key, ""))[0],
                stated=stated,
                text=words.text if words else "",
                line=words.line if words else None,
                approximate=approximate,
                live=value,
                status=status,
                override=override,
                sentence=words.sentence if words else "",
                qualifier=qualifier,
            )
        )
    rows.sort(key=lambda r: (r.line is None, r.line or 0))
    return rows


def mismatch_summary(rows: Iterable[FigureRow]) -> str:
    """"整改措施：文中47条，台账44条；…" for the refusal of an approval."""
    parts = []
    for row in rows:
        if row.blocks:
            unit = FIGURE_LABELS.get(row.key, ("", ""))[1]
            stated = int(row.stated) if float(row.stated).is_integer() else row.stated
            parts.append(f"{row.label}：文中{stated}{unit}（“{row.text}”），台账{row.live}{unit}")
    return "；".join(parts)
