"""Public feedback (群众监督) on a published announcement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.publication.choices import FeedbackState
from zhenggai.publication.models.announcement import Announcement


class PublicFeedback(models.Model):
    """An opinion sent by the public in answer to a published announcement.

    The contact fields are personal data: only handlers (the office) may see them; public
    pages and exports for other roles never show them. `client_hash` is a keyed hash of the
    sender's IP address for rate-limiting; the address itself is never stored.
    """

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("通报"), on_delete=models.CASCADE, related_name="feedback"
    )
    body = models.TextField(_("意见建议"))
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=clock.now)
    state = models.CharField(
        _("状态"), max_length=16, choices=FeedbackState.choices, default=FeedbackState.NEW
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_feedback",
    )
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    client_hash = models.CharField(_("来源标识（哈希）"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=FeedbackState.ANSWERED) | Q(replied_at__isnull=False),
                name="publication_feedback_answered_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["client_hash", "submitted_at"], name="pub_feedback_client_time"),
            models.Index(fields=["state", "submitted_at"], name="pub_feedback_state_time"),
        ]

    def __str__(self) -> str:
        text = self.body if len(self.body) <= 30 else self.body[:30] + "…"
        return f"{self.submitted_at:%Y-%m-%d} {text}"
