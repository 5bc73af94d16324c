"""Writing and checking the hash-chained audit log (DESIGN.md §7).

`audit_record` is called by every service in the same transaction as the change it
records, so a rolled-back change leaves no entry and a committed one always has one.
Public submitters' contact details must never be passed in `before`/`after`: pass a
reference (the feedback's id) instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from zhenggai.audit.checkpoints import registered_checkpoints
from zhenggai.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from zhenggai.core.auditchain import (
    SYSTEM_ACTOR,
    ChainEntry,
    VerifyResult,
    next_entry,
    verify_chain,
)

if TYPE_CHECKING:
    # Annotations only: accounts' admin writes audit entries, so audit imports no
    # accounts module at run time (no cycle between the two).
    from zhenggai.accounts.models import User

NOT_IN_TRANSACTION = "审计记录必须与所记录的变更在同一事务中写入"


def _actor_repr(actor: User | None) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    return f"{actor.username}#{actor.pk}"


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry to the chain; must run inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError(NOT_IN_TRANSACTION)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:500]
    head = _lock_head()
    previous = None
    if head.seq:
        last = AuditEntry.objects.get(seq=head.seq)
        previous = ChainEntry.from_row(last)
    created_at = timezone.now()
    if previous is not None and created_at < previous.created_at:
        created_at = previous.created_at  # clocks may step back; the chain's time may not
    entry = next_entry(
        previous,
        created_at=created_at,
        actor_id=None if actor is None else actor.pk,
        actor_repr=_actor_repr(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr,
        before=before,
        after=after,
    )
    columns = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry)}
    del columns["actor_id"]  # given as `actor`, which the returned row then caches
    row = AuditEntry.objects.create(actor=actor, **columns)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return row


def field_values(instance: Model, fields: list[str]) -> dict[str, Any]:
    """A before/after dict of plain values (FKs as ids, dates as dates) for an entry."""
    out: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, getattr(field, "attname", name))
        if isinstance(value, dt.datetime | dt.date | int | str | bool) or value is None:
            out[name] = value
        else:
            out[name] = str(value)
    return out


@transaction.atomic
def audit_checkpoint() -> AuditCheckpoint | None:
    """Copy the chain head aside (the daily snapshot does this) to catch truncation."""
    head = _lock_head()
    if not head.seq:
        return None
    return AuditCheckpoint.objects.create(seq=head.seq, hash=head.hash)


def _entries() -> Iterator[ChainEntry]:
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        yield ChainEntry.from_row(entry)


def _checkpoints() -> list[tuple[int, str]]:
    points = list(AuditCheckpoint.objects.values_list("seq", "hash"))
    return points + list(registered_checkpoints())


def audit_verify() -> VerifyResult:
    """Verify the whole chain against itself and every checkpoint kept outside it.

    Outside it: `AuditCheckpoint` rows and the sources other apps registered
    (`audit.checkpoints`; urging's snapshots copy the head).
    """
    return verify_chain(_entries(), checkpoints=_checkpoints())
