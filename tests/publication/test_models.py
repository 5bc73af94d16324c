"""Announcement versions and public feedback keep their invariants."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import InspectionFactory
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import AnnouncementState, FeedbackState
from zhenggai.publication.models import Announcement, PublicFeedback

pytestmark = pytest.mark.django_db


def announcement(inspection: Inspection, version: int = 1, **kwargs: object) -> Announcement:
    return Announcement.objects.create(
        inspection=inspection,
        version=version,
        title="中共示范区城市管理局委员会关于巡察整改进展情况的通报",
        body="根据区委统一部署……",
        figures={"measures": 47, "institutions": 16, "accountable_people": 2},
        **kwargs,
    )


def test_announcement_versions_are_unique_per_inspection() -> None:
    inspection = InspectionFactory()
    now = timezone.now()
    announcement(inspection, 1, state=AnnouncementState.PUBLISHED, submitted_at=now,
                 approved_at=now, published_at=now)
    announcement(inspection, 2)
    announcement(InspectionFactory(), 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        announcement(inspection, 2)


def test_announcement_versions_start_at_one() -> None:
    with (
        pytest.raises(IntegrityError, match="publication_announcement_version_positive"),
        transaction.atomic(),
    ):
        announcement(InspectionFactory(), 0)


def test_published_announcement_has_a_publication_time() -> None:
    with (
        pytest.raises(IntegrityError, match="publication_announcement_published_has_time"),
        transaction.atomic(),
    ):
        announcement(
            InspectionFactory(), state=AnnouncementState.PUBLISHED,
            submitted_at=timezone.now(), approved_at=timezone.now(),
        )
    now = timezone.now()
    published = announcement(
        InspectionFactory(), state=AnnouncementState.PUBLISHED, published_at=now,
        submitted_at=now, approved_at=now,
    )
    assert str(published).endswith("（第1版）")


@pytest.mark.parametrize(
    ("state", "constraint"),
    [
        (AnnouncementState.SUBMITTED, "publication_announcement_submitted_has_time"),
        (AnnouncementState.APPROVED, "publication_announcement_approved_has_time"),
    ],
)
def test_each_state_has_its_milestone_time(state: str, constraint: str) -> None:
    # Every earlier milestone is there; only this state's own is missing.
    times = {"submitted_at": timezone.now()} if state == AnnouncementState.APPROVED else {}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        announcement(InspectionFactory(), state=state, **times)


def test_a_correction_says_why() -> None:
    inspection = InspectionFactory()
    now = timezone.now()
    first = announcement(
        inspection, state=AnnouncementState.PUBLISHED, submitted_at=now, approved_at=now,
        published_at=now,
    )
    with (
        pytest.raises(IntegrityError, match="publication_announcement_correction_has_note"),
        transaction.atomic(),
    ):
        announcement(inspection, 2, correction_of=first)
    assert announcement(inspection, 2, correction_of=first, correction_note="更正笔误").version == 2


def test_answered_feedback_has_a_reply_time() -> None:
    now = timezone.now()
    published = announcement(
        InspectionFactory(), state=AnnouncementState.PUBLISHED, published_at=now,
        submitted_at=now, approved_at=now,
    )
    feedback = PublicFeedback.objects.create(
        announcement=published,
        body="建议公开整改措施的完成时限。",
        contact_name="市民刘先生",
        client_hash="f" * 64,
    )
    assert feedback.state == FeedbackState.NEW
    assert "建议公开整改措施" in str(feedback)
    feedback.state = FeedbackState.ANSWERED
    with (
        pytest.raises(IntegrityError, match="publication_feedback_answered_has_time"),
        transaction.atomic(),
    ):
        feedback.save()
