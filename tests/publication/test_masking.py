"""Masked names never reach the public edition, in any format; the preview shows them.

The seed names a deputy secretary under investigation and the people made examples of; an
edit adds a company's name. The office masks them, the public edition is approved and
published, and every file of it — txt, md, DOCX (every XML part), PDF (text and metadata)
— is searched for the names, through the command an office would run.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.publication.helpers import People, answer_checklist, people_of
from zhenggai.core.masking import MASK
from zhenggai.ledger.models import Inspection
from zhenggai.publication.models import Announcement, PublicEdition
from zhenggai.publication.selectors import announcement_preview
from zhenggai.publication.services import (
    NAME_NOT_IN_TEXT,
    NAME_TOO_SHORT,
    announcement_approve,
    announcement_generate,
    announcement_publish,
    announcement_save,
    announcement_set_masks,
    announcement_submit,
)

pytestmark = pytest.mark.django_db

COMPANY = "蚌埠市恒通停车管理有限公司"
NAMES = ["杨俊", "范迪海", "王勇", "栾印武", COMPANY]


def _masked_draft(inspection: Inspection, people: People) -> Announcement:
    announcement = announcement_generate(inspection=inspection, actor=people.office)
    body = announcement.body.replace("此后，项目一直未能实施", f"此后，{COMPANY}的项目一直未能实施")
    body = body.replace("此后,项目一直未能实施", f"此后,{COMPANY}的项目一直未能实施")
    announcement = announcement_save(announcement=announcement, body=body, actor=people.office)
    assert all(name in announcement.body for name in NAMES)
    return announcement_set_masks(announcement=announcement, names=NAMES, actor=people.office)


@pytest.fixture
def masked(seed_inspection: Inspection) -> tuple[Announcement, People]:
    people = people_of(seed_inspection)
    return _masked_draft(seed_inspection, people), people


def _render(inspection: Inspection, version: int, fmt: str, edition: str, tmp_path: Path) -> bytes:
    out = tmp_path / f"v{version}-{edition}.{fmt}"
    call_command(
        "render", inspection=str(inspection.pk), announcement_version=str(version),
        edition=edition, format=fmt, output=str(out), stdout=io.StringIO(),
    )
    return out.read_bytes()


def _texts(data: bytes, fmt: str) -> str:
    """Every text a reader (or a curious one) can get out of the file."""
    if fmt in {"txt", "md"}:
        return data.decode("utf-8")
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".rels"))
            )
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = "".join(page.extract_text() or "" for page in pdf.pages)
        # A name broken over two lines is still the name.
        return "".join(pages.split()) + "\n" + " ".join(str(v) for v in (pdf.metadata or {}).values())


def test_the_public_edition_never_holds_a_masked_name(
    masked: tuple[Announcement, People], tmp_path: Path
) -> None:
    announcement, people = masked
    inspection = announcement.inspection
    answer_checklist(announcement, people, cases_under_investigation="handled",
                     personal_data="handled")
    announcement_submit(announcement=announcement, actor=people.office)
    announcement_approve(announcement=announcement, actor=people.leader)
    announcement_publish(announcement=announcement, actor=people.office)
    edition = PublicEdition.objects.get(announcement=announcement)
    assert edition.masked_places == sum(announcement.body.count(n) for n in NAMES) > 5
    for fmt in ("txt", "md", "docx", "pdf"):
        public = _texts(_render(inspection, 1, fmt, "public", tmp_path), fmt)
        internal = _texts(_render(inspection, 1, fmt, "internal", tmp_path), fmt)
        for name in NAMES:
            assert name not in public, (fmt, name)
        assert "杨俊" in internal and COMPANY in internal
        assert MASK in public
    assert "对***采取留置措施" in edition.body


def test_a_drafts_public_preview_is_masked_and_shows_what_each_mask_covers(
    masked: tuple[Announcement, People], tmp_path: Path
) -> None:
    announcement, people = masked
    preview = announcement_preview(user=people.leader, announcement=announcement)
    covered = {piece for piece, is_masked in preview.public_segments if is_masked}
    assert covered == set(NAMES)
    assert "".join(piece for piece, _ in preview.public_segments) == announcement.body
    assert not any(name in preview.public_text for name in NAMES)
    assert preview.candidates == []  # every person the seed names is masked already
    text = _render(announcement.inspection, 1, "txt", "public", tmp_path).decode("utf-8")
    assert not any(name in text for name in NAMES)


def test_the_preview_suggests_names_not_yet_masked(seed_inspection: Inspection) -> None:
    people = people_of(seed_inspection)
    announcement = announcement_generate(inspection=seed_inspection, actor=people.office)
    preview = announcement_preview(user=people.office, announcement=announcement)
    assert preview.candidates == ["杨俊", "范迪海", "王勇", "栾印武"]
    assert preview.masked_places == 0 and preview.public_text == announcement.body


def test_masks_must_name_something_in_the_text(masked: tuple[Announcement, People]) -> None:
    announcement, people = masked
    with pytest.raises(ValidationError, match=NAME_TOO_SHORT.format(n=2, name="杨")):
        announcement_set_masks(announcement=announcement, names=["杨"], actor=people.office)
    with pytest.raises(ValidationError, match=NAME_NOT_IN_TEXT.format(name="张三丰")):
        announcement_set_masks(announcement=announcement, names=["张三丰"], actor=people.office)
