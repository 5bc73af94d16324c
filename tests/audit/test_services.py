"""The audit chain as services write it, and `zhenggai audit verify`."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from tests.factories import UserFactory
from zhenggai.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from zhenggai.audit.services import (
    NOT_IN_TRANSACTION,
    audit_checkpoint,
    audit_record,
    audit_verify,
)

pytestmark = pytest.mark.django_db


def _write(n: int, actor=None) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=actor, action="measure.update", object_type="ledger.measure",
                         object_id=i, before={"state": "planned"}, after={"state": "in_progress", "n": i})


def test_entries_form_a_chain_that_verifies():
    user = UserFactory()
    _write(5, actor=user)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[0].actor_repr == f"{user.username}#{user.pk}"
    assert AuditHead.objects.get().seq == 5
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=NOT_IN_TRANSACTION):
        audit_record(actor=None, action="x", object_type="t", object_id=1)


def test_a_rolled_back_change_leaves_no_entry():
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action="x", object_type="t", object_id=1)
        raise ValueError("the change failed")
    assert AuditEntry.objects.count() == 0
    _write(1)
    assert audit_verify().ok


def test_editing_an_entry_is_detected_and_named():
    _write(4)
    AuditEntry.objects.filter(seq=3).update(after={"state": "closed"})
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 3
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1
    assert "第 3 条" in str(exc.value)


def test_deleting_the_newest_entries_is_detected_against_a_checkpoint():
    _write(3)
    assert audit_checkpoint() is not None
    AuditEntry.objects.filter(seq=3).delete()
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 3


def test_deleting_a_middle_entry_is_detected():
    _write(4)
    AuditEntry.objects.filter(seq=2).delete()
    assert audit_verify().first_bad_seq == 2


def test_verify_command_reports_success(capsys):
    _write(2)
    call_command("audit", "verify")
    assert "共 2 条记录" in capsys.readouterr().out
    call_command("audit", "checkpoint")
    assert AuditCheckpoint.objects.get().seq == 2
