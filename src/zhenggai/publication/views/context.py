"""Everything the announcement page shows, gathered from the publication selectors.

The page shows one version (the newest unless `?version=N`): its text (Party-internal, or
the public edition with the masked names marked, `?edition=public`), the figure check beside
it (each stated figure, the ledger's, the sentence it stands in, the reason given for a
difference), the steps the user may take, the saved revisions with who and when, and the
difference between two of them (`?from=M&to=N`). A fixed number of queries whatever the
number of revisions: the list shows the latest `REVISIONS_SHOWN`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.permissions import Action
from zhenggai.core.edition import normalised_text
from zhenggai.core.figure_check import FIGURE_LABELS, FigureRow
from zhenggai.http import HtmxHttpRequest
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import CHECKLIST_ITEMS, AnnouncementState, Edition
from zhenggai.publication.forms import (
    ChecklistForm,
    CorrectForm,
    DraftForm,
    MasksForm,
    OverrideForm,
    ReturnForm,
    VisibilityForm,
)
from zhenggai.publication.models import Announcement, AnnouncementRevision
from zhenggai.publication.selectors import (
    announcement_preview,
    announcement_revisions,
    announcement_versions,
)
from zhenggai.publication.views.common import acting_user, crumbs
from zhenggai.publication.views.diff import text_diff

S = AnnouncementState
#: Saved revisions listed on the page (newest first); the count says how many there are.
REVISIONS_SHOWN = 20
#: The formats of the downloads, in the order the page offers them.
FORMATS = (
    ("docx", "Word（DOCX）"),
    ("pdf", "PDF"),
    ("txt", _("纯文本（TXT）")),
    ("md", "Markdown"),
)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _stated(row: FigureRow) -> str:
    value = int(row.stated) if float(row.stated).is_integer() else row.stated
    unit = FIGURE_LABELS.get(row.key, ("", ""))[1]
    if row.qualifier == "近":
        return f"近{value}{unit}"
    return f"{value}{row.qualifier or ''}{unit}"


def _diff(request: HtmxHttpRequest, fetched: dict[int, AnnouncementRevision]) -> dict[str, Any]:
    """The difference between two saved texts, when `from` and `to` name them."""
    old_no, new_no = _int(request.GET.get("from")), _int(request.GET.get("to"))
    if old_no is None or new_no is None or old_no == new_no:
        return {}
    if old_no not in fetched or new_no not in fetched:
        return {"diff_missing": True}
    old, new = fetched[old_no], fetched[new_no]
    return {"diff": text_diff(old.body, new.body), "diff_old": old, "diff_new": new}


def page_context(
    request: HtmxHttpRequest,
    inspection: Inspection,
    *,
    held: frozenset[Action],
    shown: Announcement | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The page's context; PermissionDenied for a user who may not read announcements."""
    extra = extra or {}
    user = acting_user(request)
    versions = list(announcement_versions(user=user, inspection=inspection))
    current = versions[0] if versions else None
    if shown is None:
        wanted = _int(request.GET.get("version"))
        shown = next((v for v in versions if v.version == wanted), current)
    context: dict[str, Any] = {
        "inspection": inspection,
        "crumbs": crumbs(inspection),
        "versions": versions,
        "current": current,
        "shown": shown,
        "may_draft": Action.DRAFT_ANNOUNCEMENT in held,
        "may_approve": Action.APPROVE_ANNOUNCEMENT in held,
        "may_publish": Action.PUBLISH in held,
        "may_review": bool(held & {Action.DRAFT_ANNOUNCEMENT, Action.APPROVE_ANNOUNCEMENT}),
        "formats": FORMATS,
    }
    if shown is None:
        return context | extra
    preview = announcement_preview(user=user, announcement=shown)
    # One query: the latest revisions for the list, and those the URL names (to view one,
    # to compare two) wherever they are.
    named = [n for n in (_int(request.GET.get(k)) for k in ("revision", "from", "to")) if n]
    fetched = {
        r.number: r
        for r in announcement_revisions(user=user, announcement=shown)
        .filter(Q(number__gt=shown.revision - REVISIONS_SHOWN) | Q(number__in=named))
        .order_by("-number")
    }
    revisions = [r for r in fetched.values() if r.number > shown.revision - REVISIONS_SHOWN]
    viewed = fetched.get(_int(request.GET.get("revision")) or 0)
    text = viewed.body if viewed is not None else shown.body
    by_line: dict[int, list[FigureRow]] = defaultdict(list)
    for row in preview.figures:
        # The check is of the latest text: an earlier revision's lines are not flagged.
        if row.line is not None and viewed is None:
            by_line[row.line].append(row)
    override: forms.Form | None = extra.pop("override_form", None)
    editable = shown.state == S.DRAFT and context["may_draft"]
    context.update(
        preview=preview,
        tab=_tab(request, editable=editable, public=preview.has_public_edition, extra=extra),
        is_current=shown == current,
        editable=editable,
        reviewable=shown.state in (S.DRAFT, S.SUBMITTED) and context["may_review"],
        revisions=revisions,
        viewed=viewed,
        lines=[
            (no, line, [r for r in by_line.get(no, ()) if r.status != "match"])
            for no, line in enumerate(normalised_text(text).splitlines(), start=1)
        ],
        figure_items=[
            (
                row,
                _stated(row),
                override
                if override is not None and override.data.get("key") == row.key
                else OverrideForm(initial={"key": row.key}),
            )
            for row in preview.figures
        ],
        draft_form=DraftForm(initial={"body": shown.body, "base_revision": shown.revision}),
        masks_form=MasksForm(
            initial={"names": shown.masked_names},
            choices=[*shown.masked_names, *preview.candidates],
        ),
        visibility_form=VisibilityForm(initial={"visibility": shown.visibility}),
        checklist_form=ChecklistForm(
            initial=_checklist_initial(preview.checklist) if preview.checklist else None
        ),
        return_form=ReturnForm(),
        correct_form=CorrectForm(),
        edition_labels=dict(Edition.choices),
        **_diff(request, fetched),
    )
    return context | extra


def _tab(request: HtmxHttpRequest, *, editable: bool, public: bool, extra: dict[str, Any]) -> str:
    """Which pane shows the text: the editor (a draft the user may edit; always after a
    refused save), the Party-internal preview or the public one."""
    if editable and "draft_form" in extra:
        return "edit"
    wanted = request.GET.get("tab", "")
    allowed = {"internal"} | ({"edit"} if editable else set()) | ({"public"} if public else set())
    if wanted in allowed:
        return wanted
    return "edit" if editable else "internal"


def _checklist_initial(checklist: Any) -> dict[str, Any]:
    return {item: getattr(checklist, item) for item, _ in CHECKLIST_ITEMS} | {
        "note": checklist.note
    }
