"""Announcements generated from the ledger, and public feedback (群众监督) on them.

The source documents of imports live in the ledger (`ledger.SourceDocument`), because the
import builds the ledger; this app only publishes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.publication.choices import AnnouncementState, FeedbackState, Visibility


class Announcement(models.Model):
    """One version of an inspection's announcement; a change after approval is a new version.

    `figures` holds the ledger figures checked when the text was generated (measures,
    institutions, accountable people…), so a published text can be compared with the live
    ledger later.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    visibility = models.CharField(
        _("公开范围"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=AnnouncementState.choices, default=AnnouncementState.DRAFT
    )
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("正文"))
    figures = models.JSONField(_("核对数据"), default=dict, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_announcements",
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_announcements",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改情况通报")
        verbose_name_plural = _("整改情况通报")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "version"], name="publication_announcement_unique_version"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="publication_announcement_version_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state=AnnouncementState.PUBLISHED) | Q(published_at__isnull=False),
                name="publication_announcement_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state=AnnouncementState.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="publication_announcement_withdrawn_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "visibility", "-published_at"], name="pub_ann_public_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


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
