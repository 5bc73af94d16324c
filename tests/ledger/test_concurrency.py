"""Two people acting at once, on two real PostgreSQL connections (one per thread).

The services lock the measure, assignment and request rows and re-check the state after
the lock; these tests hold the first caller inside its transaction a moment longer (a
sleep after its review row is written) so that the second one really waits on the lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection

from tests.factories import AssignmentFactory, MeasureFactory
from tests.ledger.test_progress import World, make_world, submit, upload
from zhenggai.audit.services import audit_verify
from zhenggai.ledger.choices import CloseOutState, FindingState, MeasureState
from zhenggai.ledger.models import CloseOutRequest, CloseOutReview, ProgressReport
from zhenggai.ledger.services.close_out import (
    close_out_request_approve,
    close_out_request_create,
    close_out_request_return,
)
from zhenggai.ledger.services.close_out import review as review_module

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: row locks and two real connections",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def slow_reviews(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the first reviewer's transaction (and its row locks) open a little longer."""
    original = review_module.review

    def slow(*args: Any, **kwargs: Any) -> Any:
        review = original(*args, **kwargs)
        time.sleep(0.3)
        return review

    # The review services (approve, leader approval, return) call `review` by this name.
    monkeypatch.setattr(review_module, "review", slow)


def run_together(*calls: Callable[[], object]) -> list[BaseException | object]:
    """Run each call in its own thread (its own DB connection), started together."""
    barrier = threading.Barrier(len(calls))
    results: list[BaseException | object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a thread hung (deadlock?)"
    return results


def _request(w: World, **kwargs: Any) -> CloseOutRequest:
    params: dict[str, Any] = {
        "measure": w.measure,
        "summary": "已整改完毕",
        "files": [upload()],
        "actor": w.unit2,
    }
    params.update(kwargs)
    return close_out_request_create(**params)


def _split(results: list[Any]) -> tuple[list[Any], list[BaseException]]:
    ok = [r for r in results if not isinstance(r, BaseException)]
    failed = [r for r in results if isinstance(r, BaseException)]
    return ok, failed


@pytest.mark.usefixtures("slow_reviews")
def test_two_reviewers_approving_at_once_one_wins() -> None:
    w = make_world()
    request = _request(w)
    ok, failed = _split(
        run_together(
            lambda: close_out_request_approve(request=request, actor=w.office),
            lambda: close_out_request_approve(request=request, actor=w.office2),
        )
    )
    assert len(ok) == 1 and len(failed) == 1
    assert isinstance(failed[0], ValidationError)
    assert "已被他人处理" in failed[0].messages[0]
    request.refresh_from_db()
    assert request.state == CloseOutState.APPROVED
    assert CloseOutReview.objects.filter(request=request).count() == 1
    assert audit_verify().ok


@pytest.mark.usefixtures("slow_reviews")
def test_approve_and_return_at_once_one_wins() -> None:
    w = make_world()
    request = _request(w)
    ok, failed = _split(
        run_together(
            lambda: close_out_request_approve(request=request, actor=w.office),
            lambda: close_out_request_return(request=request, reason="材料不全", actor=w.office2),
        )
    )
    assert len(ok) == 1 and len(failed) == 1
    assert isinstance(failed[0], ValidationError)
    assert "已被他人处理" in failed[0].messages[0]
    request.refresh_from_db()
    w.measure.refresh_from_db()
    reviews = list(CloseOutReview.objects.filter(request=request))
    assert len(reviews) == 1
    if reviews[0].decision == "approve":
        assert request.state == CloseOutState.APPROVED
        assert w.measure.state == MeasureState.CLOSED
    else:
        assert request.state == CloseOutState.RETURNED
        assert w.measure.state == MeasureState.RETURNED


@pytest.mark.usefixtures("slow_reviews")
def test_sibling_assignments_closing_at_once_close_the_measure() -> None:
    """Each approval checks "all assignments closed"; without the measure lock both would
    see the other still open and the measure (and finding) would stay open for ever."""
    w = make_world()
    mine = AssignmentFactory(measure=w.measure, unit=w.unit_a)
    theirs = AssignmentFactory(measure=w.measure, unit=w.unit_b)
    first = _request(w, assignment=mine)
    second = _request(w, assignment=theirs, actor=w.other_unit)
    ok, failed = _split(
        run_together(
            lambda: close_out_request_approve(request=first, actor=w.office),
            lambda: close_out_request_approve(request=second, actor=w.office2),
        )
    )
    assert failed == [] and len(ok) == 2
    w.measure.refresh_from_db()
    w.finding.refresh_from_db()
    assert w.measure.state == MeasureState.CLOSED
    assert w.finding.state == FindingState.CLOSED


@pytest.mark.usefixtures("slow_reviews")
def test_two_measures_of_one_finding_closing_at_once_close_the_finding() -> None:
    w = make_world()
    other = MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a, findings=[w.finding])
    first = _request(w)
    second = _request(w, measure=other)
    ok, failed = _split(
        run_together(
            lambda: close_out_request_approve(request=first, actor=w.office),
            lambda: close_out_request_approve(request=second, actor=w.office2),
        )
    )
    assert failed == [] and len(ok) == 2
    w.finding.refresh_from_db()
    assert w.finding.state == FindingState.CLOSED


def test_two_reports_at_once_start_the_measure_once_and_both_are_kept() -> None:
    w = make_world()
    ok, failed = _split(
        run_together(
            lambda: submit(w, actor=w.unit, narrative="甲的进展"),
            lambda: submit(w, actor=w.unit2, narrative="乙的进展"),
        )
    )
    assert failed == [] and len(ok) == 2
    w.measure.refresh_from_db()
    assert w.measure.state == MeasureState.IN_PROGRESS
    assert w.measure.version == 2  # one start, not two (and none lost)
    assert ProgressReport.objects.filter(measure=w.measure).count() == 2
    assert audit_verify().ok
