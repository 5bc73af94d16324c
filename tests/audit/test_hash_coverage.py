"""Every stored column of every entry is covered: editing any of them fails `audit verify`.

The log holds entries of both kinds an upgraded installation has: entries written by the
first release (hash v1, which left `object_repr` and `actor_id` out), the seal that the
upgrade's migration appends after them, and entries written since (hash v2).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from functools import cache
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps.registry import Apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import ProtectedError
from django.utils import timezone

from tests.factories import UserFactory
from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from zhenggai.audit.services import audit_record, audit_verify
from zhenggai.core.auditchain import (
    CURRENT_HASH_VERSION,
    GENESIS_HASH,
    HASH_V1,
    HASH_V2,
    HASHED_FIELDS,
    SEAL_ACTION,
    SEAL_MISMATCH,
    ChainEntry,
    canonical_json,
    canonical_value,
)

pytestmark = pytest.mark.django_db

SEAL_MIGRATION = ("audit", "0004_seal_v1_entries")

# Chain positions in the `upgraded` log.
OLD, SEAL, NEW, NEWEST = 2, 4, 6, 7
TARGETS = {"old": OLD, "seal": SEAL, "new": NEW, "newest": NEWEST}
FIELDS = {f.attname: f for f in AuditEntry._meta.concrete_fields}
COLUMNS = list(FIELDS)


def first_release_hash(**fields: Any) -> str:
    """The hash the first release's `audit_record` stored (its `entry_hash`, verbatim)."""
    payload = canonical_json(
        {
            key: fields[key]
            for key in (
                "prev_hash",
                "seq",
                "created_at",
                "actor",
                "action",
                "object_type",
                "object_id",
                "before",
                "after",
            )
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_as_the_first_release_did(actor: User | None, i: int) -> AuditEntry:
    """One entry as the first release's `audit_record` wrote it (after migration 0003)."""
    last = AuditEntry.objects.order_by("-seq").first()
    fields: dict[str, Any] = {
        "prev_hash": last.hash if last else GENESIS_HASH,
        "seq": last.seq + 1 if last else 1,
        "created_at": timezone.now(),
        "actor": "系统" if actor is None else f"{actor.username}#{actor.pk}",
        "action": "measure.update",
        "object_type": "ledger.measure",
        "object_id": str(i),
        "before": canonical_value({"state": "planned", "due": dt.date(2026, 3, 31)}),
        "after": canonical_value({"state": "in_progress", "n": i}),
    }
    row = AuditEntry.objects.create(
        **{k: v for k, v in fields.items() if k != "actor"},
        actor=actor,
        actor_repr=fields["actor"],
        object_repr=f"第{i}项整改措施",
        hash=first_release_hash(**fields),
        hash_version=HASH_V1,
    )
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": row.seq, "hash": row.hash})
    return row


@cache
def _migration_state() -> tuple[Apps, Any]:
    loader = MigrationLoader(connection)
    migration = loader.get_migration(*SEAL_MIGRATION)
    return loader.project_state(SEAL_MIGRATION).apps, migration.operations[0].code


def run_the_seal_migration() -> None:
    """The seal migration's own function, on its historical models, in this transaction.

    The test database is already at the latest state, which that migration's is; the
    function asks the schema editor only for its connection.
    """
    apps, seal = _migration_state()
    seal(apps, SimpleNamespace(connection=connection))


def _write(actor: User | None, i: int) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="measure.update",
            object_type="ledger.measure",
            object_id=i,
            object_repr=f"第{i}项整改措施",
            before={"state": "planned"},
            after={"state": "in_progress", "n": i},
        )


@pytest.fixture
def people() -> dict[str, User]:
    return {name: UserFactory(username=name) for name in ("alice", "bob", "stranger")}


@pytest.fixture
def upgraded(people: dict[str, User]) -> None:
    """v1 entries 1–3, the seal 4, v2 entries 5–7."""
    for i, actor in enumerate([people["alice"], people["bob"], None]):
        write_as_the_first_release_did(actor, i)
    assert audit_verify().ok is False  # unsealed v1 entries: the upgrade is not done
    run_the_seal_migration()
    for i, actor in enumerate([people["alice"], people["bob"], None], start=4):
        _write(actor, i)


def test_the_hashed_columns_are_the_tables_columns() -> None:
    hashed = {name for _, name in HASHED_FIELDS[CURRENT_HASH_VERSION]}
    assert set(COLUMNS) == hashed | {"hash"}
    assert set(COLUMNS) == {f.name for f in dataclasses.fields(ChainEntry)}
    assert AuditEntry._meta.pk.name == "seq"  # no surrogate id outside the hash


def test_the_upgrade_seals_the_old_entries_and_the_chain_verifies(upgraded: None) -> None:
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.hash_version for e in entries] == [HASH_V1] * 3 + [HASH_V2] * 4
    seal = entries[SEAL - 1]
    assert (seal.action, seal.actor, seal.after["through"]) == (SEAL_ACTION, None, 3)
    assert AuditCheckpoint.objects.filter(seq=SEAL, hash=seal.hash).exists()
    assert AuditHead.objects.get().seq == NEWEST
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 7)


