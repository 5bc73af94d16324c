"""Announcements generated from the ledger, their review and editions, and public feedback.

The source documents of imports live in the ledger (`ledger.SourceDocument`), because the
import builds the ledger; this app only publishes. `announcement` holds the versions and
their saved revisions; `review` what is checked before approval (figure overrides, the
exceptions checklist) and the public edition; `feedback` the public's opinions.
"""

from zhenggai.publication.models.announcement import Announcement, AnnouncementRevision
from zhenggai.publication.models.feedback import PublicFeedback
from zhenggai.publication.models.review import ExceptionsChecklist, FigureOverride, PublicEdition

__all__ = [
    "Announcement",
    "AnnouncementRevision",
    "ExceptionsChecklist",
    "FigureOverride",
    "PublicEdition",
    "PublicFeedback",
]
