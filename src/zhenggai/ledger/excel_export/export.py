"""The ledger export: the measures the ledger's one filter gives, as the 台账 sheet.

Rows are `ledger.selectors.filters.filtered_measures(user, query)` (or every measure for
the system, `user=None`, as the command line runs without a user), read in chunks in
ledger order (inspection → aspect → problem → finding → measure) with one query per chunk:
the tree's texts and the names come through joins, the latest progress report through a
correlated subquery served by the (measure, reported_at) index.

A finding without measures (answered by an explanation, 情况说明) has a row of its own
with an empty measure, so that the file recreates the whole tree — but only in an export
of whole inspections (no filter but the inspection, by a user who reads them whole), since
such a row matches no measure filter.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import FilteredRelation, OuterRef, Q, QuerySet, Subquery

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import view_scope
from zhenggai.core.ledger_sheet import numbered
from zhenggai.ledger.choices import (
    AnswerKind,
    InspectionKind,
    InspectionLevel,
    MeasureState,
    Urgency,
)
from zhenggai.ledger.excel_export.ooxml import write_ledger
from zhenggai.ledger.excel_export.writer import Row
from zhenggai.ledger.models import Finding, Inspection, Measure, ProgressReport
from zhenggai.ledger.selectors.filters import LedgerQuery, filtered_measures, ledger_filter_q
from zhenggai.ledger.selectors.scope import sees_whole

CHUNK = 2000
#: Called with (rows written, rows in all) after each chunk.
Progress = Callable[[int, int], None]

_STATE_LABELS = dict(MeasureState.choices)
_URGENCY_LABELS = dict(Urgency.choices)
_ANSWER_LABELS = dict(AnswerKind.choices)

_TREE = (
    "inspection_id",
    "main_link__finding__problem__aspect__sort_order",
    "main_link__finding__problem__aspect_id",
    "main_link__finding__problem__sort_order",
    "main_link__finding__problem_id",
    "main_link__finding__sort_order",
    "main_link__finding_id",
)


@dataclass(frozen=True)
class ExportResult:
    rows: int
    measures: int
    inspections: int


def export_queryset(user: User | AnonymousUser | None, query: LedgerQuery) -> QuerySet[Measure]:
    """The measures of the export: the ledger's filter, for the user or the system."""
    if user is None:
        return Measure.objects.filter(ledger_filter_q(query))
    return filtered_measures(user, query)


def export_ledger(
    *,
    user: User | AnonymousUser | None,
    query: LedgerQuery,
    out: str | IO[bytes],
    progress: Progress | None = None,
) -> ExportResult:
    """Write the ledger `user` sees under `query` to `out` (path or binary file)."""
    measures = export_queryset(user, query)
    total = measures.count()
    whole = _whole_inspections(user, query)
    inspection_ids = sorted(
        {*measures.order_by().values_list("inspection_id", flat=True).distinct(), *whole}
    )
    unanswered = _findings_without_measures(whole)
    total += len(unanswered)

    def counted(rows: Iterable[Row]) -> Iterator[Row]:
        n = 0
        for n, row in enumerate(rows, start=1):
            if progress is not None and n % CHUNK == 0:
                progress(n, total)
            yield row
        if progress is not None:
            progress(n, total)

    several = query.inspection is None and len(inspection_ids) > 1
    infos = _inspection_infos(inspection_ids)
    titles = {info["id"]: info["title"] for info in infos}
    items = _measure_rows(measures)
    if unanswered:
        items = heapq.merge(items, unanswered, key=lambda r: r[0])
    rows = _sheet_rows(items, titles)
    title = f"{infos[0]['title']}整改台账" if len(infos) == 1 else "整改台账"
    count = write_ledger(
        out,
        title=title,
        rows=counted(rows),
        inspections=infos,
        with_inspection_column=several,
    )
    return ExportResult(rows=count, measures=count - len(unanswered), inspections=len(infos))


def _whole_inspections(user: User | AnonymousUser | None, query: LedgerQuery) -> list[int]:
    """Inspections whose measure-less findings belong in the file (see the module doc)."""
    if query.with_(inspection=None) != LedgerQuery() or query.inspection is None:
        return []
    if user is None:
        return [query.inspection] if Inspection.objects.filter(pk=query.inspection).exists() else []
    inspection = (
        Inspection.objects.select_related("organisation").filter(pk=query.inspection).first()
    )
    if inspection is None or not sees_whole(view_scope(user), inspection):
        return []
    return [inspection.pk]


def _inspection_infos(ids: list[int]) -> list[dict[str, Any]]:
    levels, kinds = dict(InspectionLevel.choices), dict(InspectionKind.choices)
    rows = (
        Inspection.objects.filter(pk__in=ids)
        .order_by("pk")
        .values(
            "id",
            "title",
            "group",
            "organisation__name",
            "level",
            "kind",
            "start",
            "end",
            "feedback_date",
        )
    )
    return [
        {
            **row,
            "organisation": row["organisation__name"],
            "level": str(levels.get(row["level"], row["level"])),
            "kind": str(kinds.get(row["kind"], row["kind"])),
        }
        for row in rows
    ]


