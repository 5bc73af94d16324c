"""Seal the entries hashed under v1: one v2 entry vouching for the columns they leave out.

See `zhenggai.core.auditchain` (the seal). Nothing to do on an empty log (a fresh
installation) or one already sealed. Streams the entries in seq order: constant memory
however long the log. Irreversible on purpose: code that predates hash versions cannot
verify v2 entries, so going back would leave a log that no longer verifies.
"""

from dataclasses import fields
from typing import Any

from django.db import migrations
from django.utils import timezone

from zhenggai.core.auditchain import HASH_V1, ChainEntry, SealDigest, seal_entry


def seal_v1_entries(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("audit", "AuditEntry")
    head_model = apps.get_model("audit", "AuditHead")
    checkpoint_model = apps.get_model("audit", "AuditCheckpoint")
    db = schema_editor.connection.alias
    head, _ = head_model.objects.using(db).select_for_update().get_or_create(pk=1)
    entries = entry_model.objects.using(db).order_by("seq")
    if not entries.filter(hash_version=HASH_V1).exists():
        return
    digest = SealDigest()
    last: ChainEntry | None = None
    for row in entries.iterator(chunk_size=2000):
        last = ChainEntry.from_row(row)
        if last.hash_version != HASH_V1:
            return  # sealed already (v1 entries only ever precede v2 ones)
        digest.add(last)
    if last is None:
        return
    seal = seal_entry(
        last,
        digest,
        created_at=max(timezone.now(), last.created_at),  # the chain's time never goes back
    )
    entry_model.objects.using(db).create(
        **{f.name: getattr(seal, f.name) for f in fields(ChainEntry)}
    )
    head.seq, head.hash = seal.seq, seal.hash
    head.save(update_fields=["seq", "hash"])
    # A checkpoint on the seal, so that removing it with the rest of the tail is caught too.
    checkpoint_model.objects.using(db).create(seq=seal.seq, hash=seal.hash)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_every_column")]

    operations = [migrations.RunPython(seal_v1_entries, elidable=False)]
