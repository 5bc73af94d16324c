"""The audit log's table keeps chain positions and hashes unique."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from zhenggai.audit.models import AuditCheckpoint, AuditEntry
from zhenggai.core.auditchain import HASH_V2

pytestmark = pytest.mark.django_db

GENESIS = "0" * 64


def entry(seq: int, hash_: str, prev: str = GENESIS) -> AuditEntry:
    return AuditEntry.objects.create(
        seq=seq,
        actor_repr="王建国",
        action="measure.close_out_request",
        object_type="ledger.measure",
        object_id="12",
        object_repr="一是压紧压实责任。",
        before={"state": "in_progress"},
        after={"state": "close_requested"},
        prev_hash=prev,
        hash=hash_,
        hash_version=HASH_V2,
    )


def test_a_chain_position_is_taken_once() -> None:
    entry(1, "a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(1, "b" * 64)


def test_a_hash_appears_once() -> None:
    entry(1, "a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry(2, "a" * 64, prev="a" * 64)


def test_the_chain_starts_at_one() -> None:
    with pytest.raises(IntegrityError, match="audit_auditentry_seq_positive"), transaction.atomic():
        entry(0, "a" * 64)


def test_entries_keep_before_and_after_as_json() -> None:
    entry(1, "a" * 64)
    stored = AuditEntry.objects.get(seq=1)
    assert stored.before == {"state": "in_progress"}
    assert stored.after == {"state": "close_requested"}
    assert str(stored) == "#1 measure.close_out_request ledger.measure:12"


def test_checkpoint_str() -> None:
    checkpoint = AuditCheckpoint.objects.create(seq=7, hash="c" * 64)
    assert str(checkpoint) == "#7 cccccccccccc"
