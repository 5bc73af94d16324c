"""Versions of an announcement and the revisions saved within a draft."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.publication.choices import AnnouncementState, Visibility

S = AnnouncementState


class Announcement(models.Model):
    """One version of an inspection's announcement (整改情况的通报).

    A version goes draft → submitted → approved (by the leader) → published, and never
    changes once published; a correction is a new version that names the one it corrects
    and says why (`correction_note`). At most one version of an inspection is unpublished
    at a time, so "the draft" is always one row.

    `body` is the whole text of the Party-internal edition as last saved (title, opening,
    numbered parts, contact paragraph, issuer, date); every save is also kept as an
    `AnnouncementRevision`, numbered by `revision`. The public edition is the same text
    with `masked_names` replaced by ***; it is fixed as a `PublicEdition` on approval.
    `figures` holds the live figures the approval was checked against.
    """

    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("巡察"),
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    visibility = models.CharField(
        _("发布范围"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    state = models.CharField(_("状态"), max_length=16, choices=S.choices, default=S.DRAFT)
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("正文"))
    revision = models.PositiveIntegerField(_("修改次数"), default=1)
    masked_names = models.JSONField(
        _("公开版隐去的名称"), default=list, blank=True, help_text=_("人名、企业名称等")
    )
    figures = models.JSONField(_("核对数据"), default=dict, blank=True)
    correction_of = models.ForeignKey(
        "self",
        verbose_name=_("更正的版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    correction_note = models.TextField(_("更正说明"), blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafted_announcements",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_announcements",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
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
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改情况通报")
        verbose_name_plural = _("整改情况通报")
        ordering = ["inspection", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "version"], name="publication_announcement_unique_version"
            ),
            # One version in the works at a time: the draft is always one row.
            models.UniqueConstraint(
                fields=["inspection"],
                condition=~Q(state=S.PUBLISHED),
                name="publication_announcement_one_unpublished",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="publication_announcement_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(revision__gte=1), name="publication_announcement_revision_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state=S.PUBLISHED) | Q(published_at__isnull=False),
                name="publication_announcement_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[S.APPROVED, S.PUBLISHED]) | Q(approved_at__isnull=False),
                name="publication_announcement_approved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[S.SUBMITTED, S.APPROVED, S.PUBLISHED])
                | Q(submitted_at__isnull=False),
                name="publication_announcement_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(correction_of__isnull=True) | ~Q(correction_note=""),
                name="publication_announcement_correction_has_note",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "visibility", "-published_at"], name="pub_ann_public_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def is_editable(self) -> bool:
        return self.state == S.DRAFT


class AnnouncementRevision(models.Model):
    """One saved text of a version: generated, edited, regenerated or carried over.

    Append-only: the page lists them and shows any of them; the version's `body` is the
    latest. `note` says where the text came from ("由台账生成", "编辑", "更正：…").
    """

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("通报版本"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("修改序号"))
    title = models.CharField(_("标题"), max_length=255)
    body = models.TextField(_("正文"))
    note = models.CharField(_("说明"), max_length=255, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcement_revisions",
    )
    created_at = models.DateTimeField(_("保存时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("通报修改记录")
        verbose_name_plural = _("通报修改记录")
        ordering = ["announcement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "number"], name="publication_revision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="publication_revision_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.announcement} · 第{self.number}次保存"
