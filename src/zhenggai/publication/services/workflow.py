"""The state machine of a version: draft → submitted → approved → published, then fixed.

The office submits; the leader approves with a permission of its own (APPROVE_ANNOUNCEMENT,
not the office's) or returns the draft with a reason. Approval is refused while any figure
the text states differs from the ledger without a written reason, and — when the version
has a public edition — until the exceptions checklist is answered for this very text with
nothing left unhandled. Approval fixes the public edition (masked text only). Publishing
is the last change a version sees; a correction is a new version with a note.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.writes import audited_change, audited_create
from zhenggai.core.figure_check import check_figures, mismatch_summary
from zhenggai.core.masking import mask_text, masked_count
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import (
    CHECKLIST_ITEMS,
    AnnouncementState,
    ChecklistAnswer,
    Visibility,
)
from zhenggai.publication.models import Announcement, PublicEdition
from zhenggai.publication.selectors.versions import current_checklist, overrides_of
from zhenggai.publication.services.common import AUDIT_FIELDS, checked_document, expect_state, lock
from zhenggai.publication.services.drafts import add_revision, generated_text
from zhenggai.records.selectors import live_figures

S = AnnouncementState

#: Error messages (asserted by the tests).
FIGURES_MISMATCH = "文中数字与台账不一致，请修改正文或写明理由后再审定：{details}"
CHECKLIST_MISSING = "公开版审定前，请先对当前正文完成公开前审查（国家秘密、在办案件、个人信息、敏感事项）"
CHECKLIST_UNRESOLVED = "公开前审查中尚有未处理的事项：{items}"
RETURN_REASON_REQUIRED = "请写明退回理由"
CORRECTION_NOTE_REQUIRED = "请写明更正说明"
NOT_LATEST = "只能更正最新发布的版本（第{version}版）"
OPEN_VERSION_EXISTS = "第{version}版通报尚未发布，请在该版本上继续修改"

APPROVAL_FIELDS = [*AUDIT_FIELDS, "approved_by", "approved_at"]


@transaction.atomic
def announcement_submit(*, announcement: Announcement, actor: User) -> Announcement:
    """The office submits the draft to the leader for approval."""
    require(actor, Action.DRAFT_ANNOUNCEMENT, inspection=announcement.inspection)
    announcement = lock(announcement)
    expect_state(announcement, (S.DRAFT,), "报送审定")
    checked_document(announcement.body)
    with audited_change(
        announcement, actor=actor, action="announcement.submit",
        fields=[*AUDIT_FIELDS, "submitted_by", "submitted_at"],
    ):
        announcement.state = S.SUBMITTED
        announcement.submitted_by = actor
        announcement.submitted_at = clock.now()
        announcement.return_reason = ""
    return announcement


@transaction.atomic
def announcement_return(*, announcement: Announcement, reason: str, actor: User) -> Announcement:
    """The leader sends the draft back to the office, saying why."""
    require(actor, Action.APPROVE_ANNOUNCEMENT, inspection=announcement.inspection)
    if not reason.strip():
        raise ValidationError({"reason": RETURN_REASON_REQUIRED})
    announcement = lock(announcement)
    expect_state(announcement, (S.SUBMITTED,), "退回")
    with audited_change(
        announcement, actor=actor, action="announcement.return",
        fields=[*AUDIT_FIELDS, "return_reason"],
    ):
        announcement.state = S.DRAFT
        announcement.return_reason = reason.strip()
    return announcement


def _checked_public(announcement: Announcement) -> PublicEdition:
    """The public edition approval fixes, once the checklist clears this text."""
    checklist = current_checklist(announcement)
    if checklist is None:
        raise ValidationError(CHECKLIST_MISSING)
    unresolved = [
        label for item, label in CHECKLIST_ITEMS
        if getattr(checklist, item) == ChecklistAnswer.PRESENT
    ]
    if unresolved:
        raise ValidationError(CHECKLIST_UNRESOLVED.format(items="、".join(unresolved)))
    names = announcement.masked_names
    return PublicEdition(
        announcement=announcement,
        inspection=announcement.inspection,
        version=announcement.version,
        title=mask_text(announcement.title, names),
        body=mask_text(announcement.body, names),
        correction_note=mask_text(announcement.correction_note, names),
        masked_places=masked_count(announcement.body, names),
    )


@transaction.atomic
def announcement_approve(*, announcement: Announcement, actor: User) -> Announcement:
    """The leader approves the submitted version: every stated figure agrees with the
    ledger or has a written reason, and a public edition has passed the checklist."""
    require(actor, Action.APPROVE_ANNOUNCEMENT, inspection=announcement.inspection)
    announcement = lock(announcement)
    expect_state(announcement, (S.SUBMITTED,), "审定")
    live = live_figures(inspection=announcement.inspection)
    rows = check_figures(checked_document(announcement.body), live, overrides_of(announcement))
    if any(row.blocks for row in rows):
        raise ValidationError(FIGURES_MISMATCH.format(details=mismatch_summary(rows)))
    public = _checked_public(announcement) if announcement.visibility == Visibility.PUBLIC else None
    with audited_change(announcement, actor=actor, action="announcement.approve", fields=APPROVAL_FIELDS):
        announcement.state = S.APPROVED
        announcement.approved_by = actor
        announcement.approved_at = clock.now()
        announcement.figures = {
            "live": live,
            "checked": [
                {
                    "key": row.key,
                    "stated": row.stated,
                    "live": row.live,
                    "status": row.status,
                    "reason": row.override.reason if row.override else "",
                }
                for row in rows
            ],
        }
    if public is not None:
        audited_create(
            public, actor=actor, action="public_edition.create",
            fields=["announcement", "inspection", "version", "title", "masked_places"],
        )
    return announcement


@transaction.atomic
def announcement_publish(*, announcement: Announcement, actor: User) -> Announcement:
    """Publish the approved version (and its public edition); it never changes again."""
    require(actor, Action.PUBLISH, inspection=announcement.inspection)
    announcement = lock(announcement)
    expect_state(announcement, (S.APPROVED,), "发布")
    now = clock.now()
    with audited_change(
        announcement, actor=actor, action="announcement.publish",
        fields=[*AUDIT_FIELDS, "published_by", "published_at"],
    ):
        announcement.state = S.PUBLISHED
        announcement.published_by = actor
        announcement.published_at = now
    PublicEdition.objects.filter(announcement=announcement).update(published_at=now)
    return announcement


@transaction.atomic
def announcement_correct(
    *, announcement: Announcement, note: str, actor: User, regenerate: bool = False
) -> Announcement:
    """Start a correction of the published version: a new draft version that names it
    and says why, from its text (or generated again from the ledger, `regenerate`)."""
    require(actor, Action.DRAFT_ANNOUNCEMENT, inspection=announcement.inspection)
    if not note.strip():
        raise ValidationError({"correction_note": CORRECTION_NOTE_REQUIRED})
    Inspection.objects.select_for_update().filter(pk=announcement.inspection_id).get()
    announcement = lock(announcement)
    expect_state(announcement, (S.PUBLISHED,), "更正")
    latest = Announcement.objects.filter(inspection=announcement.inspection).order_by("-version").first()
    assert latest is not None
    if latest.state != S.PUBLISHED:
        raise ValidationError(OPEN_VERSION_EXISTS.format(version=latest.version))
    if latest.pk != announcement.pk:
        raise ValidationError(NOT_LATEST.format(version=latest.version))
    body, figures = announcement.body, announcement.figures
    if regenerate:
        closing = checked_document(announcement.body).closing
        body, live = generated_text(announcement.inspection, closing=closing)
        figures = {"live": live}
    title = checked_document(body).title or announcement.title
    correction = audited_create(
        Announcement(
            inspection=announcement.inspection,
            version=announcement.version + 1,
            visibility=announcement.visibility,
            title=title,
            body=body,
            masked_names=list(announcement.masked_names),
            figures=figures,
            correction_of=announcement,
            correction_note=note.strip(),
            created_by=actor,
        ),
        actor=actor,
        action="announcement.correct",
        fields=[*AUDIT_FIELDS, "correction_of", "correction_note"],
    )
    add_revision(correction, title=title, body=body, note=f"更正：{note.strip()}", actor=actor)
    return correction
