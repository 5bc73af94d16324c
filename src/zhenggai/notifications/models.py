"""The in-app notification (站内消息): one row per user and message.

It names the object it is about (`object_type`, `object_id`: the model label and primary
key, as audit entries do) rather than a URL, so the services that send it know nothing of
pages; the inbox turns the object into a link (`link` stays for messages about no object).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenggai import clock


class Notification(models.Model):
    """An in-app message; unread while `read_at` is null."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=255, blank=True)
    object_type = models.CharField(
        _("对象类型"), max_length=64, blank=True, help_text=_("如 ledger.measure")
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notif_user_read"),
            models.Index(fields=["user", "-created_at"], name="notif_user_time"),
        ]

    def __str__(self) -> str:
        return self.title
