"""The one audited write: validate, save, and record before/after in the same transaction.

Every service ends a change the same way — `full_clean()`, `save()`, then an audit entry
whose `before` was read before the change and whose `after` is read from the saved row.
Written out by hand each time, one of the three gets forgotten or the lists drift; these
two helpers do it in one place. They run inside the caller's transaction (`audit_record`
refuses otherwise), so a refused change leaves neither row nor entry.

    with audited_change(measure, actor=user, action="measure.update", fields=FIELDS):
        measure.deadline = new

    audited_create(FollowUpReview(...), actor=user, action="follow_up_review.create",
                   fields=["inspection", "date", "conclusion"])
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model

from zhenggai.audit.services import audit_record, field_values

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

M = TypeVar("M", bound=Model)


def _clean_and_save(obj: Model, exclude: list[str] | None) -> None:
    obj.full_clean(exclude=exclude)
    obj.save()


def audited_create(
    obj: M,
    *,
    actor: User | None,
    action: str,
    fields: list[str],
    extra: dict[str, Any] | None = None,
    exclude: list[str] | None = None,
) -> M:
    """Validate and insert `obj`, and record its `fields` (plus `extra`) as the after."""
    _clean_and_save(obj, exclude)
    after = {**field_values(obj, fields), **(extra or {})}
    audit_record(actor=actor, action=action, obj=obj, after=after)
    return obj


@contextmanager
def audited_change(
    obj: M,
    *,
    actor: User | None,
    action: str,
    fields: list[str],
    exclude: list[str] | None = None,
) -> Iterator[M]:
    """Snapshot `fields`, let the block change `obj`, then validate, save and record.

    Nothing is saved or recorded when the block raises.
    """
    before = field_values(obj, fields)
    yield obj
    _clean_and_save(obj, exclude)
    audit_record(
        actor=actor, action=action, obj=obj, before=before, after=field_values(obj, fields)
    )