def test_the_upgrade_does_nothing_on_a_fresh_or_already_sealed_log(people: dict[str, User]) -> None:
    run_the_seal_migration()
    assert not AuditEntry.objects.exists() and not AuditCheckpoint.objects.exists()
    _write(people["alice"], 1)  # a fresh installation's log: v2 from the start
    run_the_seal_migration()
    assert AuditEntry.objects.count() == 1
    assert audit_verify().ok


def test_running_the_upgrade_again_adds_no_second_seal(upgraded: None) -> None:
    run_the_seal_migration()
    assert AuditEntry.objects.filter(action=SEAL_ACTION).count() == 1
    assert audit_verify().ok


def _other_value(field: models.Field[Any, Any], value: Any, people: dict[str, User]) -> Any:
    """A different value of `field`'s column, as someone editing the table would write."""
    if isinstance(field, models.ForeignKey):
        return people["stranger"].pk
    if field.name == "seq":
        return value + 100
    if field.name == "hash_version":
        return HASH_V2 if value == HASH_V1 else HASH_V1
    if isinstance(field, models.DateTimeField):
        return value + dt.timedelta(microseconds=1)
    if isinstance(field, models.CharField | models.TextField):
        return value[:-1] + ("0" if value[-1:] != "0" else "1") if value else "改"
    if isinstance(field, models.JSONField):
        return {"edited": value}
    pytest.fail(f"no edit defined for the {type(field).__name__} column {field.name}")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("column", COLUMNS)
def test_editing_any_column_of_any_entry_fails_verification(
    upgraded: None, people: dict[str, User], column: str, target: str
) -> None:
    seq = TARGETS[target]
    field = FIELDS[column]
    value = AuditEntry.objects.filter(seq=seq).values_list(column, flat=True).get()
    edited = AuditEntry.objects.filter(seq=seq).update(
        **{column: _other_value(field, value, people)}
    )
    assert edited == 1
    result = audit_verify()
    assert not result.ok, (column, target)


def test_editing_what_an_auditor_reads_on_an_old_entry_exits_1(upgraded: None) -> None:
    AuditEntry.objects.filter(seq=OLD).update(object_repr="另一项措施")
    result = audit_verify()
    assert (result.first_bad_seq, result.problem) == (SEAL, SEAL_MISMATCH.format(seq=SEAL, last=3))
    with pytest.raises(CommandError) as info:
        call_command("audit", "verify")
    assert info.value.returncode == 1
    assert "对象描述被修改" in str(info.value)


def test_a_user_with_audit_history_cannot_be_deleted(
    upgraded: None, people: dict[str, User]
) -> None:
    # v2 hashes the actor's id: SET_NULL would rewrite hashed entries.
    with pytest.raises(ProtectedError), transaction.atomic():
        people["bob"].delete()
    people["stranger"].delete()  # no history: deleted as before
    assert audit_verify().ok
