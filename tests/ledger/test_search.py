"""Search (ledger/selectors/search.py over the bigram index): exactly the reference's rows
on either database, in ledger order, scoped to the user, and kept current by the services
that write the texts."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

from tests.factories import OrganisationFactory, UserFactory
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import RoleAssignment, User
from zhenggai.core.bigrams import matches, query_grams
from zhenggai.core.parser import parse_bytes, parse_text
from zhenggai.core.synthetic import generate
from zhenggai.ledger.models import Finding, Inspection, Measure, Problem, SearchGram
from zhenggai.ledger.selectors import search as search_module
from zhenggai.ledger.selectors import search_plan
from zhenggai.ledger.selectors.search import COUNT_CAP, TOO_SHORT, search
from zhenggai.ledger.selectors.search_plan import Plan
from zhenggai.ledger.services.corrections import correction_token, finding_update, problem_update
from zhenggai.ledger.services.importing import document_import
from zhenggai.ledger.services.plan.measures import measure_update
from zhenggai.ledger.services.search_index import search_index_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _import(text: str, name: str) -> Inspection:
    return document_import(
        document=parse_text(text, filename=name), data=None, filename=name, actor=None
    ).inspection


@pytest.fixture
def ledger(seed_path: Path) -> list[Inspection]:
    data = seed_path.read_bytes()
    seed = document_import(
        document=parse_bytes(data, filename="seed.txt"), data=data, filename="seed.txt", actor=None
    ).inspection
    others = [_import(generate(seed=n)[0], f"synthetic-{n}.txt") for n in (1, 2)]
    return [seed, *others]


def _plan(kind: str, query: str) -> Plan:
    return search_module._plans(query_grams(query), 0)[kind]


def _office(inspection: Inspection) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(
        user=user, role=Role.OFFICE, organisation=inspection.organisation, include_subtree=True
    )
    return user


def _admin_of(inspections: list[Inspection]) -> User:
    user = UserFactory()
    for organisation in {i.organisation for i in inspections}:
        RoleAssignment.objects.create(
            user=user, role=Role.ADMIN, organisation=organisation, include_subtree=True
        )
    return user


def _all(user: User, query: str, kind: str) -> list[int]:
    """Every hit of `kind`, page after page."""
    found: list[int] = []
    start: int | None = 0
    while start is not None:
        results = search(user, query, kind=kind, start=start)
        assert results.kind == kind
        found += [hit.obj.pk for hit in results.hits]
        start = results.next_start
    return found


def _reference(query: str, kind: str, inspections: list[Inspection]) -> set[int]:
    if kind == "p":
        rows = Problem.objects.filter(inspection__in=inspections).values_list("pk", "title")
        return {pk for pk, title in rows if matches(query, title)}
    if kind == "f":
        rows = Finding.objects.filter(inspection__in=inspections).values_list("pk", "text")
        return {pk for pk, text in rows if matches(query, text)}
    measures = Measure.objects.filter(inspection__in=inspections)
    return {
        pk for pk, content, target in measures.values_list("pk", "content", "target")
        if matches(query, content) or matches(query, target)
    }


def _words(inspections: list[Inspection], n: int) -> list[str]:
    """Substrings of 2–6 characters cut at random from the ledger's own texts."""
    rng = random.Random(7)
    texts = list(Measure.objects.filter(inspection__in=inspections).values_list("content", flat=True))
    texts += list(Finding.objects.filter(inspection__in=inspections).values_list("text", flat=True))
    words = []
    for _ in range(n):
        text = rng.choice(texts)
        size = rng.randint(2, 6)
        at = rng.randrange(max(1, len(text) - size))
        words.append(text[at : at + size])
    return words


def test_the_rows_are_exactly_the_substring_reference(ledger: list[Inspection]) -> None:
    user = _admin_of(ledger)
    queries = ["整改", "问题", "制度", "落实", "党", "xyz", *_words(ledger, 25)]
    checked = 0
    for query in queries:
        for kind in ("m", "f", "p"):
            if len(query.strip()) < 2:
                assert search(user, query).error == TOO_SHORT
                continue
            expected = _reference(" ".join(query.split()), kind, ledger)
            found = _all(user, query, kind)
            assert len(found) == len(set(found)), query
            assert set(found) == expected, (query, kind)
            assert search(user, query).counts[kind] == len(expected)
            checked += len(expected)
    assert checked > 200  # the queries did find rows


def test_two_character_words_inside_longer_words_are_found(ledger: list[Inspection]) -> None:
    user = _admin_of(ledger)
    results = search(user, "整改")
    assert results.counts["m"] >= 10
    longer = Measure.objects.filter(content__regex=r".整改|整改.").first()
    assert longer is not None
    assert longer.pk in _all(user, "整改", "m")


