"""Search over the texts of problems, findings and measures, for one user.

Candidates come from the bigram index (`SearchGram`: every pair of the query's characters
present), then a substring match on the stored text confirms them, so the rows are exactly
those of the reference `core.bigrams.matches` on SQLite and PostgreSQL alike. Results keep
the ledger's order (newest inspection first, then the tree's order) and are read from the
top, a page at a time: their order is the tree's, which no index serves, so the page is cut
by offset, bounded by `MAX_START`.

The cost follows the matches, and a common word (整改) stands in half the ledger, so no step
visits every match: counts stop at `COUNT_CAP` ("超过 200 条"), and each step picks a shape by
the posting lists' sizes (read capped, `search_plan`). A word whose rarest gram is in at
most `RARE` rows is read from that gram's postings alone, fetched as ids: one query confirms
them by primary key (the substring match) and returns the matches' inspections, newest
first, with whether the user may read each, as far as the count and the page need
(`_found`); a gram in no row ends the kind's search there. A larger posting list, not dense
enough to walk, is joined as a subquery (`pk IN` the grams' intersection). A common word
walks the ledger's own order and asks the index of each row whether it holds the rarest
gram (a scalar probe of the unique (kind, gram, object_id) index; the substring match
confirms the rest), stopping at the page or the cap — with dense matches that is a few
rows, where the postings are thousands.

Why ids: with the postings as a subquery, PostgreSQL joins them to a sequential scan that
runs the substring match on every text of the kind (with an INTERSECT of several lists,
60–130 ms on 25,000 measures; with one list, 10–20 ms); a list of ids makes it fetch the
candidates by primary key. The list is one parameter (`search_plan.InIds`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import ViewScope, view_scope
from zhenggai.core.bigrams import clean_query, highlight_spans, query_grams
from zhenggai.core.markers import strip_marker
from zhenggai.ledger.models import (
    Finding,
    Measure,
    MeasureFinding,
    Problem,
    SearchGram,
    SearchKind,
    SearchUnit,
)
from zhenggai.ledger.selectors.scope import measure_scope, whole_exists
from zhenggai.ledger.selectors.search_plan import InIds, Plan, plan_kinds

PAGE_SIZE = 20
#: Beyond this many results a search asks for more words instead of more pages.
MAX_START = 2000
#: Counts stop here: beyond it the number helps nobody find a row (the page says "超过"),
#: and an exact count of a common word visits all its thousands of matches. 200 is ten
#: pages, and the pages go on past it (to `MAX_START`); at 500 a unit's count of a word in
#: a tenth of the ledger cost 12 ms of a 57 ms search on PostgreSQL (scale 0.1).
COUNT_CAP = 200

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
    two-character query, whose one gram is the whole query.

    The reference folds ASCII letters only (`core.bigrams.matches`), so a query without
    them is matched as it is, and one with them on UPPER of both sides (as `icontains`
    does; SQLite's UPPER folds ASCII letters alone). UPPER of every candidate's text costs
    more than the search for the query in it, and most queries are Chinese.

    Written as a position rather than LIKE '%…%': for LIKE PostgreSQL guesses a selectivity
    that falls with the pattern's length (5 rows where 2,468 match an eight-character
    query) and plans nested loops of sequential scans on it; a position compared with zero
    gets its default third, which keeps hash joins."""
    if len(query) == 2:
        return Q()
    folds = any(c.isascii() and c.isalpha() for c in query)
    needle = Upper(Value(query)) if folds else Value(query)
    q = Q()
    for name in fields:
        text = Upper(name) if folds else F(name)
        q |= Q(GreaterThan(StrIndex(text, needle), 0))
    return q


def _tree_scope(scope: ViewScope, kind: str, *, correlated: bool = False) -> Q:
    """Findings (or problems) the user may read: those of inspections read whole, and
    those with a measure below that one of the user's units leads or is assigned — one
    probe of `SearchUnit`'s unique index per candidate. (Through the tree it was about
    five probes and a measure row per candidate: the busiest unit's 3,000 candidate
    problems for 公务用车 took 43.9 ms on PostgreSQL, 16.7 ms from `SearchUnit`, in EXPLAIN
    ANALYZE.)
    `correlated`: the inspections read whole as an EXISTS, for a walk in their order
    (`measure_scope` says why)."""
    if correlated:
        q = whole_exists(scope)
    else:
        q = scope.whole_q(organisation="inspection__organisation", inspection="inspection")
    if scope.units:
        # The equality and, redundant, `>=`: with the equality alone PostgreSQL may hash all
        # of the unit's rows once per query (it does when it expects many candidates);
        # a second correlated term that is not an equality keeps the probe per row, and the
        # equality keeps its estimate.
        units = SearchUnit.objects.filter(
            scope.unit_q(unit="unit", inspection="inspection"),
            kind=kind, object_id=OuterRef("pk"), object_id__gte=OuterRef("pk"),
        )
        q |= Q(Exists(units))
    return q


MODELS: dict[str, tuple[Any, tuple[str, ...]]] = {
    SearchKind.MEASURE: (Measure, ("content", "target")),
    SearchKind.FINDING: (Finding, ("text",)),
    SearchKind.PROBLEM: (Problem, ("title",)),
}


