"""Saved views (常用视图): a user's named filter sets of the ledger, one of them the default
of their home page. Personal: nobody else reads, changes or even sees them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock


class SavedView(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("名称"), max_length=40)
    #: The filters as `LedgerQuery.to_querystring()` writes them (read back through it).
    query = models.TextField(_("筛选条件"), blank=True)
    is_default = models.BooleanField(_("首页默认"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("常用视图")
        verbose_name_plural = _("常用视图")
        ordering = ["user", "name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="ledger_savedview_unique_name"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="ledger_savedview_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name
