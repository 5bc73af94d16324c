"""The one staging service (暂存) of uploads waiting for confirmation (issue #11 item 2).

Both the import wizard (documents) and the Excel import go through it: `staging_create`
keeps the file, its SHA-256 and the parse; `staging_check` is what every confirm calls
first — the row is the caller's, not expired, not confirmed yet, and the hash the confirm
names is the file's (a confirm is bound to what was previewed, never to "the latest
upload"); `staging_mark_confirmed` closes the row inside the confirm's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from zhenggai import clock
from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, actions_of, forbidden, roles_held
from zhenggai.audit.services import audit_record
from zhenggai.core.errors import InputError
from zhenggai.ledger.models import STAGING_DAYS, ImportStaging, Inspection, StagingKind
from zhenggai.ledger.services.stored_files import store_file

STAGING_EXPIRED = "该上传已过期（保留 7 天），请重新上传"
STAGING_HASH_MISMATCH = "确认的文件与预览的文件不一致（SHA-256 不符），请重新上传并预览"
STAGING_NOT_YOURS = "只能确认自己上传的文件"
STAGING_CONFIRMED = "该上传已经导入（巡察 #{inspection_id}），不重复导入"

AUDIT_CREATE = "staging.create"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def may_stage(user: User | AnonymousUser | None) -> bool:
    """Whether `user` may upload for import at all (the confirm checks the target)."""
    if user is None:
        return True
    return Action.IMPORT in actions_of(roles_held(user))


@transaction.atomic
def staging_create(
    *,
    kind: StagingKind,
    data: bytes,
    filename: str,
    result: Mapping[str, Any],
    actor: User | None,
) -> ImportStaging:
    """Keep an upload and its parse until it is confirmed or expires."""
    if not may_stage(actor):
        raise forbidden(Action.IMPORT)
    now = clock.now()
    staging = ImportStaging(
        kind=kind,
        created_at=now,
        expires_at=now + dt.timedelta(days=STAGING_DAYS),
        original_name=filename[:255],
        sha256=sha256_of(data),
        size=len(data),
        result=dict(result),
        created_by=actor,
    )
    store_file(staging, "file", f"{staging.sha256[:32]}-{filename[-80:]}", ContentFile(data))
    staging.save()
    audit_record(
        actor=actor,
        action=AUDIT_CREATE,
        obj=staging,
        after={"kind": kind, "sha256": staging.sha256, "original_name": staging.original_name},
    )
    return staging


def staging_for(*, user: User | None, pk: int) -> ImportStaging:
    """The caller's own staging row; another user's is as absent as a missing one."""
    rows = ImportStaging.objects.filter(pk=pk)
    if user is not None:
        rows = rows.filter(created_by=user)
    return rows.get()


def staging_check(*, staging: ImportStaging, sha256: str, actor: User | None) -> None:
    """Refuse a confirm that is not bound to this upload as it was previewed."""
    if actor is not None and staging.created_by_id != actor.pk:
        raise PermissionDenied(STAGING_NOT_YOURS)
    if staging.confirmed_at is not None:
        raise InputError(STAGING_CONFIRMED.format(inspection_id=staging.inspection_id or "?"))
    if staging.is_expired:
        raise InputError(STAGING_EXPIRED)
    if sha256 != staging.sha256:
        raise InputError(STAGING_HASH_MISMATCH)


def staging_save_choices(*, staging: ImportStaging, choices: Mapping[str, Any]) -> None:
    """Remember the user's choices (mapping, names) so a reload keeps them."""
    ImportStaging.objects.filter(pk=staging.pk).update(choices=dict(choices))
    staging.choices = dict(choices)


def staging_mark_confirmed(*, staging: ImportStaging, inspection: Inspection) -> None:
    """Close the row; call inside the confirm's transaction, after staging_check."""
    updated = ImportStaging.objects.filter(pk=staging.pk, confirmed_at__isnull=True).update(
        confirmed_at=clock.now(), inspection=inspection
    )
    if not updated:
        # Another confirm of the same upload won the race: this transaction rolls back.
        raise InputError(STAGING_CONFIRMED.format(inspection_id=staging.inspection_id or "?"))
    staging.confirmed_at, staging.inspection = clock.now(), inspection


def staging_purge(*, now: Any = None) -> int:
    """Delete expired rows and their files; return how many rows went."""
    now = now or clock.now()
    count = 0
    for staging in ImportStaging.objects.filter(expires_at__lte=now).iterator():
        name = staging.file.name
        storage = staging.file.storage
        staging.delete()
        if name:
            storage.delete(name)
        count += 1
    return count


def staging_data(staging: ImportStaging) -> bytes:
    """The staged file's bytes."""
    with staging.file.open("rb") as fh:
        return fh.read()
