"""Search over the texts of problems, findings and measures, for one user.

Candidates come from the bigram index (`SearchGram`: every pair of the query's characters
present), then a substring match on the stored text confirms them, so the rows are exactly
those of the reference `core.bigrams.matches` on SQLite and PostgreSQL alike. Results keep
the ledger's order (newest inspection first, then the tree's order) and are read from the
top, a page at a time: their order is the tree's, which no index serves, so the page is cut
by offset, bounded by `MAX_START`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import FilteredRelation, Q, QuerySet

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import ViewScope, view_scope
from zhenggai.core.bigrams import clean_query, highlight_spans, query_grams
from zhenggai.core.markers import strip_marker
from zhenggai.ledger.models import Finding, Measure, MeasureFinding, Problem, SearchGram, SearchKind
from zhenggai.ledger.selectors.scope import measure_scope

PAGE_SIZE = 20
#: Beyond this many results a search asks for more words instead of more pages.
MAX_START = 2000

TOO_SHORT = "请至少输入两个字"
KINDS = (SearchKind.MEASURE, SearchKind.FINDING, SearchKind.PROBLEM)


@dataclass(frozen=True)
class Hit:
    kind: str
    obj: Any
    #: (piece, is_match) pieces of the text shown, for highlighting.
    pieces: list[tuple[str, bool]]
    #: (label, model, pk) of the ancestors shown as the hit's place in the tree.
    place: list[tuple[str, str, int]]


@dataclass(frozen=True)
class SearchResults:
    query: str
    kind: str
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    start: int = 0
    next_start: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _candidates(kind: str, grams: list[str]) -> QuerySet[Any]:
    """Ids of the objects of `kind` holding every gram: an INTERSECT of the grams' postings,
    each an ordered range of the (kind, gram, object_id) index. (A GROUP BY … HAVING over
    all postings is the textbook form; SQLite plans it as a scan, 10–400× slower.)"""
    postings = [
        SearchGram.objects.filter(kind=kind, gram=gram).values_list("object_id", flat=True)
        for gram in grams
    ]
    return postings[0].intersection(*postings[1:]) if len(postings) > 1 else postings[0]


def _confirm(query: str, *fields: str) -> Q:
    """The substring match that confirms the index's candidates; none is needed for a
    two-character query, whose one gram is the whole query."""
    if len(query) == 2:
        return Q()
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__icontains": query})
    return q


def _measures(query: str, grams: list[str], scope: Q | None) -> QuerySet[Measure]:
    rows = Measure.objects.filter(
        _confirm(query, "content", "target"), pk__in=_candidates(SearchKind.MEASURE, grams)
    )
    return rows.filter(scope) if scope is not None else rows


def _tree_scope(scope: ViewScope, measures: Q | None, *, problems: bool) -> Q:
    """Findings (or problems) the user may read: those of inspections read whole, and
    those above a measure the user reads (`measures`, the user's condition on Measure)."""
    q = scope.whole_q(organisation="inspection__organisation", inspection="inspection")
    if scope.units:
        links = MeasureFinding.objects.filter(
            measure__in=Measure.objects.filter(measures) if measures is not None else Measure.objects.all()
        )
        q |= Q(pk__in=links.values("finding__problem_id" if problems else "finding_id"))
    return q


def _findings(query: str, grams: list[str], scope: Q) -> QuerySet[Finding]:
    return Finding.objects.filter(
        scope, _confirm(query, "text"), pk__in=_candidates(SearchKind.FINDING, grams)
    )


def _problems(query: str, grams: list[str], scope: Q) -> QuerySet[Problem]:
    return Problem.objects.filter(
        scope, _confirm(query, "title"), pk__in=_candidates(SearchKind.PROBLEM, grams)
    )


def _ordered(kind: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    if kind == SearchKind.PROBLEM:
        return rows.select_related("inspection", "aspect").order_by(
            "-inspection_id", "aspect__sort_order", "aspect_id", "sort_order", "id"
        )
    if kind == SearchKind.FINDING:
        return rows.select_related("inspection", "problem__aspect").order_by(
            "-inspection_id", "problem__aspect__sort_order", "problem__aspect_id",
            "problem__sort_order", "problem_id", "sort_order", "id",
        )
    return (
        rows.annotate(primary_link=FilteredRelation("finding_links", condition=Q(finding_links__is_primary=True)))
        .select_related("inspection")
        .order_by(
            "-inspection_id", "primary_link__finding__problem__aspect__sort_order",
            "primary_link__finding__problem__sort_order", "primary_link__finding__problem_id",
            "primary_link__finding__sort_order", "primary_link__finding_id", "no", "id",
        )
    )


def _place(kind: str, obj: Any) -> list[tuple[str, str, int]]:
    inspection = obj.inspection
    place = [(inspection.title, "inspection", inspection.pk)]
    if kind == SearchKind.MEASURE:
        link = getattr(obj, "primary", None)
        finding = link.finding if link is not None else None
    elif kind == SearchKind.FINDING:
        finding = obj
    else:
        finding = None
    problem = finding.problem if finding is not None else (obj if kind == SearchKind.PROBLEM else None)
    if problem is not None:
        if problem.aspect.title:
            place.append((problem.aspect.title, "aspect", problem.aspect.pk))
        if kind != SearchKind.PROBLEM:
            place.append((problem.title or str(problem), "problem", problem.pk))
    if finding is not None and kind == SearchKind.MEASURE:
        place.append((finding.text, "finding", finding.pk))
    return place


def _text(kind: str, obj: Any) -> str:
    if kind == SearchKind.PROBLEM:
        return str(obj.title)
    if kind == SearchKind.FINDING:
        return str(obj.text)
    return strip_marker(obj.content, obj.marker)


def search(
    user: User | AnonymousUser, query: str, *, kind: str = "", start: int = 0
) -> SearchResults:
    """The user's matches for `query`: counts of each kind, and one page of `kind` (the
    first kind with matches when none is asked)."""
    query = clean_query(query)
    grams = query_grams(query)
    if not grams:
        return SearchResults(query=query, kind=kind, error=TOO_SHORT if query else None)
    # The user's scope, read once (two queries) for the three kinds.
    measures = measure_scope(user)
    scope = view_scope(user)
    sets: dict[str, QuerySet[Any]] = {
        SearchKind.MEASURE: _measures(query, grams, measures),
        SearchKind.FINDING: _findings(query, grams, _tree_scope(scope, measures, problems=False)),
        SearchKind.PROBLEM: _problems(query, grams, _tree_scope(scope, measures, problems=True)),
    }
    counts = {k: rows.count() for k, rows in sets.items()}
    if kind not in counts:
        kind = next((k for k in KINDS if counts[k]), SearchKind.MEASURE)
    start = max(0, min(start, MAX_START))
    page = _page(kind, sets[kind], start)
    more = len(page) > PAGE_SIZE and start + PAGE_SIZE <= MAX_START
    if kind == SearchKind.MEASURE:
        # The primary link's finding for the measure's place in the tree: one query.
        _attach_primary(page)
    hits = [
        Hit(kind=kind, obj=o, pieces=highlight_spans(query, _text(kind, o)), place=_place(kind, o))
        for o in page[:PAGE_SIZE]
    ]
    return SearchResults(
        query=query, kind=kind, counts=counts, hits=hits,
        start=start, next_start=start + PAGE_SIZE if more else None,
    )


def _page(kind: str, rows: QuerySet[Any], start: int) -> list[Any]:
    """Rows start … start + PAGE_SIZE (one more, to tell whether a next page exists) in
    ledger order. Sorting every match by the tree's order costs joins for each of them (a
    common word matches thousands); the newest inspection comes first, so the page is found
    by sorting the matches' inspection ids alone, and only the inspections on the page are
    sorted by the tree."""
    head = list(
        rows.order_by("-inspection_id").values_list("inspection_id", flat=True)[
            : start + PAGE_SIZE + 1
        ]
    )
    if len(head) <= start:
        return []
    first = head[start]
    skip = start - head.index(first)
    on_page = rows.filter(inspection_id__in=set(head[start:]))
    return list(_ordered(kind, on_page)[skip : skip + PAGE_SIZE + 1])


def _attach_primary(measures: list[Measure]) -> None:
    links = {
        link.measure_id: link
        for link in MeasureFinding.objects.filter(
            measure__in=[m.pk for m in measures], is_primary=True
        ).select_related("finding__problem__aspect")
    }
    for m in measures:
        m.primary = links.get(m.pk)  # type: ignore[attr-defined]
