"""The audit log, hash-chained so that tampering is detectable (DESIGN.md §7).

Each entry's `hash` covers every stored column, `prev_hash` included, under the rule its
`hash_version` names (entries written before v2 are covered by a seal entry instead; see
`core/auditchain.py`). `seq`, the chain position, is the primary key: a surrogate `id`
would be a column outside the hash. The entry keeps `actor_repr` and `object_repr` as text
so what an auditor reads never depends on rows that may change; the `actor` FK is hashed
too (v2), so a user with audit history cannot be deleted (PROTECT): such accounts are
deactivated instead. Entries are append-only: services write them in the same transaction
as the change they record; nothing updates or deletes them, and the admin is read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One recorded action: actor, action, object, before/after state, chain hashes."""

    seq = models.PositiveBigIntegerField(_("序号"), primary_key=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_repr = models.CharField(_("操作人（记录时）"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, help_text=_("如 measure.close_out_request"))
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.TextField(_("对象（记录时）"), blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    hash_version = models.PositiveSmallIntegerField(
        _("哈希版本"), help_text=_("哈希所依据的规则：1 不含操作人编号和对象描述，2 覆盖全部字段")
    )

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="audit_auditentry_seq_positive"),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_entry_object"),
            models.Index(fields=["actor", "created_at"], name="audit_entry_actor_time"),
            models.Index(fields=["action", "created_at"], name="audit_entry_action_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(models.Model):
    """A copy of the chain head (seq, hash) kept apart from the log.

    Rewriting the whole chain consistently would pass verification; a checkpoint that
    disagrees with the rewritten chain does not. Copies also go into snapshots (urging).
    """

    seq = models.PositiveBigIntegerField(_("序号"), db_index=True)
    hash = models.CharField(_("哈希"), max_length=64)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["-seq", "-id"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditHead(models.Model):
    """The chain's head, one row, locked by every append so the chain never forks.

    `select_for_update()` on this row serialises appends on PostgreSQL (and any database
    with row locks); SQLite's IMMEDIATE transactions serialise all writers anyway.
    """

    seq = models.PositiveBigIntegerField(_("序号"), default=0)
    hash = models.CharField(_("哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
