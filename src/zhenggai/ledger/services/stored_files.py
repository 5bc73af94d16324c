"""Files written through the storage API inside a transaction, removed if it does not commit.

A service stores evidence while its transaction is open, so that inside it the row and the
file agree (the same request may stream the file back). When that transaction — or any
transaction around it — rolls back, the rows vanish but storage has no rollback, and the
file would stay behind with nothing naming it.

Django has `transaction.on_commit` and, by design, no on-rollback hook; but whatever rolls
back discards the commit callbacks registered inside it (a savepoint its own, the outermost
transaction all of them). `store_file` builds on exactly that: it registers a small marker
with `on_commit` and a finaliser on the marker. Committed: the marker is called and the
file stays. Rolled back: Django drops the marker uncalled, CPython frees it at once, and
the finaliser deletes the file. Nested atomic blocks need nothing more: a savepoint that
rolls back drops only what was registered inside it, one that is released keeps its
callbacks for the enclosing transaction to commit or discard.

Only files that this transaction created are ever deleted, and never one a row names:

- a name the storage held before the write (a storage that overwrites, as django-storages'
  S3 backend does by default) or that a row already names is not registered at all;
- the same bytes reused by another row (services/progress/evidence.py reuses a measure's stored copy)
  are not written, so not registered either;
- before deleting, the finaliser asks the database whether a row names the file, wherever a
  query is possible: inside a transaction (a savepoint rolled back) and in autocommit (the
  marker was dropped uncalled after a commit because an earlier on_commit callback raised:
  the committed row names the file, which stays). The one place it cannot ask is the middle
  of an outermost rollback; there, nothing the transaction wrote survives.

A file that cannot be deleted is logged and left: an orphan file is harmless, a row without
its file is not.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections, models, router, transaction

logger = logging.getLogger(__name__)


@dataclass
class _Written:
    """One file this transaction wrote, and the column that may name it."""

    storage: Storage
    name: str
    model: type[models.Model]
    field: str
    using: str
    committed: bool = False

    def named_by_a_row(self) -> bool:
        lookup = {self.field: self.name}
        return self.model._base_manager.using(self.using).filter(**lookup).exists()


class _KeepOnCommit:
    """The on_commit callback: being called means the transaction committed."""

    __slots__ = ("__weakref__", "written")

    def __init__(self, written: _Written) -> None:
        self.written = written

    def __call__(self) -> None:
        self.written.committed = True


def _discard_unless_committed(written: _Written) -> None:
    """Runs when the marker is freed: after its call on commit, or uncalled on rollback."""
    if written.committed:
        return
    try:
        connection = connections[written.using]
        if connection.in_atomic_block:
            # A savepoint rolled back: ask inside a savepoint of our own, so that a failing
            # query cannot spoil the transaction that goes on around it.
            with transaction.atomic(using=written.using):
                if written.named_by_a_row():
                    return
        elif connection.get_autocommit() and written.named_by_a_row():
            return
        # Otherwise the outermost transaction is rolling back (its atomic block is left,
        # autocommit not yet restored): no query may run, and none of its rows survive.
        written.storage.delete(written.name)
    except Exception:
        logger.exception("could not remove %s after its transaction rolled back", written.name)


def _delete_unless_committed(written: _Written) -> None:
    marker = _KeepOnCommit(written)
    finaliser = weakref.finalize(marker, _discard_unless_committed, written)
    # A process that exits inside a transaction keeps the file: the safe side.
    finaliser.atexit = False  # type: ignore[misc]  # a property; typeshed lists only slots
    transaction.on_commit(marker, using=written.using)


def store_file(instance: models.Model, field_name: str, filename: str, content: File[Any]) -> str:
    """Write `content` for `instance.<field_name>`, set the field, and return the stored name.

    Call it inside the transaction that saves `instance`: if that transaction (or one
    around it) does not commit, the file is deleted again.
    """
    field = instance._meta.get_field(field_name)
    if not isinstance(field, models.FileField):
        raise TypeError(f"{type(instance).__name__}.{field_name} is not a FileField")
    storage = field.storage
    name = field.generate_filename(instance, filename)
    held_before = storage.exists(name)
    stored = storage.save(name, content, max_length=field.max_length)
    setattr(instance, field.attname, stored)
    written = _Written(
        storage=storage,
        name=stored,
        model=type(instance),
        field=field.name,
        using=router.db_for_write(type(instance), instance=instance),
    )
    if held_before and stored == name:
        return stored  # the storage overwrote a file it already held: not ours to delete
    if written.named_by_a_row():
        return stored  # a row names this file already (its copy had gone missing)
    _delete_unless_committed(written)
    return stored
