"""What is settled before approval: the names masked in the public edition, the exceptions
checklist, and the written reasons for figures that differ from the ledger.

Masks change the public text, so they are chosen on a draft; the checklist and the
overrides are answers about a text and may be given while it awaits approval too — by the
office, which drafts, or by the leader, who approves. Each is audited in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, require, require_any
from zhenggai.audit.writes import audited_change, audited_create
from zhenggai.core.masking import MIN_NAME_LENGTH, clean_names
from zhenggai.publication.choices import CHECKLIST_ITEMS, AnnouncementState, ChecklistAnswer
from zhenggai.publication.models import Announcement, ExceptionsChecklist, FigureOverride
from zhenggai.publication.selectors.versions import figure_rows
from zhenggai.publication.services.common import AUDIT_FIELDS, checked_document, expect_state, lock

S = AnnouncementState

#: Error messages (asserted by the tests).
NAME_TOO_SHORT = "隐去的名称至少{n}个字：{name}"
NAME_NOT_IN_TEXT = "正文中没有“{name}”，无需隐去"
CHECKLIST_UNANSWERED = "请逐项回答公开前审查：{items}"
CHECKLIST_BAD_ANSWER = "公开前审查的回答无效：{item}"
OVERRIDE_REASON_REQUIRED = "请写明文中数字与台账不一致的理由"
OVERRIDE_NOT_STATED = "正文中没有可核对的数字：{key}"
OVERRIDE_NOT_NEEDED = "“{label}”与台账一致或无法核对，无需说明理由"

#: Who answers the checklist and explains a figure: the office or the leader.
REVIEWERS = (Action.DRAFT_ANNOUNCEMENT, Action.APPROVE_ANNOUNCEMENT)


@transaction.atomic
def announcement_set_masks(
    *, announcement: Announcement, names: Iterable[str], actor: User
) -> Announcement:
    """Choose the names of people and companies the public edition replaces by ***."""
    require(actor, Action.DRAFT_ANNOUNCEMENT, inspection=announcement.inspection)
    announcement = lock(announcement)
    expect_state(announcement, (S.DRAFT,), "修改隐去的名称")
    chosen = clean_names(names)
    for name in chosen:
        if len(name) < MIN_NAME_LENGTH:
            raise ValidationError({"masked_names": NAME_TOO_SHORT.format(n=MIN_NAME_LENGTH, name=name)})
        if name not in announcement.body:
            raise ValidationError({"masked_names": NAME_NOT_IN_TEXT.format(name=name)})
    with audited_change(
        announcement,
        actor=actor,
        action="announcement.masks",
        fields=[*AUDIT_FIELDS, "masked_names"],
    ):
        announcement.masked_names = chosen
    return announcement


@transaction.atomic
def exceptions_checklist_answer(
    *,
    announcement: Announcement,
    answers: Mapping[str, str],
    actor: User,
    note: str = "",
) -> ExceptionsChecklist:
    """Record the answers to the exceptions checklist for the version's text as it is now
    (its revision and masked names): state secrets, cases under investigation, personal
    data, sensitive matters — each not concerned, handled, or present and not handled."""
    require_any(actor, REVIEWERS, inspection=announcement.inspection)
    announcement = lock(announcement)
    expect_state(announcement, (S.DRAFT, S.SUBMITTED), "进行公开前审查")
    missing = [label for item, label in CHECKLIST_ITEMS if not answers.get(item)]
    if missing:
        raise ValidationError(CHECKLIST_UNANSWERED.format(items="、".join(missing)))
    for item, label in CHECKLIST_ITEMS:
        if answers[item] not in ChecklistAnswer.values:
            raise ValidationError({item: CHECKLIST_BAD_ANSWER.format(item=label)})
    return audited_create(
        ExceptionsChecklist(
            announcement=announcement,
            revision=announcement.revision,
            masked_names=list(announcement.masked_names),
            note=note.strip(),
            answered_by=actor,
            **{item: answers[item] for item, _ in CHECKLIST_ITEMS},
        ),
        actor=actor,
        action="announcement.checklist",
        fields=["announcement", "revision", "masked_names", *(i for i, _ in CHECKLIST_ITEMS), "note"],
    )


@transaction.atomic
def figure_override_record(
    *, announcement: Announcement, key: str, reason: str, actor: User
) -> FigureOverride:
    """Let a stated figure stand although the ledger differs, with the written reason.

    The reason is audited and shown beside the figure; it covers the figure as it stands
    now (the stated and the live value), so a later change of either asks again.
    """
    require_any(actor, REVIEWERS, inspection=announcement.inspection)
    announcement = lock(announcement)
    expect_state(announcement, (S.DRAFT, S.SUBMITTED), "说明数据不一致")
    if not reason.strip():
        raise ValidationError({"reason": OVERRIDE_REASON_REQUIRED})
    rows = {row.key: row for row in figure_rows(announcement, checked_document(announcement.body))}
    row = rows.get(key)
    if row is None:
        raise ValidationError({"key": OVERRIDE_NOT_STATED.format(key=key)})
    if row.status not in ("mismatch", "overridden") or row.live is None:
        raise ValidationError({"key": OVERRIDE_NOT_NEEDED.format(label=row.label)})
    return audited_create(
        FigureOverride(
            announcement=announcement,
            key=key,
            stated=row.stated,
            live=row.live,
            reason=reason.strip(),
            author=actor,
        ),
        actor=actor,
        action="announcement.figure_override",
        fields=["announcement", "key", "stated", "live", "reason"],
        extra={"stated": row.stated, "text": row.text, "line": row.line},
    )