def _rows(
    kind: str, query: str, grams: list[str], scope: Q | None, *, plan: Plan, walk: bool
) -> QuerySet[Any]:
    """The user's matches of `kind`, in one of three shapes with the same rows: from the
    rarest gram's postings when `plan` has them; else from the postings' intersection
    (`walk=False`), or with a probe of the index per row, for a caller that walks the rows
    in an order of its own and stops early (`walk=True`)."""
    model, fields = MODELS[kind]
    if plan.ids is not None:
        if not plan.ids:
            return model.objects.none()
        rows = model.objects.filter(_confirm(query, *fields), InIds(F("pk"), plan.ids))
    elif walk:
        # The rarest gram alone: the substring match decides, and the planner estimates one
        # gram's rows, where it multiplied three (a phrase's grams go together: it expected
        # 279 of 24,990 matches at scale 0.1 and joined the postings instead of walking).
        # A scalar probe, not EXISTS: PostgreSQL turns an EXISTS into a join with the whole
        # posting list (a hash of 7,300 postings and a scan of 75,000 findings, 40 ms),
        # where the walk needs the index asked row by row (0.5 ms for a page).
        rarest = plan.rarest or grams[0]
        probe = SearchGram.objects.filter(kind=kind, gram=rarest, object_id=OuterRef("pk"))
        rows = model.objects.alias(gram_probe=Subquery(probe.values("object_id")[:1])).filter(
            _confirm(query, *fields), gram_probe__isnull=False
        )
    else:
        rows = model.objects.filter(_confirm(query, *fields), pk__in=_candidates(kind, grams))
    return rows.filter(scope) if scope is not None else rows


def _plans(grams: list[str], start: int) -> dict[str, Plan]:
    """Each kind's shape for a search from `start` (`search_plan.plan_kinds`)."""
    models: dict[str, Any] = {kind: MODELS[kind][0] for kind in KINDS}
    return plan_kinds(models, grams, count_need=COUNT_CAP, page_need=start + PAGE_SIZE + 1)


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
        SearchKind.FINDING: _tree_scope(scope, SearchKind.FINDING),
        SearchKind.PROBLEM: _tree_scope(scope, SearchKind.PROBLEM),
    }
    start = max(0, min(start, MAX_START))
    plans = _plans(grams, start)
    # The inspections of a kind's matches read from its ids, newest first, as far as the
    # count and the page need (the same list serves both).
    enough = max(COUNT_CAP, start + PAGE_SIZE + 1) + 1
    found: dict[str, list[int]] = {
        k: _found(k, query, scopes[k], plans[k].ids, enough)
        for k in KINDS
        if plans[k].ids is not None
    }
    counts: dict[str, int] = {
        k: len(found[k])
        if k in found
        else _rows(k, query, grams, scopes[k], plan=plans[k], walk=plans[k].count_walk)
        .order_by()
        .values("pk")[: COUNT_CAP + 1]
        .count()
        for k in KINDS
    }
    capped = frozenset(k for k, n in counts.items() if n > COUNT_CAP)
    counts = {k: min(n, COUNT_CAP) for k, n in counts.items()}
    if kind not in counts:
        kind = next((k for k in KINDS if counts[k]), SearchKind.MEASURE)
    plan = plans[kind]
    if kind in found:
        head = found[kind]
        rows = _rows(kind, query, grams, scopes[kind], plan=plan, walk=False)
    else:
        head_scope = scopes[kind]
        if plan.head_walk:
            # A scope that lets the walk follow the inspections' order and stop after the
            # page: no indexed OR, which collected all of a unit's measures first (SQLite,
            # scale 0.1: 44 → 1 ms), and whole inspections asked row by row.
            head_scope = (
                measure_scope(user, correlated=True)
                if kind == SearchKind.MEASURE
                else _tree_scope(scope, kind, correlated=True)
            )
        shape = _rows(kind, query, grams, head_scope, plan=plan, walk=plan.head_walk)
        head = list(
            shape.order_by("-inspection_id").values_list("inspection_id", flat=True)[
                : start + PAGE_SIZE + 1
            ]
        )
        rows = _rows(kind, query, grams, scopes[kind], plan=plan, walk=True)
    page = _page(kind, head, rows, start)
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


def _found(
    kind: str, query: str, scope: Q | None, ids: tuple[int, ...] | None, enough: int
) -> list[int]:
    """The inspection of each match among `ids` that the user may read, newest first, at
    most `enough` of them.

    The scope is a column, not a condition: PostgreSQL computes a sorted query's columns
    after the sort and its limit, so it asks the scope of the first rows only, a batch at
    a time (doubling) until enough are readable: at most four batches, as the ids are at
    most `RARE`. As a condition it was asked of every match before the sort: a unit
    reading most of 3,000 matches paid for 3,000 scope probes where a few hundred fill the
    count (problems for 公务用车, the busiest unit at scale 0.1, with a cap of 500: 15.5 →
    9.5 ms). The order is total, so the batches neither skip nor repeat a row."""
    if not ids:
        return []
    model, fields = MODELS[kind]
    rows = model.objects.filter(_confirm(query, *fields), InIds(F("pk"), ids)).order_by(
        "-inspection_id", "-pk"
    )
    if scope is None:
        return list(rows.values_list("inspection_id", flat=True)[:enough])
    marked = rows.annotate(readable=ExpressionWrapper(scope, output_field=BooleanField()))
    found: list[int] = []
    at, size = 0, 2 * enough
    while len(found) < enough:
        batch = list(marked.values_list("inspection_id", "readable")[at : at + size])
        found += [inspection for inspection, readable in batch if readable]
        if len(batch) < size:
            break
        at, size = at + size, size * 2
    return found[:enough]


def _page(kind: str, head: list[int], rows: QuerySet[Any], start: int) -> list[Any]:
    """Rows start … start + PAGE_SIZE (one more, to tell whether a next page exists) in
    ledger order. Sorting every match by the tree's order costs joins for each of them (a
    common word matches thousands); the newest inspection comes first, so the page is found
    from the matches' inspection ids alone (`head`, newest first, at least the page's), and
    only the inspections on the page are sorted by the tree — their rows (`rows`, the rare
    shape or the walking one) found through the inspection's index."""
    ids = head[: start + PAGE_SIZE + 1]
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
