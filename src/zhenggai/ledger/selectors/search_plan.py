"""How a search reads each kind: the shape chosen from the posting lists' sizes, and the
list of ids the rare shape reads (`ledger.selectors.search` says what each shape does).

The plan is a handful of reads per kind — the span of the kind's ids, each gram's posting
list counted up to what the decision needs, the rarest gram's ids — each a few index
entries. As separate statements they were 12 to 24 round trips a search, each compiled by
the ORM: 11 ms of the busiest unit's search on PostgreSQL for four characters. Here they
are three statements for all kinds together: the ORM compiles each read, and `_together`
runs them as one UNION ALL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import isqrt
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet, Subquery
from django.db.models.lookups import In

from zhenggai.ledger.models import SearchGram

#: A rarest gram in at most this many rows of a kind is read alone (see the search module's
#: docstring); below every SQLite's limit of bound parameters (32,766).
RARE = 4000


@dataclass(frozen=True)
class Plan:
    """Which shape each step of one kind takes."""

    #: Count by walking the rows (stopping at the cap) rather than from the postings.
    count_walk: bool
    #: Find the page's inspections by walking the ledger's order.
    head_walk: bool
    #: The rarest gram's postings, when they are few (`RARE`): every step reads these.
    ids: tuple[int, ...] | None = None
    #: The gram with the fewest postings, which the walking shape probes.
    rarest: str = ""


class InIds(In):
    """`pk IN (…ids)` with the ids as one parameter: an array on PostgreSQL (`= ANY(%s)`),
    a JSON list on SQLite (`IN (SELECT value FROM json_each(%s))`). A search's candidates
    are thousands of ids: as bound parameters they cost more to send and parse than the
    query takes to run (PostgreSQL), and SQLite plans an IN list of them as a probe per
    row of a scan of the user's inspections (42 ms, against 4.5 ms from the JSON list).

    The list goes as text (`{1,2,…}` or `[1,2,…]`), written once: the field's per-item
    preparation and the driver's array adaptation of 3,000 ids took 1.8 and 4.0 ms of a
    search under cProfile."""

    def get_prep_lookup(self) -> Any:
        return self.rhs  # integers from the index, made text once in `_text`

    def _text(self, opening: str, closing: str) -> str:
        if not self.rhs:
            raise EmptyResultSet
        return opening + ",".join(str(int(pk)) for pk in self.rhs) + closing

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        ids = self._text("{", "}")
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, ids]

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        ids = self._text("[", "]")
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, ids]


def _together(parts: Sequence[QuerySet[Any]], row: str) -> list[tuple[Any, ...] | None]:
    """`row` (`*` or an aggregate) of each of `parts`, in one statement: a UNION ALL of the
    parts as subqueries, each compiled by the ORM. One part's row or None, in order."""
    sqls: list[str] = []
    params: list[Any] = []
    for i, part in enumerate(parts):
        sql, more = part.query.sql_with_params()
        sqls.append(f"SELECT {i} AS part, {row} FROM ({sql}) part{i}")
        params.extend(more)
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sqls), params)
        got = {r[0]: tuple(r[1:]) for r in cursor.fetchall()}
    return [got.get(i) for i in range(len(parts))]


def plan_kinds(
    models: dict[str, Any], grams: list[str], *, count_need: int, page_need: int
) -> dict[str, Plan]:
    """The plan of each kind (`models`: kind → model) for a search that needs `count_need`
    matches to count and `page_need` for its page.

    Walking n rows in some order finds about n·p/N matches (p the smallest posting list,
    N the objects of the kind, as the span of their ids tells); reading the postings costs
    about p. So a step that needs k matches walks when k·N/p < p, that is when p² > k·N —
    unless p is at most `RARE`, and the postings are read. The posting lists are counted
    only as far as the decision needs (one capped index range each), so reading them costs
    at most max(√(k·N), RARE) entries."""
    kinds = list(models)
    # The lowest id and, in a subquery, the highest: each read from one end of the primary
    # key, where SQLite answered MAX(id), MIN(id) together by reading every row (20 ms for
    # 250,000 measures).
    ends = _together(
        [
            model.objects.order_by("pk")
            .annotate(last=Subquery(model.objects.order_by("-pk").values("pk")[:1]))
            .values_list("pk", "last")[:1]
            for model in models.values()
        ],
        "*",
    )
    need = max(count_need, page_need)
    enough = {
        kind: max(isqrt(need * _span(span)), RARE) + 1
        for kind, span in zip(kinds, ends, strict=True)
    }
    postings = [(kind, gram) for kind in kinds for gram in grams]
    counted = _together(
        [
            SearchGram.objects.filter(kind=kind, gram=gram).values("pk")[: enough[kind]]
            for kind, gram in postings
        ],
        "COUNT(*)",
    )
    sizes = {posting: row[0] if row else 0 for posting, row in zip(postings, counted, strict=True)}
    plans: dict[str, Plan] = {}
    rare: dict[str, str] = {}
    for kind, span in zip(kinds, ends, strict=True):
        rarest = min(grams, key=lambda gram: sizes[kind, gram])
        smallest = sizes[kind, rarest]
        if smallest <= RARE:
            if smallest:
                rare[kind] = rarest
            plans[kind] = Plan(count_walk=False, head_walk=False, ids=())
            continue
        squared = smallest * smallest
        top = _span(span)
        plans[kind] = Plan(
            count_walk=squared > count_need * top,
            head_walk=squared > page_need * top,
            rarest=rarest,
        )
    if rare:
        found: dict[str, list[int]] = {kind: [] for kind in rare}
        wanted = Q(pk__in=[])
        for kind, gram in rare.items():
            wanted |= Q(kind=kind, gram=gram)
        for kind, pk in SearchGram.objects.filter(wanted).values_list("kind", "object_id"):
            found[kind].append(pk)
        for kind, ids in found.items():
            plans[kind] = Plan(count_walk=False, head_walk=False, ids=tuple(ids))
    return plans


def _span(ends: tuple[Any, ...] | None) -> int:
    """How many objects a kind holds at most, from its lowest and highest id."""
    return ends[1] - ends[0] + 1 if ends else 0
