"""An uploaded file waiting for confirmation (暂存): the import wizard and the Excel import.

The upload and its parse are kept here, not in the ledger, until the user confirms; the
confirm names the file's SHA-256, so what is written is exactly what was previewed (a new
upload is a new row). Rows expire after `STAGING_DAYS`; `zhenggai purge_staging` deletes
expired rows and their files.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock

STAGING_DAYS = 7


def _expiry() -> dt.datetime:
    return clock.now() + dt.timedelta(days=STAGING_DAYS)


class StagingKind(models.TextChoices):
    DOCUMENT = "document", _("文件")
    EXCEL = "excel", _("Excel 台账")


class ImportStaging(models.Model):
    """One uploaded file, its hash and what parsing it gave, owned by its uploader."""

    kind = models.CharField(_("类型"), max_length=16, choices=StagingKind.choices)
    file = models.FileField(_("上传文件"), upload_to="staging/%Y/%m/", max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    #: What the parser gave (JSON): the document tree, or the sheet's rows and headers.
    result = models.JSONField(_("解析结果"), default=dict, blank=True)
    #: What the user chose on the way to the confirm (column mapping, names mapped…).
    choices = models.JSONField(_("导入选项"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_stagings",
    )
    created_at = models.DateTimeField(_("上传时间"), default=clock.now, editable=False)
    expires_at = models.DateTimeField(_("过期时间"), default=_expiry)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("导入的巡察"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入暂存")
        verbose_name_plural = _("导入暂存")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="ledger_importstaging_expires_after_creation",
            ),
        ]
        indexes = [
            models.Index(fields=["expires_at"], name="ledger_staging_expiry"),
            models.Index(fields=["created_by", "-created_at"], name="ledger_staging_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()
