"""Drafting an announcement: generate it from the ledger, save edits, choose its editions.

Every save is a new `AnnouncementRevision` (append-only) and the version's `body` becomes
its text, so the page can list and show each saved text. Only a draft is edited; a version
submitted for approval goes back to draft when the leader returns it, and a published one
is changed only by a correction (`workflow.announcement_correct`), a new version.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require
from zhenggai.audit.writes import audited_change, audited_create
from zhenggai.core.announcement import compose
from zhenggai.core.edition import edition_document, normalised_text
from zhenggai.core.errors import InputError
from zhenggai.core.render import render_text
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import AnnouncementState, Visibility
from zhenggai.publication.models import Announcement, AnnouncementRevision
from zhenggai.publication.selectors.facts import announcement_facts
from zhenggai.publication.services.common import (
    AUDIT_FIELDS,
    checked_document,
    expect_state,
    lock,
)

S = AnnouncementState

#: Error messages (asserted by the tests).
ALREADY_PUBLISHED = "第{version}版通报已发布；如需修改，请以更正的形式发布新版本"
IN_REVIEW = "第{version}版通报已报送审定，请审定人退回后再重新生成"
UNCHANGED = "正文没有改动，未保存新的修改"
VISIBILITY_INVALID = "发布范围无效：{value}"
#: Two tabs (or two people) editing the same draft: the later save names the earlier one.
STALE = "草稿已由{author}另行保存（第{revision}次保存），您的修改尚未保存：请核对现在的正文，再决定是否以您的文字为准保存"

NOTE_GENERATED = "由台账生成"
NOTE_REGENERATED = "由台账重新生成"
NOTE_EDITED = "编辑"


def generated_text(
    inspection: Inspection, *, issue_date: dt.date | None = None, closing: str = ""
) -> tuple[str, dict[str, int]]:
    """The announcement as the ledger and records say it now, as text, and the figures."""
    facts = announcement_facts(inspection=inspection, issue_date=issue_date, closing=closing)
    return render_text(compose(facts)), dict(facts.figures)


def add_revision(
    announcement: Announcement, *, title: str, body: str, note: str, actor: User | None
) -> AnnouncementRevision:
    """Append the text as the version's next revision (the caller has locked the row)."""
    revision = AnnouncementRevision(
        announcement=announcement,
        number=announcement.revision,
        title=title,
        body=body,
        note=note[:255],
        author=actor,
    )
    revision.full_clean()
    revision.save()
    return revision


def _closing_of(body: str) -> str:
    try:
        return edition_document(body).closing
    except InputError:
        return ""


@transaction.atomic
def announcement_generate(
    *, inspection: Inspection, actor: User, issue_date: dt.date | None = None
) -> Announcement:
    """Generate the announcement from the ledger: a new version, or a new revision of the
    draft in the works (its contact paragraph and masked names kept).

    Refused while a version awaits approval or once one is published (a change after
    publication is a correction, a new version with a note).
    """
    require(actor, Action.DRAFT_ANNOUNCEMENT, inspection=inspection)
    # One writer at a time per inspection: versions are numbered from the rows there.
    Inspection.objects.select_for_update().filter(pk=inspection.pk).get()
    latest = Announcement.objects.filter(inspection=inspection).order_by("-version").first()
    if latest is not None and latest.state in (S.SUBMITTED, S.APPROVED):
        raise ValidationError(IN_REVIEW.format(version=latest.version))
    if latest is not None and latest.state == S.PUBLISHED:
        raise ValidationError(ALREADY_PUBLISHED.format(version=latest.version))
    closing = _closing_of(latest.body) if latest is not None else ""
    body, figures = generated_text(inspection, issue_date=issue_date, closing=closing)
    document = checked_document(body)
    title = document.title or ""
    if latest is None:
        announcement = audited_create(
            Announcement(
                inspection=inspection,
                version=1,
                title=title,
                body=body,
                created_by=actor,
                figures={"live": figures},
            ),
            actor=actor,
            action="announcement.generate",
            fields=AUDIT_FIELDS,
        )
        add_revision(announcement, title=title, body=body, note=NOTE_GENERATED, actor=actor)
        return announcement
    draft = lock(latest)
    draft.figures = {"live": figures}
    return _save(draft, title=title, body=body, note=NOTE_REGENERATED, actor=actor,
                 action="announcement.regenerate")


def _save(
    announcement: Announcement, *, title: str, body: str, note: str, actor: User, action: str
) -> Announcement:
    with audited_change(announcement, actor=actor, action=action, fields=AUDIT_FIELDS):
        announcement.revision += 1
        announcement.title = title[:255]
        announcement.body = body
    add_revision(announcement, title=title, body=body, note=note, actor=actor)
    return announcement


@transaction.atomic
def announcement_save(
    *,
    announcement: Announcement,
    body: str,
    actor: User,
    note: str = NOTE_EDITED,
    base_revision: int | None = None,
) -> Announcement:
    """Save the office's edit of a draft as its next revision.

    The text must still lay out whole (every line placed in the structure, a title on the
    first line); the title is read from it. `base_revision` is the revision the editor
    started from: when the draft was saved since (another tab, another person), the save
    is refused with `STALE` (code "stale") instead of silently replacing that text.
    """
    require(actor, Action.DRAFT_ANNOUNCEMENT, inspection=announcement.inspection)
    announcement = lock(announcement)
    expect_state(announcement, (S.DRAFT,), "修改")
    if base_revision is not None and base_revision != announcement.revision:
        latest = announcement.revisions.select_related("author").order_by("-number").first()
        author = latest.author if latest is not None else None
        name = (author.display_name or author.username) if author is not None else "他人"
        raise ValidationError(
            STALE.format(author=name, revision=announcement.revision), code="stale"
        )
    body = normalised_text(body)
    if body == announcement.body:
        raise ValidationError({"body": UNCHANGED})
    document = checked_document(body)
    return _save(
        announcement,
        title=document.title or "",
        body=body,
        note=note or NOTE_EDITED,
        actor=actor,
        action="announcement.revise",
    )


@transaction.atomic
def announcement_set_visibility(
    *, announcement: Announcement, visibility: str, actor: User
) -> Announcement:
    """Choose the editions: Party-internal only, or internal and public."""
    require(actor, Action.DRAFT_ANNOUNCEMENT, inspection=announcement.inspection)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": VISIBILITY_INVALID.format(value=visibility)})
    announcement = lock(announcement)
    expect_state(announcement, (S.DRAFT,), "修改发布范围")
    with audited_change(
        announcement, actor=actor, action="announcement.visibility", fields=AUDIT_FIELDS
    ):
        announcement.visibility = visibility
    return announcement
