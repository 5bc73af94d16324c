"""ledger_stats: counts per level and per state, in a fixed number of queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.factories import MeasureFactory
from zhenggai.core.parser import parse_bytes
from zhenggai.ledger.choices import MeasureState
from zhenggai.ledger.services.importing import document_import
from zhenggai.ledger.services.stats import ledger_stats

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed_inspection(seed_path: Path):
    data = seed_path.read_bytes()
    document = parse_bytes(data, filename=seed_path.name)
    return document_import(document=document, data=data, filename=seed_path.name, actor=None).inspection


def test_stats_of_the_imported_seed(seed_inspection):
    stats = ledger_stats()
    assert {k: stats[k] for k in ("inspections", "aspects", "problems", "findings", "measures")} == {
        "inspections": 1, "aspects": 6, "problems": 12, "findings": 25, "measures": 44,
    }
    assert stats["measures_by_state"] == {**dict.fromkeys(MeasureState.values, 0), "planned": 44}


def test_stats_of_one_inspection_leave_the_others_out(seed_inspection):
    other = MeasureFactory(state=MeasureState.IN_PROGRESS)
    assert ledger_stats()["inspections"] == 2
    assert ledger_stats()["measures"] == 45
    mine = ledger_stats(inspection=seed_inspection)
    assert (mine["inspections"], mine["findings"], mine["measures"]) == (1, 25, 44)
    theirs = ledger_stats(inspection=other.inspection)
    assert theirs["measures_by_state"]["in_progress"] == 1
    assert (theirs["aspects"], theirs["measures"]) == (1, 1)


def test_stats_take_five_queries_whatever_the_size(seed_inspection, django_assert_num_queries):
    # measures by state (GROUP BY), inspections, aspects, problems, findings
    with django_assert_num_queries(5):
        ledger_stats()
    # with an inspection, its count is known without a query
    with django_assert_num_queries(4):
        ledger_stats(inspection=seed_inspection)
