"""The announcement generated from the ledger: figures at render time and the round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import FindingFactory, MeasureFactory, ProgressReportFactory
from tests.generated import generated_ledger
from zhenggai.core.document import tree_signature
from zhenggai.core.figure_check import check_figures
from zhenggai.core.parser import parse_file, parse_text
from zhenggai.core.synthetic import Style, generate
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.models import (
    Finding,
    Inspection,
    Measure,
)
from zhenggai.ledger.services.importing import document_import
from zhenggai.publication.selectors import announcement_facts
from zhenggai.publication.services import generated_text
from zhenggai.records.selectors import live_figures

pytestmark = pytest.mark.django_db


def test_the_seed_imported_and_rendered_from_the_ledger_parses_back(
    seed_inspection: Inspection, seed_path: Path
) -> None:
    text, figures = generated_text(seed_inspection, issue_date=dt.date(2020, 11, 25))
    back = parse_text(text)
    assert back.counts == {"aspects": 6, "problems": 12, "findings": 25, "measures": 44}
    seed = parse_file(seed_path)
    assert tree_signature(back) == tree_signature(seed)
    assert back.inspection == seed.inspection
    assert back.contact == seed.contact
    assert (back.issuer, back.issue_date) == (seed.issuer, dt.date(2020, 11, 25))
    # The ledger's 44 measures are stated, not the seed's 47.
    assert "制定整改措施44条" in text and "47" not in text
    assert back.claims["measures"] == figures["measures"] == 44


def test_imported_answers_are_the_starting_point(seed_inspection: Inspection) -> None:
    text, _ = generated_text(seed_inspection)
    assert "整改情况：一是压紧压实责任。重新调整局党委班子分工" in text
    assert "二加强基层支部建设" in text  # the seed's own words, typo included


@pytest.mark.parametrize(
    "style",
    [Style(), Style(full_width=False, problem_dot="."), Style(with_aspects=False),
     Style(measure_style="paren", label_inline=False), Style(restart_problems=True)],
    ids=["full-width", "ascii", "no-aspects", "paren-labels-apart", "restart"],
)
def test_generated_ledgers_come_back_through_the_announcement(style: Style) -> None:
    for seed in range(3):
        source, spec = generate(seed=seed, style=style)
        document = parse_text(source, filename=f"synthetic-{seed}.txt")
        inspection = document_import(
            document=document, data=None, filename=f"synthetic-{seed}.txt", actor=None
        ).inspection
        back = parse_text(generated_text(inspection)[0])
        assert back.counts == document.counts
        assert back.counts["measures"] == spec.measures == Measure.objects.filter(
            inspection=inspection
        ).count()
        assert [len(p.findings) for p in back.problems()] == [
            len(p.findings) for p in document.problems()
        ]


def test_benchmark_ledgers_come_back_through_the_announcement() -> None:
    """Ledgers as benchmarks/generate.py writes them: states, progress, explanations and
    measures serving a second finding — the round trip and the figure check hold."""
    for inspection in generated_ledger(3, 24, 70, 200, seed=7):
        document = parse_text(generated_text(inspection)[0])
        assert document.counts == {
            "aspects": inspection.aspects.count(),
            "problems": inspection.problems.count(),
            "findings": inspection.findings.count(),
            "measures": Measure.objects.filter(inspection=inspection).count(),
        }
        assert document.unplaced == ()
        rows = check_figures(document, live_figures(inspection=inspection))
        assert rows and not [row for row in rows if row.blocks]


def test_a_ledger_planned_in_zhenggai_states_what_was_done(ledger: Inspection) -> None:
    text, figures = generated_text(ledger)
    back = parse_text(text)
    assert back.counts == {
        "aspects": 2, "problems": 3, "findings": 4, "measures": Measure.objects.count()
    }
    assert back.unplaced == ()
    # Closed: content then the accepted progress; watched: 持续整改; open: under way.
    assert "一是以支部换届为契机配强支部班子。已完成换届，配备1名兼职党务工作人员。二是严格规范会议记录。目前正在推进。" in text
    assert "制定档案管理制度，推动资料数字化。档案管理制度已印发执行。该项工作需长期坚持，持续整改。" in text
    assert "情况说明：该项目一直未能实施，保证金已于2026年退还。" in text
    assert back.claims == {
        "aspects": 2, "problems": 3, "findings": 4, "measures": 4,
        "completed_problems": 1, "institutions": 1, "accountable_people": 1,
    }
    assert figures == live_figures(inspection=ledger)


def test_every_figure_is_read_at_render_time(ledger: Inspection) -> None:
    before = parse_text(generated_text(ledger)[0]).claims
    Measure.objects.filter(inspection=ledger, state=MeasureState.IN_PROGRESS).update(
        state=MeasureState.CLOSED, closed_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    )
    after = parse_text(generated_text(ledger)[0]).claims
    assert before["completed_problems"] == 1 and after["completed_problems"] == 2


def test_the_facts_are_read_in_a_fixed_number_of_queries(ledger: Inspection) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            announcement_facts(inspection=ledger)
        return len(captured.captured_queries)

    small = queries()
    problem = Finding.objects.filter(inspection=ledger).first().problem  # type: ignore[union-attr]
    for _ in range(5):
        finding = FindingFactory(problem=problem)
        measure = MeasureFactory(inspection=ledger, findings=[finding], state=MeasureState.CLOSED,
                                 closed_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
        ProgressReportFactory(measure=measure)
    # 1 live figures, 2 source document, 3 leading group, 4 plan, 5 accepted progress,
    # 6 measure links, 7 findings, 8 problems, 9 aspects, 10 institutions
    assert queries() == small <= 10
