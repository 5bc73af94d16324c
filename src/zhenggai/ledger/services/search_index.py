"""Keeping the search index equal to the ledger it is built from: the texts' bigrams
(`SearchGram`) and the units working under each problem and finding (`SearchUnit`).

The services that write a problem's title, a finding's text or a measure's content and
target call `search_index_refresh`; those that change a measure's lead unit or its
assignments call `search_units_refresh`; both in their own transaction, so a search never
lags the ledger and a rolled-back write leaves the index as it was. The index is derived
data: it has no audit entry of its own (the write that changed the ledger has one), and
`search_index_rebuild` recomputes it whole (`zhenggai search-index`, the migrations that
created it, imports).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import QuerySet

from zhenggai.core.bigrams import bigrams
from zhenggai.ledger.models import (
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    Problem,
    SearchGram,
    SearchKind,
    SearchUnit,
)

BATCH = 2000
MODELS: dict[str, type[Problem | Finding | Measure]] = {
    SearchKind.PROBLEM: Problem,
    SearchKind.FINDING: Finding,
    SearchKind.MEASURE: Measure,
}


def measure_text(content: str, target: str) -> str:
    # One newline between the two: no query (one line, see clean_query) spans both.
    return f"{content}\n{target}" if target else content


def _texts(
    kind: str, ids: Iterable[int] | None, inspection: Inspection | None
) -> Iterator[tuple[int, str]]:
    model: type[Problem | Finding | Measure] = MODELS[kind]
    fields = {"p": ("title",), "f": ("text",)}.get(kind, ("content", "target"))
    rows = model.objects.values_list("pk", *fields)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if inspection is not None:
        rows = rows.filter(inspection=inspection)
    for pk, *texts in rows.order_by("pk").iterator(chunk_size=BATCH):
        yield pk, measure_text(*texts) if kind == SearchKind.MEASURE else texts[0]


def _write(kind: str, texts: Iterable[tuple[int, str]]) -> int:
    written = 0
    batch: list[SearchGram] = []
    for pk, text in texts:
        batch.extend(SearchGram(kind=kind, object_id=pk, gram=g) for g in bigrams(text))
        if len(batch) >= BATCH:
            SearchGram.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        SearchGram.objects.bulk_create(batch)
        written += len(batch)
    return written


@transaction.atomic
def search_index_refresh(
    *,
    problems: Iterable[int] = (),
    findings: Iterable[int] = (),
    measures: Iterable[int] = (),
) -> None:
    """Re-index these objects (ids) from their stored texts; an id that no longer exists
    just loses its rows."""
    for kind, given in (
        (SearchKind.PROBLEM, problems),
        (SearchKind.FINDING, findings),
        (SearchKind.MEASURE, measures),
    ):
        ids = list(given)
        if not ids:
            continue
        SearchGram.objects.filter(kind=kind, object_id__in=ids).delete()
        _write(kind, _texts(kind, ids, None))


@transaction.atomic
def search_index_rebuild(*, inspection: Inspection | None = None) -> int:
    """Recompute the index of one inspection, or of everything, with its units; returns the
    bigram rows written."""
    written = 0
    for kind in SearchKind.values:
        if inspection is None:
            SearchGram.objects.filter(kind=kind).delete()
        else:
            ids = MODELS[kind].objects.filter(inspection=inspection).values("pk")
            SearchGram.objects.filter(kind=kind, object_id__in=ids).delete()
        written += _write(kind, _texts(kind, None, inspection))
    _units_rebuild(inspection)
    return written


def _units_write(links: QuerySet[MeasureFinding]) -> None:
    """Write the (kind, object, unit, inspection) rows of the findings of these links and
    of their problems: each linked measure's lead unit and every assigned unit. A problem's
    rows are its findings' together, so callers pass all the links of a problem."""
    columns = ("finding_id", "finding__problem_id", "finding__inspection_id")
    led = links.filter(measure__lead_unit__isnull=False).values_list(
        *columns, "measure__lead_unit_id"
    )
    assigned = links.filter(measure__assignments__isnull=False).values_list(
        *columns, "measure__assignments__unit_id"
    )
    rows: set[tuple[str, int, int, int]] = set()
    for source in (led, assigned):
        for finding, problem, inspection, unit in source.iterator(chunk_size=BATCH):
            rows.add((SearchKind.FINDING, finding, unit, inspection))
            rows.add((SearchKind.PROBLEM, problem, unit, inspection))
    SearchUnit.objects.bulk_create(
        (SearchUnit(kind=k, object_id=o, unit_id=u, inspection_id=i) for k, o, u, i in rows),
        batch_size=BATCH,
    )


def _units_rebuild(inspection: Inspection | None) -> None:
    """Every inspection's units, a few inspections at a time (a province's ledger holds
    hundreds of thousands of rows; one inspection's are a few hundred)."""
    if inspection is None:
        SearchUnit.objects.all().delete()
        inspections = list(Inspection.objects.order_by("pk").values_list("pk", flat=True))
    else:
        SearchUnit.objects.filter(inspection=inspection).delete()
        inspections = [inspection.pk]
    for i in range(0, len(inspections), 50):
        _units_write(
            MeasureFinding.objects.filter(finding__inspection_id__in=inspections[i : i + 50])
        )


@transaction.atomic
def search_units_refresh(*, measures: Iterable[int]) -> None:
    """Recompute the units of the findings these measures (ids) serve and of those findings'
    problems, after a measure's lead unit or assignments changed."""
    problems = list(
        Finding.objects.filter(measure_links__measure_id__in=list(measures))
        .values_list("problem_id", flat=True)
        .distinct()
    )
    if not problems:
        return
    findings = list(Finding.objects.filter(problem_id__in=problems).values_list("pk", flat=True))
    SearchUnit.objects.filter(kind=SearchKind.PROBLEM, object_id__in=problems).delete()
    SearchUnit.objects.filter(kind=SearchKind.FINDING, object_id__in=findings).delete()
    _units_write(MeasureFinding.objects.filter(finding_id__in=findings))
