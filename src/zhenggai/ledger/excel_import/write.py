"""Writing a checked import plan into an inspection (inside the confirm's transaction).

Rows become a tree by their texts: rows with the same aspect, problem and finding text
share those nodes (merged cells were filled down by the reader). Numbers are kept unique
within their parent as the document import keeps them: a repeated number is kept in the
marker only. Into an existing inspection the rows join its tree: an aspect, problem or
finding whose title (text) the inspection already has under the same parent is that
node; the others are appended after its own, numbered around the numbers it uses.
"""

from __future__ import annotations

from collections import defaultdict

from zhenggai import clock
from zhenggai.accounts.choices import OrganisationKind
from zhenggai.accounts.models import Organisation, Person, User, organisation_path
from zhenggai.core.ledger_sheet import Numbered
from zhenggai.ledger.choices import AnswerKind, FindingState, MeasureState
from zhenggai.ledger.excel_import.plan import Directory, ImportPlan, PlannedRow
from zhenggai.ledger.models import (
    Aspect,
    Finding,
    Inspection,
    Measure,
    MeasureFinding,
    Problem,
    ProgressReport,
)
from zhenggai.ledger.services.import_state import measure_import_state


class LedgerWriter:
    """One import's writes; `write()` returns the counts of what it created."""

    def __init__(
        self,
        inspection: Inspection,
        actor: User | None,
        filename: str,
        plan: ImportPlan,
        directory: Directory,
    ) -> None:
        self.inspection = inspection
        self.directory = directory
        self.actor = actor
        self.filename = filename
        self.plan = plan
        self.created_units: list[str] = []
        self.created_people: list[str] = []
        self._units: dict[str, Organisation] = {}
        self._people: dict[str, Person] = {}
        self._aspects: dict[tuple[str, ...], Aspect] = {}
        self._problems: dict[tuple[str, ...], Problem] = {}
        self._findings: dict[tuple[str, ...], Finding] = {}
        self._nos: dict[object, set[int]] = defaultdict(set)
        self._order: dict[object, int] = defaultdict(int)
        self._seed_existing()

    def _seed_existing(self) -> None:
        """The inspection's own nodes by title, and the numbers and positions they take
        (three queries; nothing for a new inspection)."""
        insp = self.inspection
        self._existing: dict[tuple[object, str], Aspect | Problem | Finding] = {}
        for aspect in Aspect.objects.filter(inspection=insp).order_by("sort_order", "pk"):
            self._take("aspects", aspect.no, aspect.sort_order)
            self._existing.setdefault(("aspects", aspect.title), aspect)
        for problem in Problem.objects.filter(inspection=insp).order_by("sort_order", "pk"):
            self._take(("a", problem.aspect_id), problem.no, problem.sort_order)
            self._existing.setdefault((("a", problem.aspect_id), problem.title), problem)
        for finding in Finding.objects.filter(inspection=insp).order_by("sort_order", "pk"):
            self._take(("p", finding.problem_id), finding.no, finding.sort_order)
            self._existing.setdefault((("p", finding.problem_id), finding.text), finding)
        self._order["measures"] = Measure.objects.filter(inspection=insp).count()
        self.created: dict[str, int] = defaultdict(int)
        self._created_findings: set[int] = set()

    def _take(self, parent: object, no: int | None, sort_order: int) -> None:
        if no is not None:
            self._nos[parent].add(no)
        self._order[parent] = max(self._order[parent], sort_order + 1)

    @staticmethod
    def _no(no: int | None, seen: set[int]) -> int | None:
        if no is None or no in seen:
            return None
        seen.add(no)
        return no

    def _aspect(self, n: Numbered) -> Aspect:
        key = (n.marker, n.text)
        if key not in self._aspects:
            found = self._existing.get(("aspects", n.text))
            if isinstance(found, Aspect):
                self._aspects[key] = found
            else:
                self.created["aspects"] += 1
                self._aspects[key] = Aspect.objects.create(
                    inspection=self.inspection,
                    no=self._no(n.no, self._nos["aspects"]),
                    marker=n.marker[:16],
                    title=n.text,
                    sort_order=self._next("aspects"),
                )
        return self._aspects[key]

    def _problem(self, aspect: Aspect, n: Numbered) -> Problem:
        key = (str(aspect.pk), n.marker, n.text)
        if key not in self._problems:
            parent = ("a", aspect.pk)
            found = self._existing.get((parent, n.text))
            if isinstance(found, Problem):
                self._problems[key] = found
            else:
                self.created["problems"] += 1
                self._problems[key] = Problem.objects.create(
                    aspect=aspect,
                    inspection=self.inspection,
                    no=self._no(n.no, self._nos[parent]),
                    marker=n.marker[:16],
                    title=n.text,
                    sort_order=self._next(parent),
                )
        return self._problems[key]

    def _finding(self, problem: Problem, n: Numbered, row: PlannedRow) -> Finding:
        key = (str(problem.pk), n.marker, n.text)
        if key not in self._findings:
            parent = ("p", problem.pk)
            found = self._existing.get((parent, n.text))
            if isinstance(found, Finding):
                self._findings[key] = found
            else:
                self.created["findings"] += 1
                self._findings[key] = Finding.objects.create(
                    problem=problem,
                    inspection=self.inspection,
                    no=self._no(n.no, self._nos[parent]),
                    marker=n.marker[:16],
                    text=n.text,
                    answer_kind=row.answer_kind,
                    answer=row.progress if row.answer_kind != AnswerKind.RECTIFIED else "",
                    sort_order=self._next(parent),
                )
                self._created_findings.add(self._findings[key].pk)
        return self._findings[key]

    def _next(self, parent: object) -> int:
        value = self._order[parent]
        self._order[parent] += 1
        return value

    def _unit(self, name: str) -> Organisation | None:
        if not name:
            return None
        if name not in self._units:
            target = self.directory.units.get(name)
            if target is None:
                parent = self.inspection.organisation
                org = Organisation.objects.create(
                    name=name[:128], kind=OrganisationKind.UNIT, parent=parent
                )
                org.path = organisation_path(parent, org.pk)
                org.save(update_fields=["path"])
                self.created_units.append(name)
                self._units[name] = org
            else:
                self._units[name] = Organisation.objects.get(pk=target)
        return self._units[name]

    def _person(self, name: str, unit: Organisation | None) -> Person | None:
        if not name:
            return None
        if name not in self._people:
            target = self.directory.people.get(name)
            if target is None:
                self._people[name] = Person.objects.create(
                    name=name[:64], organisation=unit or self.inspection.organisation
                )
                self.created_people.append(name)
            else:
                self._people[name] = Person.objects.get(pk=target)
        return self._people[name]

    def write(self) -> dict[str, int]:
        measures: list[tuple[Measure, Finding, PlannedRow]] = []
        now = clock.now()
        for row in self.plan.rows:
            aspect = self._aspect(row.aspect)
            problem = self._problem(aspect, row.problem)
            finding = self._finding(problem, row.finding, row)
            if row.measure is None:
                continue
            unit = self._unit(row.unit)
            measures.append(
                (
                    Measure(
                        inspection=self.inspection,
                        no=row.measure.no,
                        marker=row.measure.marker[:16],
                        content=row.measure.text,
                        target=row.target,
                        lead_unit=unit,
                        responsible_leader=self._person(row.leader, self.inspection.organisation),
                        responsible_person=self._person(row.person, unit),
                        urgency=row.urgency,
                        deadline=row.deadline,
                        state=MeasureState.PLANNED,
                        sort_order=self._next("measures"),
                        # The imported progress report below is filed at `now`.
                        last_reported_at=now if row.progress else None,
                    ),
                    finding,
                    row,
                )
            )
        Measure.objects.bulk_create([m for m, _f, _r in measures])
        MeasureFinding.objects.bulk_create(
            MeasureFinding(measure=m, finding=f, is_primary=True) for m, f, _r in measures
        )
        today = clock.today()
        ProgressReport.objects.bulk_create(
            ProgressReport(
                measure=m, author=self.actor, reported_at=now, as_of=today, narrative=r.progress
            )
            for m, _f, r in measures
            if r.progress
        )
        for measure, _f, row in measures:
            if row.state != MeasureState.PLANNED:
                measure_import_state(
                    measure=measure,
                    state=row.state,
                    filename=self.filename,
                    row=row.row,
                    actor=self.actor,
                )
        self._close_findings(measures)
        return {
            "aspects": self.created["aspects"],
            "problems": self.created["problems"],
            "findings": self.created["findings"],
            "measures": len(measures),
            "progress_reports": sum(1 for _m, _f, r in measures if r.progress),
        }

    def _close_findings(self, measures: list[tuple[Measure, Finding, PlannedRow]]) -> None:
        """A finding whose measures are all closed is closed (the ledger's rule) — for the
        findings this import made; an existing finding keeps its own measures' verdict."""
        states: dict[int, set[str]] = defaultdict(set)
        for measure, finding, _r in measures:
            if finding.pk in self._created_findings:
                states[finding.pk].add(str(measure.state))
        closed = [pk for pk, s in states.items() if s == {MeasureState.CLOSED.value}]
        if closed:
            Finding.objects.filter(pk__in=closed).update(
                state=FindingState.CLOSED, closed_at=clock.now()
            )