def test_ascii_letters_match_without_case() -> None:
    inspection = _import(generate(seed=3)[0], "ascii.txt")
    measure = inspection.measures.order_by("pk").first()
    assert measure is not None
    Measure.objects.filter(pk=measure.pk).update(content="规范PPP项目管理")
    search_index_rebuild(inspection=inspection)
    user = _office(inspection)
    assert _all(user, "ppp项目", "m") == [measure.pk]
    assert _all(user, "Ppp", "m") == [measure.pk]


def test_results_keep_the_ledger_order(ledger: list[Inspection]) -> None:
    seed = ledger[0]
    user = _office(seed)
    found = _all(user, "制度", "m")
    assert len(found) > 5
    order = []
    for pk in found:
        m = Measure.objects.get(pk=pk)
        link = m.finding_links.get(is_primary=True)
        f = link.finding
        order.append((f.problem.aspect.sort_order, f.problem.sort_order, f.sort_order, m.no or 0, m.pk))
    assert order == sorted(order)
    problems = _all(user, "问题", "p")
    keys = [(p.aspect.sort_order, p.sort_order, p.pk) for p in Problem.objects.filter(pk__in=problems)]
    assert [k[2] for k in sorted(keys)] == problems


def test_a_unit_finds_only_what_it_may_read(ledger: list[Inspection]) -> None:
    seed = ledger[0]
    unit = OrganisationFactory(parent=seed.organisation)
    mine = list(seed.measures.order_by("pk")[:3])
    office = _office(seed)
    for measure in mine:
        measure_update(measure=measure, actor=office, lead_unit=unit)
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=unit)
    query = mine[0].content[-6:-3]
    found = set(_all(user, query, "m"))
    assert mine[0].pk in found
    assert found == {m.pk for m in mine if matches(query, m.content) or matches(query, m.target)}
    admin = _admin_of([seed])
    assert len(_all(admin, query, "m")) >= len(found)
    own_findings = set(Finding.objects.filter(measures__in=mine).values_list("pk", flat=True))
    assert set(_all(user, "问题", "f")) <= own_findings
    for word in ("整改", "问题", "制度"):
        assert set(_all(user, word, "p")) <= set(
            Problem.objects.filter(findings__in=own_findings).values_list("pk", flat=True)
        )
    stranger = UserFactory()
    assert search(stranger, query).total == 0


def test_the_writing_services_keep_the_index_current(ledger: list[Inspection]) -> None:
    seed = ledger[0]
    office = _office(seed)
    finding = seed.findings.order_by("pk").first()
    problem = seed.problems.order_by("pk").first()
    measure = seed.measures.order_by("pk").first()
    assert finding and problem and measure
    finding_update(finding=finding, actor=office, text="新增的问题表述：鹦鹉螺号", label=finding.label,
                   expected_token=correction_token(finding))
    problem_update(problem=problem, actor=office, title="鹦鹉螺问题", expected_token=correction_token(problem))
    measure_update(measure=measure, actor=office, target="完成鹦鹉螺验收")
    assert _all(office, "鹦鹉螺", "f") == [finding.pk]
    assert _all(office, "鹦鹉螺", "p") == [problem.pk]
    assert _all(office, "鹦鹉螺", "m") == [measure.pk]
    before = SearchGram.objects.count()
    with pytest.raises(ValidationError):
        finding_update(finding=finding, actor=office, text="", label="", expected_token=correction_token(finding))
    assert SearchGram.objects.count() == before
    # The incremental index equals one rebuilt from the texts.
    incremental = set(SearchGram.objects.values_list("kind", "object_id", "gram"))
    search_index_rebuild()
    assert set(SearchGram.objects.values_list("kind", "object_id", "gram")) == incremental


