"""Search over the texts of problems, findings and measures, for one user.

Candidates come from the bigram index (`SearchGram`: every pair of the query's characters
present), then a substring match on the stored text confirms them, so the rows are exactly
those of the reference `core.bigrams.matches` on SQLite and PostgreSQL alike. Results keep
the ledger's order (newest inspection first, then the tree's order) and are read from the
top, a page at a time: their order is the tree's, which no index serves, so the page is cut
by offset, bounded by `MAX_START`.

The cost follows the matches, and a common word (整改) stands in half the ledger, so no step
visits every match: counts stop at `COUNT_CAP` ("超过 500 条"), and each step picks one of two
shapes by the posting lists' sizes (read capped, `_plan`). A rare word is read from its
postings (`pk IN` their intersection: the database collects the few ids, then sorts them); a
common word walks the ledger's own order and asks the index of each row whether it holds
every gram (`EXISTS` on the unique (kind, gram, object_id) index), stopping at the page or
the cap — with dense matches that is a few rows, where the postings are thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import isqrt
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, FilteredRelation, Max, Min, OuterRef, Q, QuerySet

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import ViewScope, view_scope
from zhenggai.core.bigrams import clean_query, highlight_spans, query_grams
from zhenggai.core.markers import strip_marker
from zhenggai.ledger.models import Finding, Measure, MeasureFinding, Problem, SearchGram, SearchKind
from zhenggai.ledger.selectors.scope import measure_scope

PAGE_SIZE = 20
#: Beyond this many results a search asks for more words instead of more pages.
MAX_START = 2000
#: Counts stop here: beyond it the number helps nobody find a row (the page says "超过"),
#: and an exact count of a common word visits all its thousands of matches.
COUNT_CAP = 500

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
    #: Matches of each kind, at most COUNT_CAP (see `capped`).
    counts: dict[str, int] = field(default_factory=dict)
    #: The kinds with more than COUNT_CAP matches: their count is the cap, not the number.
    capped: frozenset[str] = frozenset()
    hits: list[Hit] = field(default_factory=list)
    start: int = 0
    next_start: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def count(self) -> int:
        """The shown kind's count (the cap when `count_capped`)."""
        return self.counts.get(self.kind, 0)

    @property
    def count_capped(self) -> bool:
        """The shown kind has more matches than its count says."""
        return self.kind in self.capped


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


MODELS: dict[str, tuple[Any, tuple[str, ...]]] = {
    SearchKind.MEASURE: (Measure, ("content", "target")),
    SearchKind.FINDING: (Finding, ("text",)),
    SearchKind.PROBLEM: (Problem, ("title",)),
}


def _rows(kind: str, query: str, grams: list[str], scope: Q | None, *, walk: bool) -> QuerySet[Any]:
    """The user's matches of `kind`, in one of two shapes with the same rows: from the
    postings (`walk=False`), or with an EXISTS probe of the index per row, for a caller that
    walks the rows in an order of its own and stops early (`walk=True`)."""
    model, fields = MODELS[kind]
    if walk:
        index = [
            Exists(SearchGram.objects.filter(kind=kind, gram=gram, object_id=OuterRef("pk")))
            for gram in grams
        ]
        rows = model.objects.filter(*index, _confirm(query, *fields))
    else:
        rows = model.objects.filter(_confirm(query, *fields), pk__in=_candidates(kind, grams))
    return rows.filter(scope) if scope is not None else rows


@dataclass(frozen=True)
class _Plan:
    """Which shape each step of one kind takes (see the module's docstring)."""

    #: Count by walking the rows (stopping at the cap) rather than from the postings.
    count_walk: bool
    #: Find the page's inspections by walking the ledger's order.
    head_walk: bool


def _plan(kind: str, grams: list[str], start: int) -> _Plan:
    """Walking n rows in some order finds about n·p/N matches (p the smallest posting list,
    N the objects of the kind, as the span of their ids tells); reading the postings costs
    about p. So a step that needs k matches walks when k·N/p < p, that is when p² > k·N.
    The posting lists are counted only as far as the decision needs (one capped index range
    each), so reading them costs at most √(k·N) entries."""
    model, _ = MODELS[kind]
    ids = model.objects.aggregate(top=Max("pk"), bottom=Min("pk"))
    top = ids["top"] - ids["bottom"] + 1 if ids["top"] is not None else 0
    need = max(COUNT_CAP, start + PAGE_SIZE + 1)
    enough = isqrt(need * top) + 1
    smallest = min(
        SearchGram.objects.filter(kind=kind, gram=gram).values("pk")[:enough].count()
        for gram in grams
    )
    squared = smallest * smallest
    return _Plan(
        count_walk=squared > COUNT_CAP * top,
        head_walk=squared > (start + PAGE_SIZE + 1) * top,
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
    scopes: dict[str, Q | None] = {
        SearchKind.MEASURE: measures,
        SearchKind.FINDING: _tree_scope(scope, measures, problems=False),
        SearchKind.PROBLEM: _tree_scope(scope, measures, problems=True),
    }
    start = max(0, min(start, MAX_START))
    plans: dict[str, _Plan] = {k: _plan(k, grams, start) for k in KINDS}
    counts: dict[str, int] = {
        k: _rows(k, query, grams, scopes[k], walk=plans[k].count_walk)
        .values("pk")[: COUNT_CAP + 1]
        .count()
        for k in KINDS
    }
    capped = frozenset(k for k, n in counts.items() if n > COUNT_CAP)
    counts = {k: min(n, COUNT_CAP) for k, n in counts.items()}
    if kind not in counts:
        kind = next((k for k in KINDS if counts[k]), SearchKind.MEASURE)
    head = _rows(kind, query, grams, scopes[kind], walk=plans[kind].head_walk)
    page = _page(kind, head, _rows(kind, query, grams, scopes[kind], walk=True), start)
    more = len(page) > PAGE_SIZE and start + PAGE_SIZE <= MAX_START
    if kind == SearchKind.MEASURE:
        # The primary link's finding for the measure's place in the tree: one query.
        _attach_primary(page)
    hits = [
        Hit(kind=kind, obj=o, pieces=highlight_spans(query, _text(kind, o)), place=_place(kind, o))
        for o in page[:PAGE_SIZE]
    ]
    return SearchResults(
        query=query, kind=kind, counts=counts, capped=capped, hits=hits,
        start=start, next_start=start + PAGE_SIZE if more else None,
    )


def _page(kind: str, head: QuerySet[Any], rows: QuerySet[Any], start: int) -> list[Any]:
    """Rows start … start + PAGE_SIZE (one more, to tell whether a next page exists) in
    ledger order. Sorting every match by the tree's order costs joins for each of them (a
    common word matches thousands); the newest inspection comes first, so the page is found
    from the matches' inspection ids alone (`head`, in the shape `_plan` chose), and only
    the inspections on the page are sorted by the tree — their rows found through the
    inspection's index and probed (`rows`, the walking shape), never through the postings."""
    ids = list(
        head.order_by("-inspection_id").values_list("inspection_id", flat=True)[
            : start + PAGE_SIZE + 1
        ]
    )
    if len(ids) <= start:
        return []
    first = ids[start]
    skip = start - ids.index(first)
    on_page = rows.filter(inspection_id__in=set(ids[start:]))
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
