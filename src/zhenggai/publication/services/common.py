"""What the publication services share: locking a version, checking its state, the text."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from zhenggai.core.document import Document
from zhenggai.core.edition import edition_document
from zhenggai.core.errors import InputError
from zhenggai.publication.choices import AnnouncementState
from zhenggai.publication.models import Announcement

#: Error messages (asserted by the tests).
WRONG_STATE = "第{version}版通报当前为“{state}”，不能{action}"
TEXT_INVALID = "通报正文无法排版：{error}"
TITLE_MISSING = "通报第一行应为标题，如“关于巡察整改情况的通报”"

#: The fields every audit entry of a version records.
AUDIT_FIELDS = ["inspection", "version", "state", "revision", "title", "visibility"]


def lock(announcement: Announcement) -> Announcement:
    """The version's row, locked for this transaction, with its inspection."""
    return (
        Announcement.objects.select_for_update()
        .select_related("inspection__organisation")
        .get(pk=announcement.pk)
    )


def expect_state(announcement: Announcement, states: tuple[str, ...], action: str) -> None:
    """Refuse `action` unless the (locked) version is in one of `states`."""
    if announcement.state not in states:
        label = AnnouncementState(announcement.state).label
        raise ValidationError(
            WRONG_STATE.format(version=announcement.version, state=label, action=action)
        )


def checked_document(body: str) -> Document:
    """The parse of a text about to be saved or approved; a `ValidationError` on `body`
    when it cannot be laid out whole or has no title."""
    try:
        document = edition_document(body)
    except InputError as exc:
        raise ValidationError({"body": TEXT_INVALID.format(error=exc)}) from None
    if not document.title:
        raise ValidationError({"body": TITLE_MISSING})
    return document