def test_pages_follow_on_and_stop(ledger: list[Inspection], monkeypatch: Any) -> None:
    monkeypatch.setattr(search_module, "PAGE_SIZE", 7)
    user = _admin_of(ledger)
    first = search(user, "整改", kind="m")
    assert len(first.hits) == 7 and first.next_start == 7
    pages = _all(user, "整改", "m")
    assert pages[:7] == [h.obj.pk for h in first.hits]
    assert len(pages) == first.counts["m"] > 14
    last = search(user, "整改", kind="m", start=(len(pages) - 1) // 7 * 7)
    assert last.next_start is None


def test_hits_are_highlighted_and_placed(ledger: list[Inspection]) -> None:
    user = _office(ledger[0])
    hit = search(user, "制度", kind="m").hits[0]
    assert any(piece == "制度" and marked for piece, marked in hit.pieces)
    models = [model for _, model, _ in hit.place]
    assert models[0] == "inspection" and models[-1] == "finding"
    measure = hit.obj
    if measure.marker:
        assert not "".join(p for p, _ in hit.pieces).startswith(measure.marker)


def _icontains(query: str, kind: str, inspections: list[Inspection]) -> list[int]:
    """The reference as the database says it (`icontains`, no index), every match in
    ledger order."""
    rows: QuerySet[Any] = {
        "m": Measure.objects.filter(Q(content__icontains=query) | Q(target__icontains=query)),
        "f": Finding.objects.filter(text__icontains=query),
        "p": Problem.objects.filter(title__icontains=query),
    }[kind].filter(inspection__in=inspections)
    return list(search_module._ordered(kind, rows).values_list("pk", flat=True))


def test_a_search_for_zhenggai_is_the_icontains_reference_in_all_three_kinds(
    ledger: list[Inspection],
) -> None:
    """整改 (the issue's check): the same rows, in the same order, page after page, and the
    same counts (capped) as the database's own substring match, on SQLite and PostgreSQL."""
    user = _admin_of(ledger)
    results = search(user, "整改")
    found = 0
    for kind in ("m", "f", "p"):
        expected = _icontains("整改", kind, ledger)
        assert _all(user, "整改", kind) == expected, kind
        assert results.counts[kind] == min(len(expected), COUNT_CAP)
        assert (kind in results.capped) == (len(expected) > COUNT_CAP)
        found += len(expected)
    assert found >= 10


@pytest.mark.parametrize("shape", ["rarest", "postings", "walk"])
def test_every_shape_gives_the_reference(ledger: list[Inspection], monkeypatch: Any, shape: str) -> None:
    """Whichever shape `_plan` picks — the rarest gram's postings, the grams' intersection,
    or walking the ledger with a probe per row — the rows, their order and the counts are
    the reference's, for a reader of everything and for a unit that reads a few measures."""
    plans = search_module._plans

    def forced(grams: list[str], start: int) -> Any:
        if shape == "rarest":
            chosen = plans(grams, start)
            # The test ledger is small: every gram is rare.
            assert all(plan.ids is not None for plan in chosen.values())
            return chosen
        return {kind: Plan(shape == "walk", shape == "walk") for kind in ("m", "f", "p")}

    monkeypatch.setattr(search_module, "_plans", forced)
    monkeypatch.setattr(search_module, "PAGE_SIZE", 7)
    seed = ledger[0]
    unit = OrganisationFactory(parent=seed.organisation)
    mine = list(seed.measures.order_by("pk")[::3])
    Measure.objects.filter(pk__in=[m.pk for m in mine]).update(lead_unit=unit)
    search_index_rebuild()  # written around the services: the units are rebuilt
    unit_user = UserFactory()
    RoleAssignment.objects.create(user=unit_user, role=Role.UNIT, organisation=unit)
    admin = _admin_of(ledger)
    for query in ["整改", "制度", "问题", "鹦鹉螺", *_words(ledger, 4)]:
        query = " ".join(query.split())
        if len(query) < 2:
            continue
        for kind in ("m", "f", "p"):
            expected = _icontains(query, kind, ledger)
            assert _all(admin, query, kind) == expected, (query, kind)
            assert search(admin, query).counts[kind] == min(len(expected), COUNT_CAP)
        theirs = _icontains(query, "m", ledger)
        assert _all(unit_user, query, "m") == [pk for pk in theirs if pk in {m.pk for m in mine}]
        for kind in ("f", "p"):
            # A unit reads the findings and problems above its measures.
            above = {
                "f": Finding.objects.filter(measure_links__measure__in=mine),
                "p": Problem.objects.filter(findings__measure_links__measure__in=mine),
            }[kind].values_list("pk", flat=True)
            readable = set(above)
            assert _all(unit_user, query, kind) == [
                pk for pk in _icontains(query, kind, ledger) if pk in readable
            ], (query, kind)


def test_counts_stop_at_the_cap_and_pages_do_not(ledger: list[Inspection], monkeypatch: Any) -> None:
    monkeypatch.setattr(search_module, "COUNT_CAP", 5)
    user = _admin_of(ledger)
    results = search(user, "问题")
    sizes = {kind: len(_reference("问题", kind, ledger)) for kind in ("m", "f", "p")}
    assert any(n > 5 for n in sizes.values())
    for kind, n in sizes.items():
        assert results.counts[kind] == min(n, 5)
        assert (kind in results.capped) == (n > 5)
    shown = results.kind
    assert results.count_capped == (sizes[shown] > 5) and results.count == min(sizes[shown], 5)
    assert len(_all(user, "问题", shown)) == sizes[shown]


def test_the_plan_walks_for_common_words_and_reads_postings_for_rare_ones(
    ledger: list[Inspection], monkeypatch: Any
) -> None:
    """A word in many rows walks the ledger (the page is near); one in none or few reads
    its postings (walking would visit every row for nothing)."""
    Measure.objects.update(target="完成鹦鹉螺验收")  # in every measure
    search_index_rebuild()
    monkeypatch.setattr(search_plan, "RARE", 0)
    common = _plan("m", "鹦鹉螺")
    absent = _plan("m", "鹦鹉螺号")
    assert common.head_walk and not absent.head_walk and not absent.count_walk
    # The count walks only when the matches are dense enough to meet the cap early.
    assert not common.count_walk
    monkeypatch.setattr(search_module, "COUNT_CAP", 1)
    assert _plan("m", "鹦鹉螺").count_walk
    assert not _plan("m", "鹦鹉螺号").count_walk


def test_a_rare_gram_is_read_alone_and_an_absent_one_ends_the_search(
    ledger: list[Inspection], django_assert_max_num_queries: Any
) -> None:
    """At most `RARE` postings: the rarest gram's alone (the substring match confirms
    them); a gram in no row: no query after the plan's."""
    measure = Measure.objects.filter(inspection=ledger[0]).order_by("pk").first()
    assert measure is not None
    Measure.objects.filter(pk=measure.pk).update(target="完成鹦鹉螺验收")
    search_index_rebuild()
    plan = _plan("m", "整改鹦鹉螺")
    assert plan.ids == (measure.pk,) and not plan.count_walk and not plan.head_walk
    assert _plan("m", "鹦鹉螺号").ids == ()
    user = _admin_of(ledger)
    assert [h.obj.pk for h in search(user, "鹦鹉螺", kind="m").hits] == [measure.pk]
    # The plan: the ids' spans, then the grams' postings, both for every kind at once (no
    # rare gram's ids to read: one is in no row); and the user's scope.
    with django_assert_max_num_queries(2 + 2):
        nothing = search(user, "螺号鹦鹉")
    assert nothing.total == 0 and not nothing.hits


def test_a_list_of_ids_cut_at_the_cap_still_pages_in_ledger_order(
    ledger: list[Inspection], monkeypatch: Any
) -> None:
    """The rare shape reads the matches' inspections only as far as the count and the page
    need; a page whose last inspection goes past that cut still has all its rows, in order."""
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    monkeypatch.setattr(search_module, "PAGE_SIZE", 4)
    # The tree's order against the ids' (rows are read in id order within an inspection):
    # the rows past the cut are then the first of their inspection, not the last.
    Problem.objects.update(sort_order=100_000 - F("sort_order") - F("id"))
    Finding.objects.update(sort_order=100_000 - F("sort_order") - F("id"))
    Measure.objects.update(no=None)
    user = _admin_of(ledger)
    tried = 0
    for query in ["整改", "制度", "问题", "工作", *_words(ledger, 6)]:
        for kind in ("m", "f", "p"):
            expected = _icontains(query, kind, ledger)
            if len(expected) <= 8 or len(query) < 2:
                continue  # several pages, each past the cut
            assert _plan(kind, query).ids is not None
            assert _all(user, query, kind) == expected, (query, kind)
            first = search(user, query, kind=kind)
            assert first.counts[kind] == 3 and kind in first.capped
            tried += 1
    assert tried >= 3


def test_a_unit_reading_few_matches_pages_through_batches(
    ledger: list[Inspection], monkeypatch: Any
) -> None:
    """The rare shape asks the scope of its matches a batch at a time, newest first: a
    unit that reads a third of them still gets every readable row in order, and its count."""
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    monkeypatch.setattr(search_module, "PAGE_SIZE", 2)
    seed = ledger[0]
    unit = OrganisationFactory(parent=seed.organisation)
    mine = list(Measure.objects.order_by("-pk")[::3])
    Measure.objects.filter(pk__in=[m.pk for m in mine]).update(lead_unit=unit)
    search_index_rebuild()
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.UNIT, organisation=unit)
    readable = {
        "m": {m.pk for m in mine},
        "f": set(Finding.objects.filter(measure_links__measure__in=mine).values_list("pk", flat=True)),
        "p": set(
            Problem.objects.filter(findings__measure_links__measure__in=mine).values_list("pk", flat=True)
        ),
    }
    tried = 0
    for query in ["整改", "制度", "问题", "工作", *_words(ledger, 6)]:
        if len(query) < 2:
            continue
        for kind in ("m", "f", "p"):
            expected = [pk for pk in _icontains(query, kind, ledger) if pk in readable[kind]]
            everything = _icontains(query, kind, ledger)
            if len(expected) < 4 or len(everything) <= 8:
                continue  # more than one batch: the first is 2 × (cap + 1) = 8 rows
            assert _plan(kind, query).ids is not None
            assert _all(user, query, kind) == expected, (query, kind)
            assert search(user, query, kind=kind).counts[kind] == 3
            tried += 1
    assert tried >= 3
