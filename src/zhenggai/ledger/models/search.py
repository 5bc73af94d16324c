"""The search index: one row per character bigram of a problem's, finding's or measure's
text (`core/bigrams.py` says why bigrams). Derived data, rebuilt from the texts at will
(`zhenggai search-index`); the services that write those texts refresh it in their own
transaction, so it never lags the ledger."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchKind(models.TextChoices):
    PROBLEM = "p", _("问题")
    FINDING = "f", _("具体问题")
    MEASURE = "m", _("整改措施")


class SearchGram(models.Model):
    kind = models.CharField(_("对象类型"), max_length=1, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    gram = models.CharField(_("字对"), max_length=2)

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "gram", "object_id"], name="ledger_searchgram_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="ledger_searchgram_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}{self.object_id}:{self.gram}"
