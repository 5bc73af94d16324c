"""Keeping the search index (`SearchGram`) equal to the texts it is built from.

The services that write a problem's title, a finding's text or a measure's content and
target call `search_index_refresh` in their own transaction, so a search never lags the
ledger and a rolled-back write leaves the index as it was. The index is derived data: it
has no audit entry of its own (the write that changed the text has one), and
`search_index_rebuild` recomputes it whole (`zhenggai search-index`, the migration that
created it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import transaction

from zhenggai.core.bigrams import bigrams
from zhenggai.ledger.models import Finding, Inspection, Measure, Problem, SearchGram, SearchKind

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
    """Recompute the index of one inspection, or of everything; returns the rows written."""
    written = 0
    for kind in SearchKind.values:
        if inspection is None:
            SearchGram.objects.filter(kind=kind).delete()
        else:
            ids = MODELS[kind].objects.filter(inspection=inspection).values("pk")
            SearchGram.objects.filter(kind=kind, object_id__in=ids).delete()
        written += _write(kind, _texts(kind, None, inspection))
    return written
