"""Stored files follow their transaction (services/stored_files.py): a file written by a
transaction that does not commit is deleted again; a committed one, or one another row
names, never is."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction

from tests.factories import MeasureFactory
from tests.ledger.test_progress import make_world, pdf_bytes, stored_files, submit, upload
from zhenggai.ledger.models import EvidenceFile, FormalReport, ProgressReport
from zhenggai.ledger.services.formal_reports import formal_report_submit, formal_reports_ensure


class Boom(Exception):
    """Raised by the caller after the service returned: its transaction rolls back."""


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- inside the test's transaction (the rollbacks are savepoints) ----------------------------


@pytest.mark.django_db
def test_an_outer_rollback_removes_the_file_the_service_wrote(_media: Path) -> None:
    w = make_world()
    with pytest.raises(Boom), transaction.atomic():
        submit(w, files=[upload("会议纪要.pdf")])
        assert len(stored_files(_media)) == 1  # inside, the row and its file agree
        raise Boom
    assert ProgressReport.objects.count() == 0
    assert stored_files(_media) == []


@pytest.mark.django_db
def test_a_formal_report_rolled_back_leaves_no_file(_media: Path) -> None:
    w = make_world()
    formal_reports_ensure(inspection=w.inspection)
    report = FormalReport.objects.first()
    assert report is not None
    with pytest.raises(Boom), transaction.atomic():
        formal_report_submit(report=report, summary="整改情况", files=[upload()], actor=w.office)
        raise Boom
    assert stored_files(_media) == []


@pytest.mark.django_db
def test_only_the_savepoint_that_rolls_back_loses_its_files(_media: Path) -> None:
    w = make_world()
    kept = submit(w, files=[upload("保留.pdf")]).evidence.get()
    with transaction.atomic():
        with pytest.raises(Boom), transaction.atomic():
            submit(w, files=[upload("撤销.pdf")])
            raise Boom
        # A released savepoint hands its files to the transaction around it ...
        with transaction.atomic():
            released = submit(w, files=[upload("随外层.pdf")]).evidence.get()
    assert {p.name for p in stored_files(_media)} == {
        Path(kept.file.name).name, Path(released.file.name).name,
    }
    # ... which decides for them: here it rolls back, and only that file goes.
    with pytest.raises(Boom), transaction.atomic():
        with transaction.atomic():
            submit(w, files=[upload("内层.pdf")])
        raise Boom
    assert len(stored_files(_media)) == 2


@pytest.mark.django_db
def test_a_rolled_back_duplicate_never_deletes_the_shared_file(_media: Path) -> None:
    w = make_world()
    data = pdf_bytes()
    shared = submit(w, files=[upload("通知.pdf", data)]).evidence.get()
    with pytest.raises(Boom), transaction.atomic():
        again = submit(w, files=[upload("通知（再次）.pdf", data)]).evidence.get()
        assert again.file.name == shared.file.name  # reused, not written
        raise Boom
    assert default_storage.exists(shared.file.name)
    assert EvidenceFile.objects.filter(file=shared.file.name).count() == 1


# --- real transactions: the outermost rollback and the commit -------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_outermost_rollback_removes_the_file_and_a_commit_keeps_it(_media: Path) -> None:
    w = make_world()
    with pytest.raises(Boom), transaction.atomic():
        submit(w, files=[upload("撤销.pdf")])
        raise Boom
    assert stored_files(_media) == []
    kept = submit(w, files=[upload("保留.pdf")]).evidence.get()  # commits on return
    gc.collect()
    assert [p.name for p in stored_files(_media)] == [Path(kept.file.name).name]


@pytest.mark.django_db(transaction=True)
def test_a_failing_commit_callback_does_not_delete_committed_files(_media: Path) -> None:
    def notify() -> None:
        raise RuntimeError("邮件服务器不可用")

    w = make_world()
    with pytest.raises(RuntimeError) as failure, transaction.atomic():
        transaction.on_commit(notify)  # runs first and raises: Django skips the callbacks after
        submit(w, files=[upload("已提交.pdf")])
    del failure
    gc.collect()  # the skipped callbacks are freed uncalled
    evidence = EvidenceFile.objects.get()  # the transaction did commit
    assert default_storage.exists(evidence.file.name)


@pytest.mark.django_db(transaction=True)  # an outermost rollback: no query can ask the rows
def test_an_overwriting_storage_never_loses_a_file_it_held_before(
    _media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # django-storages' S3 backend overwrites by default: the same bytes for another measure
    # land on the very name the first measure's row names.
    field = EvidenceFile._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=_media, allow_overwrite=True))
    w = make_world()
    data = pdf_bytes()
    first = submit(w, files=[upload("通知.pdf", data)]).evidence.get()
    other = MeasureFactory(inspection=w.inspection, lead_unit=w.unit_a)
    with pytest.raises(Boom), transaction.atomic():
        second = submit(w, measure=other, files=[upload("通知.pdf", data)]).evidence.get()
        assert second.file.name == first.file.name
        raise Boom
    assert (_media / first.file.name).is_file()