def tree_path(problem_no: int | None, finding_no: int | None, measure_no: int | None) -> str:
    """编号 as the ledger page shows it (`ledger_list.measure_path`: "3-(2)-1"), from the
    numbers the export's one query reads — no model instances, no query per row."""
    parts = []
    if problem_no is not None:
        parts.append(str(problem_no))
    if finding_no is not None:
        parts.append(f"({finding_no})")
    if measure_no is not None:
        parts.append(str(measure_no))
    return "-".join(parts) or "—"


def _measure_rows(measures: QuerySet[Measure]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The measures' rows in ledger order: one query streamed in chunks (a server-side
    cursor on PostgreSQL), plain tuples through joins, the latest progress report by a
    correlated subquery on the (measure, reported_at) index."""
    # Newest first by the (measure, reported_at) index alone: a tie-break on id would cost a
    # sort per measure.
    latest = ProgressReport.objects.filter(measure=OuterRef("pk")).order_by("-reported_at")
    qs = (
        measures.annotate(
            main_link=FilteredRelation(
                "finding_links", condition=Q(finding_links__is_primary=True)
            ),
            latest_progress=Subquery(latest.values("narrative")[:1]),
        )
        .order_by(*_TREE, "sort_order", "id")
        .values_list(
            *_TREE,
            "main_link__finding__problem__aspect__marker",
            "main_link__finding__problem__aspect__title",
            "main_link__finding__problem__marker",
            "main_link__finding__problem__title",
            "main_link__finding__marker",
            "main_link__finding__text",
            "marker",
            "content",
            "target",
            "responsible_leader__name",
            "lead_unit__name",
            "responsible_person__name",
            "deadline",
            "urgency",
            "latest_progress",
            "state",
            "sort_order",
            "id",
            "main_link__finding__problem__no",
            "main_link__finding__no",
            "no",
        )
    )
    # Labels translated once per export, not twice per row (a lazy string's str() looks the
    # active language up each time).
    states = {k: str(v) for k, v in _STATE_LABELS.items()}
    urgencies = {k: str(v) for k, v in _URGENCY_LABELS.items()}
    for r in qs.iterator(chunk_size=CHUNK):
        if r[6] is not None:
            key = (*r[:7], 0, r[23], r[24])
            aspect, problem, finding = r[7] + r[8], r[9] + r[10], r[11] + r[12]
        else:  # no primary finding (not in a sound ledger): first in its inspection
            key = (r[0], -1, -1, -1, -1, -1, -1, 0, r[23], r[24])
            aspect = problem = finding = ""
        yield (
            key,
            {
                "no": tree_path(r[25], r[26], r[27]),
                "aspect": aspect,
                "problem": problem,
                "finding": finding,
                "measure": r[13] + r[14],
                "target": r[15] or None,
                "leader": r[16],
                "unit": r[17],
                "person": r[18],
                "deadline": r[19],
                "urgency": urgencies.get(r[20], r[20]),
                "progress": r[21],
                "state": states.get(r[22], r[22]),
                "_ids": (r[0], r[2], r[4], r[6]),
            },
        )


def _findings_without_measures(
    inspection_ids: list[int],
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    if not inspection_ids:
        return []
    rows = (
        Finding.objects.filter(inspection_id__in=inspection_ids, measure_links__isnull=True)
        .select_related("problem__aspect")
        .order_by("pk")
    )
    out = []
    for f in rows:
        p, a = f.problem, f.problem.aspect
        key = (
            f.inspection_id,
            a.sort_order,
            a.pk,
            p.sort_order,
            p.pk,
            f.sort_order,
            f.pk,
            -1,
            0,
            0,
        )
        out.append(
            (
                key,
                {
                    "no": tree_path(p.no, f.no, None),
                    "aspect": numbered(a.marker, a.title),
                    "problem": numbered(p.marker, p.title),
                    "finding": numbered(f.marker, f.text),
                    "progress": f.answer or None,
                    "state": str(_ANSWER_LABELS[f.answer_kind]),
                    "_ids": (f.inspection_id, a.pk, p.pk, f.pk),
                },
            )
        )
    out.sort(key=lambda item: item[0])
    return out


def _sheet_rows(
    items: Iterable[tuple[tuple[Any, ...], dict[str, Any]]], titles: dict[int, str]
) -> Iterator[Row]:
    """The writer's rows: the inspection's title, and the ids whose changes end merges."""
    for _key, values in items:
        ids = values.pop("_ids")
        values["inspection"] = titles.get(ids[0], "")
        yield Row(values=values, groups=(ids[1], ids[2], ids[3]))
