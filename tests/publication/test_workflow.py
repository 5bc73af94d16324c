"""Versions of an announcement: drafts and revisions, the figure check and its audited
override, the exceptions checklist, approval, publication (then fixed) and correction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.publication.helpers import (
    People,
    answer_checklist,
    approved,
    draft,
    fresh,
    published,
    submitted,
)
from zhenggai.audit.models import AuditEntry
from zhenggai.audit.services import audit_verify
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import AnnouncementState, ChecklistAnswer, Visibility
from zhenggai.publication.models import Announcement, AnnouncementRevision, PublicEdition
from zhenggai.publication.selectors import (
    announcement_preview,
    announcement_revisions,
    announcement_versions,
    current_announcement,
    published_public_editions,
)
from zhenggai.publication.services import (
    ALREADY_PUBLISHED,
    CHECKLIST_MISSING,
    CORRECTION_NOTE_REQUIRED,
    IN_REVIEW,
    OVERRIDE_NOT_NEEDED,
    OVERRIDE_REASON_REQUIRED,
    RETURN_REASON_REQUIRED,
    TITLE_MISSING,
    UNCHANGED,
    announcement_approve,
    announcement_correct,
    announcement_generate,
    announcement_publish,
    announcement_return,
    announcement_save,
    announcement_set_masks,
    announcement_set_visibility,
    announcement_submit,
    exceptions_checklist_answer,
    figure_override_record,
)
from zhenggai.records.selectors import live_figures

pytestmark = pytest.mark.django_db
S = AnnouncementState


def _edit(announcement: Announcement, people: People, old: str, new: str) -> Announcement:
    assert old in announcement.body
    return announcement_save(
        announcement=announcement, body=announcement.body.replace(old, new), actor=people.office
    )


def test_generating_again_is_a_new_revision_of_the_draft(ledger: Inspection, people: People) -> None:
    first = draft(ledger, people)
    assert (first.version, first.revision, first.state) == (1, 1, S.DRAFT)
    assert first.title == "中共示范区城市管理局委员会关于巡察整改情况的通报"
    edited = _edit(first, people, "欢迎广大干部群众", "诚挚欢迎广大干部群众")
    announcement_set_masks(announcement=edited, names=["执法大队"], actor=people.office)
    again = announcement_generate(inspection=ledger, actor=people.office)
    assert (again.pk, again.version, again.revision) == (first.pk, 1, 3)
    # The office's contact paragraph and masks survive a regeneration.
    assert "诚挚欢迎广大干部群众" in again.body and again.masked_names == ["执法大队"]
    revisions = announcement_revisions(user=people.office, announcement=again)
    assert [(r.number, r.note) for r in revisions] == [
        (1, "由台账生成"), (2, "编辑"), (3, "由台账重新生成")
    ]


def test_a_save_must_change_the_text_keep_a_title_and_lay_out_whole(
    ledger: Inspection, people: People
) -> None:
    announcement = draft(ledger, people)
    with pytest.raises(ValidationError, match=UNCHANGED):
        announcement_save(announcement=announcement, body=announcement.body, actor=people.office)
    untitled = announcement.body.split("\n", 1)[1]
    with pytest.raises(ValidationError, match=TITLE_MISSING):
        announcement_save(announcement=announcement, body=untitled, actor=people.office)
    stray = announcement.body.replace("一、加强组织领导", "整改情况：另述。\n一、加强组织领导")
    with pytest.raises(ValidationError, match="未能归入通报的结构"):
        announcement_save(announcement=announcement, body=stray, actor=people.office)
    assert AnnouncementRevision.objects.filter(announcement=announcement).count() == 1


def test_the_figure_check_blocks_approval_until_the_reason_is_written(
    ledger: Inspection, people: People
) -> None:
    announcement = _edit(draft(ledger, people), people, "制定整改措施4条", "制定整改措施7条")
    answer_checklist(announcement, people)
    announcement = announcement_submit(announcement=announcement, actor=people.office)
    with pytest.raises(ValidationError) as refused:
        announcement_approve(announcement=announcement, actor=people.leader)
    assert "整改措施：文中7条（“整改措施7条”），台账4条" in str(refused.value)
    assert fresh(announcement).state == S.SUBMITTED

    with pytest.raises(ValidationError, match=OVERRIDE_REASON_REQUIRED):
        figure_override_record(announcement=announcement, key="measures", reason=" ", actor=people.leader)
    with pytest.raises(ValidationError, match=OVERRIDE_NOT_NEEDED.format(label="方面")):
        figure_override_record(announcement=announcement, key="aspects", reason="无", actor=people.leader)
    reason = "另有3条措施由上级部门牵头落实，未列入本单位台账"
    figure_override_record(announcement=announcement, key="measures", reason=reason, actor=people.leader)
    entry = AuditEntry.objects.filter(action="announcement.figure_override").get()
    assert entry.after["reason"] == reason and entry.after["stated"] == 7 and entry.after["live"] == 4
    assert entry.actor == people.leader

    rows = {r.key: r for r in announcement_preview(user=people.leader, announcement=announcement).figures}
    assert rows["measures"].status == "overridden" and rows["measures"].override.reason == reason
    approved_version = announcement_approve(announcement=announcement, actor=people.leader)
    assert approved_version.state == S.APPROVED
    # The whole ledger as the approval saw it, stated or not.
    assert approved_version.figures["live"] == live_figures(inspection=ledger)
    checked = {row["key"]: row for row in approved_version.figures["checked"]}
    assert checked["measures"] == {
        "key": "measures", "stated": 7, "live": 4, "status": "overridden", "reason": reason
    }
    assert audit_verify().ok


def test_an_override_no_longer_covers_a_figure_that_changed(ledger: Inspection, people: People) -> None:
    announcement = _edit(draft(ledger, people), people, "制定整改措施4条", "制定整改措施7条")
    figure_override_record(announcement=announcement, key="measures", reason="理由", actor=people.office)
    announcement = _edit(announcement, people, "制定整改措施7条", "制定整改措施8条")
    rows = {r.key: r for r in announcement_preview(user=people.office, announcement=announcement).figures}
    assert rows["measures"].blocks and rows["measures"].override is None


def test_a_public_edition_needs_the_checklist_for_its_current_text(
    ledger: Inspection, people: People
) -> None:
    announcement = draft(ledger, people)
    answer_checklist(announcement, people)
    # An edit after the answers asks for them again.
    announcement = _edit(announcement, people, "目前正在推进。", "正在按期推进。")
    announcement = announcement_submit(announcement=announcement, actor=people.office)
    with pytest.raises(ValidationError, match=CHECKLIST_MISSING):
        announcement_approve(announcement=announcement, actor=people.leader)
    answer_checklist(announcement, people, personal_data=ChecklistAnswer.PRESENT)
    with pytest.raises(ValidationError, match="尚有未处理的事项：个人信息"):
        announcement_approve(announcement=announcement, actor=people.leader)
    with pytest.raises(ValidationError, match="请逐项回答公开前审查：其他敏感事项"):
        exceptions_checklist_answer(
            announcement=announcement,
            answers={"state_secrets": "absent", "cases_under_investigation": "absent",
                     "personal_data": "handled"},
            actor=people.leader,
        )
    answer_checklist(announcement, people, personal_data=ChecklistAnswer.HANDLED)
    assert announcement_approve(announcement=announcement, actor=people.leader).state == S.APPROVED
    assert PublicEdition.objects.filter(announcement=announcement).exists()


def test_an_internal_only_version_has_no_public_edition(ledger: Inspection, people: People) -> None:
    announcement = announcement_set_visibility(
        announcement=draft(ledger, people), visibility=Visibility.INTERNAL, actor=people.office
    )
    announcement = announcement_submit(announcement=announcement, actor=people.office)
    announcement = announcement_approve(announcement=announcement, actor=people.leader)
    announcement_publish(announcement=announcement, actor=people.office)
    assert not PublicEdition.objects.exists()
    assert not published_public_editions().exists()


def test_the_leader_returns_a_draft_with_a_reason(ledger: Inspection, people: People) -> None:
    announcement = submitted(ledger, people)
    with pytest.raises(ValidationError, match=IN_REVIEW.format(version=1)):
        announcement_generate(inspection=ledger, actor=people.office)
    with pytest.raises(ValidationError, match="不能修改"):
        _edit(announcement, people, "目前正在推进。", "正在按期推进。")
    with pytest.raises(ValidationError, match=RETURN_REASON_REQUIRED):
        announcement_return(announcement=announcement, reason="", actor=people.leader)
    returned = announcement_return(announcement=announcement, reason="请补充整改成效", actor=people.leader)
    assert (returned.state, returned.return_reason) == (S.DRAFT, "请补充整改成效")
    _edit(returned, people, "目前正在推进。", "正在按期推进。")


def test_a_published_version_never_changes(ledger: Inspection, people: People) -> None:
    announcement = published(ledger, people)
    body = announcement.body
    attempts = [
        lambda: _edit(announcement, people, "目前正在推进。", "正在按期推进。"),
        lambda: announcement_set_masks(announcement=announcement, names=["执法大队"], actor=people.office),
        lambda: announcement_submit(announcement=announcement, actor=people.office),
        lambda: announcement_approve(announcement=announcement, actor=people.leader),
        lambda: announcement_publish(announcement=announcement, actor=people.office),
        lambda: figure_override_record(announcement=announcement, key="measures", reason="x", actor=people.office),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="已发布"):
            attempt()
    with pytest.raises(ValidationError, match=ALREADY_PUBLISHED.format(version=1)):
        announcement_generate(inspection=ledger, actor=people.office)
    assert fresh(announcement).body == body and fresh(announcement).state == S.PUBLISHED


def test_a_correction_is_a_new_version_with_a_note(ledger: Inspection, people: People) -> None:
    first = published(ledger, people)
    with pytest.raises(ValidationError, match=CORRECTION_NOTE_REQUIRED):
        announcement_correct(announcement=first, note=" ", actor=people.office)
    correction = announcement_correct(
        announcement=first, note="更正整改措施数", actor=people.office, regenerate=True
    )
    assert (correction.version, correction.state, correction.correction_of) == (2, S.DRAFT, first)
    assert correction.revisions.get().note == "更正：更正整改措施数"
    with pytest.raises(ValidationError, match="第2版通报尚未发布"):
        announcement_correct(announcement=first, note="再次更正", actor=people.office)
    versions = announcement_versions(user=people.office, inspection=ledger)
    assert [(v.version, v.state) for v in versions] == [(2, S.DRAFT), (1, S.PUBLISHED)]
    assert current_announcement(user=people.leader, inspection=ledger) == correction

    answer_checklist(correction, people)
    announcement_submit(announcement=correction, actor=people.office)
    announcement_approve(announcement=correction, actor=people.leader)
    announcement_publish(announcement=correction, actor=people.leader)
    editions = list(published_public_editions(inspection=ledger))
    assert [(e.version, e.superseded) for e in editions] == [(2, False), (1, True)]
    assert editions[0].correction_note == "更正整改措施数"


def test_only_published_public_editions_reach_the_portal(ledger: Inspection, people: People) -> None:
    approved_version = approved(ledger, people)
    assert PublicEdition.objects.filter(announcement=approved_version).exists()
    assert not published_public_editions().exists()
    announcement_publish(announcement=approved_version, actor=people.leader)
    (edition,) = published_public_editions()
    assert edition.version == 1 and edition.published_at == fresh(approved_version).published_at


def test_one_unpublished_version_per_inspection_in_the_database(ledger: Inspection, people: People) -> None:
    first = draft(ledger, people)
    with pytest.raises(IntegrityError), transaction.atomic():
        Announcement.objects.create(inspection=ledger, version=2, title=first.title, body=first.body)


def test_only_drafters_approvers_and_publishers_read_the_versions(
    ledger: Inspection, people: People
) -> None:
    draft(ledger, people)
    for role in ("unit", "inspector", "supervisor", "admin"):
        with pytest.raises(PermissionDenied):
            announcement_versions(user=people.by_role[role], inspection=ledger)
    with pytest.raises(PermissionDenied):
        announcement_versions(user=people.outsider, inspection=ledger)
    assert announcement_versions(user=people.leader, inspection=ledger).get().revision_count == 1
