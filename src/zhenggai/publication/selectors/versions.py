"""Reads of announcements: the office's list of versions and revisions, the preview (the
figure check beside each figure, the masking), and the published public editions.

The versions are the office's and the leader's working papers: a user reads them who may
draft, approve or publish the inspection's announcement. The public editions are public
once published, and the portal reads `PublicEdition` alone — the masked text — so no query
of it can reach the internal edition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require_any
from zhenggai.core.document import Document
from zhenggai.core.edition import edition_document
from zhenggai.core.errors import InputError
from zhenggai.core.figure_check import FigureRow, Override, check_figures
from zhenggai.core.masking import mask_segments, mask_text, masked_count, name_candidates
from zhenggai.ledger.models import Inspection, LeadingGroupMember, Measure
from zhenggai.publication.choices import Visibility
from zhenggai.publication.models import (
    Announcement,
    AnnouncementRevision,
    ExceptionsChecklist,
    PublicEdition,
)
from zhenggai.records.models import Accountability
from zhenggai.records.selectors import live_figures

#: Who reads the versions: whoever drafts, approves or publishes announcements there.
READERS = (Action.DRAFT_ANNOUNCEMENT, Action.APPROVE_ANNOUNCEMENT, Action.PUBLISH)


def announcement_versions(*, user: User, inspection: Inspection) -> QuerySet[Announcement]:
    """Every version of the inspection's announcement, newest first, with its revisions
    counted — the list the page shows ("第3版（当前），另有2个早期版本")."""
    require_any(user, READERS, inspection=inspection)
    return (
        Announcement.objects.filter(inspection=inspection)
        .select_related("created_by", "submitted_by", "approved_by", "published_by")
        .annotate(revision_count=Count("revisions"))
        .order_by("-version")
    )


def current_announcement(*, user: User, inspection: Inspection) -> Announcement | None:
    """The newest version (the draft in the works, else the last published), or None."""
    return announcement_versions(user=user, inspection=inspection).first()


def announcement_revisions(
    *, user: User, announcement: Announcement
) -> QuerySet[AnnouncementRevision]:
    """The saved texts of one version, oldest first."""
    require_any(user, READERS, inspection=announcement.inspection)
    return (
        AnnouncementRevision.objects.filter(announcement=announcement)
        .select_related("author")
        .order_by("number")
    )


def overrides_of(announcement: Announcement) -> list[Override]:
    return [
        Override(
            key=o.key,
            stated=o.stated,
            live=o.live,
            reason=o.reason,
            author=o.author.display_name or o.author.username,
            at=o.created_at,
        )
        for o in announcement.figure_overrides.select_related("author").order_by("created_at", "id")
    ]


def figure_rows(announcement: Announcement, document: Document | None = None) -> list[FigureRow]:
    """The figure check of the version's text against the ledger now, overrides applied."""
    document = document or edition_document(announcement.body)
    live = live_figures(inspection=announcement.inspection)
    return check_figures(document, live, overrides_of(announcement))


def current_checklist(announcement: Announcement) -> ExceptionsChecklist | None:
    """The exceptions checklist answered for the version's text as it is now, if any."""
    latest = (
        announcement.checklists.select_related("answered_by").order_by("-answered_at", "-id").first()
    )
    if latest is None or latest.revision != announcement.revision:
        return None
    if sorted(latest.masked_names) != sorted(announcement.masked_names):
        return None
    return latest


def known_names(inspection: Inspection) -> list[str]:
    """Names of people the ledger and records hold for the inspection (three queries)."""
    names = set(
        Accountability.objects.filter(inspection=inspection).values_list("person_name", flat=True)
    )
    names |= set(
        LeadingGroupMember.objects.filter(inspection=inspection).values_list("person__name", flat=True)
    )
    for leader, person in Measure.objects.filter(inspection=inspection).values_list(
        "responsible_leader__name", "responsible_person__name"
    ):
        names |= {n for n in (leader, person) if n}
    return sorted(n for n in names if n)


def public_text(announcement: Announcement) -> str:
    """The public edition's text: fixed on approval, else what approval would fix now."""
    edition = PublicEdition.objects.filter(announcement=announcement).first()
    if edition is not None:
        return edition.body
    return mask_text(announcement.body, announcement.masked_names)


@dataclass(frozen=True)
class AnnouncementPreview:
    """What the office and the leader see before approving a version."""

    announcement: Announcement
    figures: list[FigureRow]
    #: The text as (piece, masked) pairs; masked pieces show as *** in the public edition.
    public_segments: list[tuple[str, bool]]
    public_text: str
    masked_places: int
    #: Names the office may want masked that are not yet (people and companies).
    candidates: list[str]
    checklist: ExceptionsChecklist | None
    #: Why the text cannot be laid out (a line the parser cannot place), if so.
    problems: list[str] = field(default_factory=list)

    @property
    def blocking_figures(self) -> list[FigureRow]:
        return [row for row in self.figures if row.blocks]

    @property
    def has_public_edition(self) -> bool:
        return self.announcement.visibility == Visibility.PUBLIC


def announcement_preview(*, user: User, announcement: Announcement) -> AnnouncementPreview:
    """The version with its figure check, its masking and its checklist."""
    require_any(user, READERS, inspection=announcement.inspection)
    problems: list[str] = []
    try:
        rows = figure_rows(announcement)
    except InputError as exc:
        rows, problems = [], [str(exc)]
    masked = announcement.masked_names
    body = announcement.body
    known = known_names(announcement.inspection)
    return AnnouncementPreview(
        announcement=announcement,
        figures=rows,
        public_segments=mask_segments(body, masked),
        public_text=public_text(announcement),
        masked_places=masked_count(body, masked),
        candidates=[n for n in name_candidates(body, known) if n not in masked],
        checklist=current_checklist(announcement),
        problems=problems,
    )


def published_public_editions(*, inspection: Inspection | None = None) -> QuerySet[PublicEdition]:
    """Published public editions only, newest first — what the public portal shows.

    `superseded` is True for a version a later published correction replaced; the portal
    shows the current one and says that earlier ones exist.
    """
    newer = PublicEdition.objects.filter(
        inspection=OuterRef("inspection"),
        version__gt=OuterRef("version"),
        published_at__isnull=False,
    )
    editions = PublicEdition.objects.filter(published_at__isnull=False)
    if inspection is not None:
        editions = editions.filter(inspection=inspection)
    return editions.annotate(superseded=Exists(newer)).order_by("-published_at", "-id")
