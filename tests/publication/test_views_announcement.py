"""The announcement page: generate, edit (each save a revision), the list of revisions and
the difference between two, the figure check beside the text, the state machine as buttons,
errors beside the field with nothing typed lost, conflicts between two tabs, scope."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.publication.helpers import People, answer_checklist, fresh
from zhenggai.ledger.models import Inspection
from zhenggai.publication.choices import AnnouncementState
from zhenggai.publication.models import Announcement, AnnouncementRevision
from zhenggai.publication.services import (
    FIGURES_MISMATCH,
    UNCHANGED,
    announcement_generate,
    announcement_save,
    announcement_submit,
)

pytestmark = pytest.mark.django_db

S = AnnouncementState
STATED = "制定整改措施4条"
WRONG = "制定整改措施5条"


def client_of(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def page(inspection: Inspection) -> str:
    return f"/inspections/{inspection.pk}/announcement/"


def version_url(announcement: Announcement, step: str) -> str:
    return f"/inspections/{announcement.inspection_id}/announcement/versions/{announcement.version}/{step}/"


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_the_office_generates_the_first_draft_from_the_ledger(
    ledger: Inspection, people: People
) -> None:
    office = client_of(people.office)
    empty = office.get(page(ledger))
    assert empty.status_code == 200
    assert 'data-testid="empty"' in text(empty) and 'data-testid="generate"' in text(empty)

    response = office.post(f"{page(ledger)}generate/")
    assert response.status_code == 302 and response["Location"] == f"{page(ledger)}?version=1"
    announcement = Announcement.objects.get(inspection=ledger)
    shown = office.get(response["Location"])
    body = text(shown)
    assert "由台账生成通报稿" in body
    assert 'data-testid="draft-form"' in body and STATED in body
    # The figure check beside the text: the stated measures agree with the ledger.
    assert re.search(r'data-key="measures" data-status="match"', body)
    assert body.count('data-testid="revision"') == 1 and announcement.revision == 1


def test_a_saved_edit_is_a_revision_listed_with_who_and_when_and_diffed_in_chinese(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    office = client_of(people.office)
    body = announcement.body.replace("目前正在推进。", "正在按期推进。", 1)
    response = office.post(
        version_url(announcement, "save"),
        {"body": body, "base_revision": 1, "note": "改写进展表述"},
    )
    assert response.status_code == 302
    assert AnnouncementRevision.objects.filter(announcement=announcement).count() == 2
    listed = text(office.get(page(ledger)))
    assert listed.count('data-testid="revision"') == 2
    assert "改写进展表述" in listed and str(people.office) in listed
    diff = text(office.get(f"{page(ledger)}?version=1&from=1&to=2"))
    assert "第1次与第2次保存的差别" in diff
    # Characters, not whole lines: only what changed is marked.
    assert "<del>目前</del>" in diff and "<ins>按期</ins>" in diff


def test_a_refused_save_keeps_the_text_and_says_why_beside_the_field(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    office = client_of(people.office)
    unchanged = office.post(
        version_url(announcement, "save"), {"body": announcement.body, "base_revision": 1}
    )
    assert unchanged.status_code == 400
    assert UNCHANGED in text(unchanged) and 'id="id_body_errors"' in text(unchanged)
    typed = announcement.body.replace(
        "一、加强组织领导", "整改情况：这一行无处安放。\n一、加强组织领导"
    )
    bad = office.post(version_url(announcement, "save"), {"body": typed, "base_revision": 1})
    assert bad.status_code == 400
    assert "未能归入通报的结构" in text(bad) and 'id="id_body_errors"' in text(bad)
    assert "这一行无处安放。" in text(bad)  # kept in the editor
    assert fresh(announcement).revision == 1


def test_two_tabs_saving_the_same_draft_get_the_conflict_message(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    office = client_of(people.office)
    first = announcement.body.replace("目前正在推进。", "第一个标签页的修改。", 1)
    second = announcement.body.replace("目前正在推进。", "第二个标签页的修改。", 1)
    assert (
        office.post(
            version_url(announcement, "save"), {"body": first, "base_revision": 1}
        ).status_code
        == 302
    )
    response = office.post(version_url(announcement, "save"), {"body": second, "base_revision": 1})
    assert response.status_code == 409
    html = text(response)
    assert 'data-testid="conflict"' in html and "另行保存" in html
    assert "第二个标签页的修改。" in html  # what was typed stays in the editor
    assert 'name="base_revision" value="2"' in html  # saving again is a knowing decision
    assert "第一个标签页的修改。" in fresh(announcement).body
    again = office.post(version_url(announcement, "save"), {"body": second, "base_revision": 2})
    assert again.status_code == 302 and "第二个标签页的修改。" in fresh(announcement).body


def test_a_mismatch_blocks_submitting_until_the_reason_is_written_beside_the_figure(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    announcement_save(
        announcement=announcement,
        body=announcement.body.replace(STATED, WRONG),
        actor=people.office,
    )
    office = client_of(people.office)
    html = text(office.get(page(ledger)))
    assert 'data-key="measures" data-status="mismatch"' in html
    assert 'data-testid="submit-blocked"' in html and re.search(
        r'data-testid="submit"[^>]*disabled', html
    )
    empty = office.post(version_url(announcement, "override"), {"key": "measures", "reason": " "})
    assert empty.status_code == 400
    # Beside the figure's own reason field (the form strips the blank before the service).
    assert 'id="override-measures-reason_errors"' in text(empty)
    matching = office.post(
        version_url(announcement, "override"), {"key": "aspects", "reason": "无"}
    )
    assert matching.status_code == 400 and "无需说明理由" in text(matching)
    reason = "一条措施在方案修订中拆分为两条表述"
    done = office.post(version_url(announcement, "override"), {"key": "measures", "reason": reason})
    assert done.status_code == 302
    html = text(office.get(page(ledger)))
    assert 'data-key="measures" data-status="overridden"' in html and reason in html
    assert not re.search(r'data-testid="submit"[^>]*disabled', html)


def test_the_leaders_approval_is_refused_with_the_services_reason_on_a_mismatch(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    announcement = announcement_save(
        announcement=announcement,
        body=announcement.body.replace(STATED, WRONG),
        actor=people.office,
    )
    answer_checklist(announcement, people)
    announcement_submit(announcement=announcement, actor=people.office)
    leader = client_of(people.leader)
    response = leader.post(version_url(announcement, "approve"))
    assert response.status_code == 400
    assert FIGURES_MISMATCH.split("：")[0] in text(response)
    assert 'data-testid="action-error"' in text(response)
    assert fresh(announcement).state == S.SUBMITTED


def test_office_submits_leader_approves_office_publishes_then_only_a_correction(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    office, leader = client_of(people.office), client_of(people.leader)
    answers = {
        "state_secrets": "absent",
        "cases_under_investigation": "absent",
        "personal_data": "handled",
        "sensitive_matters": "absent",
        "note": "",
    }
    assert office.post(version_url(announcement, "checklist"), answers).status_code == 302
    # The office may not approve: the leader's own permission.
    assert office.post(version_url(announcement, "submit")).status_code == 302
    refused = office.post(version_url(announcement, "approve"))
    assert refused.status_code == 403 and "审定整改情况通报" in text(refused)
    assert 'data-testid="approve"' in text(leader.get(page(ledger)))
    assert leader.post(version_url(announcement, "approve")).status_code == 302
    assert office.post(version_url(announcement, "publish")).status_code == 302
    published = text(office.get(page(ledger)))
    assert fresh(announcement).state == S.PUBLISHED
    assert 'data-testid="draft-form"' not in published and 'data-testid="correct-form"' in published
    immutable = office.post(
        version_url(announcement, "save"),
        {"body": announcement.body + "补充\n", "base_revision": 1},
    )
    assert immutable.status_code == 400 and "已发布" in text(immutable)
    missing = office.post(version_url(announcement, "correct"), {"correction_note": ""})
    assert missing.status_code == 400 and 'id="id_correction_note_errors"' in text(missing)
    corrected = office.post(
        version_url(announcement, "correct"), {"correction_note": "更正一处错字"}
    )
    assert corrected.status_code == 302 and corrected["Location"].endswith("?version=2")
    html = text(office.get(page(ledger)))
    assert "更正第1版：" in html and "另有1个版本" in html


def test_the_leader_returns_with_a_reason_beside_the_field(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    announcement_submit(announcement=announcement, actor=people.office)
    leader = client_of(people.leader)
    empty = leader.post(version_url(announcement, "return"), {"reason": ""})
    assert empty.status_code == 400 and 'id="return-reason_errors"' in text(empty)
    assert (
        leader.post(version_url(announcement, "return"), {"reason": "第二部分再精炼"}).status_code
        == 302
    )
    html = text(client_of(people.office).get(page(ledger)))
    assert "审定人退回：第二部分再精炼" in html and fresh(announcement).state == S.DRAFT


def test_the_public_preview_marks_masked_names_and_the_public_file_drops_them(
    ledger: Inspection, people: People
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    office = client_of(people.office)
    name = "执法大队"
    response = office.post(version_url(announcement, "masks"), {"others": name})
    assert response.status_code == 302
    preview = text(office.get(f"{page(ledger)}?tab=public"))
    assert f'title="隐去：{name}">***</mark>' in preview
    public = office.get(version_url(announcement, "download").rstrip("/") + "/public.txt")
    assert public.status_code == 200 and "attachment" in public["Content-Disposition"]
    assert name not in public.content.decode() and "***" in public.content.decode()
    internal = office.get(version_url(announcement, "download").rstrip("/") + "/internal.txt")
    assert name in internal.content.decode()
    unknown = office.post(version_url(announcement, "masks"), {"others": "不存在的公司名称"})
    assert unknown.status_code == 400 and "正文中没有" in text(unknown)


def test_the_docx_download_is_the_official_document(ledger: Inspection, people: People) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    response = client_of(people.leader).get(
        version_url(announcement, "download").rstrip("/") + "/internal.docx"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    assert (
        client_of(people.office)
        .get(version_url(announcement, "download").rstrip("/") + "/internal.exe")
        .status_code
        == 404
    )
    # An internal-only version has no public edition to download.
    office = client_of(people.office)
    assert (
        office.post(version_url(announcement, "visibility"), {"visibility": "internal"}).status_code
        == 302
    )
    public = version_url(announcement, "download").rstrip("/") + "/public.txt"
    assert office.get(public).status_code == 404
    assert 'data-testid="tab-public"' not in text(office.get(page(ledger)))


def test_htmx_gets_the_pages_partial(ledger: Inspection, people: People) -> None:
    announcement_generate(inspection=ledger, actor=people.office)
    response = client_of(people.office).get(page(ledger), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in text(response) and 'id="announcement"' in text(response)


def test_readers_outside_the_announcement_get_403_and_other_committees_404(
    ledger: Inspection, people: People
) -> None:
    announcement_generate(inspection=ledger, actor=people.office)
    supervisor = client_of(people.by_role["supervisor"])
    refused = supervisor.get(page(ledger))
    assert refused.status_code == 403 and 'data-testid="refusal"' in text(refused)
    assert client_of(people.outsider).get(page(ledger)).status_code == 404
    assert client_of(people.office).get("/inspections/999999/announcement/").status_code == 404


def _saves(announcement: Announcement, people: People, n: int) -> Announcement:
    for i in range(n):
        lines = announcement.body.split("\n")
        lines[1] = (
            lines[1] + f"（{announcement.revision}）"
            if i % 2
            else lines[1].rstrip("（）0123456789")
        )
        lines[1] = lines[1] if i % 2 else lines[1] + f"（{announcement.revision}）"
        announcement = announcement_save(
            announcement=announcement, body="\n".join(lines), actor=people.office
        )
    return announcement


def test_the_page_runs_the_same_queries_whatever_the_revisions(
    ledger: Inspection, people: People, django_assert_max_num_queries: object
) -> None:
    announcement = announcement_generate(inspection=ledger, actor=people.office)
    office = client_of(people.office)
    counts = []
    for n in (4, 25):
        announcement = _saves(announcement, people, n)
        office.get(page(ledger))  # the session warmed
        with django_assert_max_num_queries(40) as queries:  # type: ignore[operator]
            html = text(office.get(f"{page(ledger)}?from=1&to=2"))
        counts.append(len(queries.captured_queries))
        assert 'data-testid="diff"' in html
    assert announcement.revision == 30
    assert counts[0] == counts[1]
