"""The plan as data (a revision's snapshot) and the readable diff between two snapshots."""

from __future__ import annotations

import json
from typing import Any

from zhenggai.accounts.models import Organisation, Person
from zhenggai.ledger.choices import FindingScope, Urgency
from zhenggai.ledger.models import Aspect, Finding, Inspection, Measure, Problem

#: Field labels used in the revision diff (the ledger's column names).
MEASURE_FIELD_LABELS: dict[str, str] = {
    "findings": "对应问题",
    "content": "整改内容",
    "target": "整改目标",
    "lead_unit": "责任单位",
    "co_units": "配合单位",
    "responsible_leader": "责任领导",
    "responsible_person": "责任人",
    "urgency": "整改时限类型",
    "deadline": "整改时限",
}
#: Labels of the findings tree's corrected texts in the diff.
ASPECT_TITLE = "方面标题"
PROBLEM_TITLE = "问题标题"
FINDING_TEXT = "问题表述"
FINDING_LABEL = "引导语"
NO_CHANGE = "与上一版相比无变化"
EMPTY = "（空）"


def _name(obj: Organisation | Person | None) -> str:
    return obj.name if obj is not None else ""


def plan_snapshot(inspection: Inspection) -> dict[str, Any]:
    """The plan's content as JSON-ready data: every measure, the findings tree's titles and
    texts (corrections after approval are revisions too), every finding's scope.

    Six queries whatever the size (aspects; problems; measures with their people and
    units; co-units and finding links prefetched; findings with concerned units prefetched).
    """
    measures = (
        Measure.objects.filter(inspection=inspection)
        .select_related("lead_unit", "responsible_leader", "responsible_person")
        .prefetch_related("co_units", "finding_links")
        .order_by("sort_order", "id")
    )
    findings = (
        Finding.objects.filter(inspection=inspection)
        .prefetch_related("concerned_units")
        .order_by("problem__sort_order", "sort_order", "id")
    )
    aspects = Aspect.objects.filter(inspection=inspection).order_by("sort_order", "id")
    problems = Problem.objects.filter(inspection=inspection).order_by(
        "aspect__sort_order", "sort_order", "id"
    )
    return {
        "aspects": [{"id": a["id"], "title": a["title"]} for a in aspects.values("id", "title")],
        "problems": [{"id": p["id"], "title": p["title"]} for p in problems.values("id", "title")],
        "measures": [
            {
                "id": m.pk,
                "marker": m.marker,
                "findings": sorted(link.finding_id for link in m.finding_links.all()),
                "content": m.content,
                "target": m.target,
                "lead_unit": _name(m.lead_unit),
                "co_units": sorted(u.name for u in m.co_units.all()),
                "responsible_leader": _name(m.responsible_leader),
                "responsible_person": _name(m.responsible_person),
                "urgency": m.urgency,
                "deadline": m.deadline.isoformat() if m.deadline else None,
            }
            for m in measures
        ],
        "findings": [
            {
                "id": f.pk,
                "label": f.label,
                "text": f.text,
                "scope": f.scope,
                "concerned_units": sorted(u.name for u in f.concerned_units.all()),
            }
            for f in findings
        ],
    }


def _short(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _shown(field: str, value: Any) -> str:
    if value in (None, "", []):
        return EMPTY
    if field == "urgency":
        return str(Urgency(value).label)
    if field == "findings":
        return "、".join(f"#{v}" for v in value)
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


def plan_diff(previous: dict[str, Any] | None, current: dict[str, Any]) -> str:
    """A readable Chinese account of what changed between two snapshots, one line each."""
    if previous is None:
        return f"初始版本：共 {len(current.get('measures', []))} 条整改措施"
    lines: list[str] = []
    before = {m["id"]: m for m in previous.get("measures", [])}
    after = {m["id"]: m for m in current.get("measures", [])}
    for mid, m in after.items():
        if mid not in before:
            lines.append(f"新增措施：“{_short(m['content'])}”")
    for mid, m in before.items():
        if mid not in after:
            lines.append(f"删除措施：“{_short(m['content'])}”")
    for mid, m in after.items():
        old = before.get(mid)
        if old is None:
            continue
        changes = [
            f"{label}由“{_shown(field, old.get(field))}”改为“{_shown(field, m.get(field))}”"
            for field, label in MEASURE_FIELD_LABELS.items()
            if old.get(field) != m.get(field)
        ]
        if changes:
            lines.append(f"修改措施“{_short(old['content'])}”：" + "；".join(changes))
    old_findings = {f["id"]: f for f in previous.get("findings", [])}
    for f in current.get("findings", []):
        old_f = old_findings.get(f["id"])
        if old_f is None:
            continue
        if (old_f["scope"], old_f["concerned_units"]) != (f["scope"], f["concerned_units"]):
            scope = FindingScope(f["scope"]).label
            units = "、".join(f["concerned_units"]) or EMPTY
            lines.append(f"问题“{_short(f['text'])}”改为{scope}，涉及单位：{units}")
    lines += _tree_lines(previous, current)
    return "\n".join(lines) or NO_CHANGE


#: The findings tree's corrected texts: (snapshot key, what the line calls the item,
#: the key the line names it by, ((field, label), …)).
_TREE_TEXTS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    ("aspects", "方面", "title", (("title", ASPECT_TITLE),)),
    ("problems", "问题", "title", (("title", PROBLEM_TITLE),)),
    ("findings", "具体问题", "text", (("text", FINDING_TEXT), ("label", FINDING_LABEL))),
)


def _tree_lines(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Corrected titles and texts of the findings tree, one line per item.

    An item or field the previous snapshot lacks (a revision saved before the tree was
    part of the snapshot) is no change: nothing is known about what it was.
    """
    lines: list[str] = []
    for key, noun, name_by, fields in _TREE_TEXTS:
        old_items = {item["id"]: item for item in previous.get(key, [])}
        for item in current.get(key, []):
            old = old_items.get(item["id"])
            if old is None:
                continue
            changes = [
                f"{label}由“{_shown(field, old[field])}”改为“{_shown(field, item.get(field))}”"
                for field, label in fields
                if field in old and old[field] != item.get(field)
            ]
            if changes:
                lines.append(f"修改{noun}“{_short(old[name_by]) or EMPTY}”：" + "；".join(changes))
    return lines


def normalised(snapshot: dict[str, Any]) -> Any:
    """The snapshot as it reads back from a JSON column, for equality checks."""
    return json.loads(json.dumps(snapshot, ensure_ascii=False))
