"""Reads of the publication app: the ledger as announcement facts (`facts`), the versions,
the preview and the public editions (`versions`). This package re-exports their names."""

from zhenggai.publication.selectors.facts import announcement_facts
from zhenggai.publication.selectors.versions import (
    READERS,
    AnnouncementPreview,
    announcement_preview,
    announcement_revisions,
    announcement_versions,
    current_announcement,
    current_checklist,
    figure_rows,
    known_names,
    overrides_of,
    public_text,
    published_public_editions,
)

__all__ = [
    "READERS",
    "AnnouncementPreview",
    "announcement_facts",
    "announcement_preview",
    "announcement_revisions",
    "announcement_versions",
    "current_announcement",
    "current_checklist",
    "figure_rows",
    "known_names",
    "overrides_of",
    "public_text",
    "published_public_editions",
]
