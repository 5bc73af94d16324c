"""The search index: one row per character bigram of a problem's, finding's or measure's
text (`core/bigrams.py` says why bigrams), and one per unit working under a problem or
finding (`SearchUnit`). Derived data, rebuilt from the ledger at will (`zhenggai
search-index`); the services that write the texts, lead units and assignments refresh it in
their own transaction, so it never lags the ledger."""

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


class SearchUnit(models.Model):
    """A unit that leads, or holds an assignment of, a measure under a problem or finding
    (`kind` "p" or "f"): a unit user may find that problem or finding by search.

    Without it, whether a unit reads a candidate is a chain per candidate (problem →
    findings → links → measures → unit), about five index probes and a measure row each; a
    common word's 3,000 candidate problems cost the busiest unit 40 ms on PostgreSQL. Here
    it is one probe of the unique index. `inspection` is the object's, for grants held for
    one inspection."""

    kind = models.CharField(_("对象类型"), max_length=1, choices=SearchKind.choices)
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("单位"), on_delete=models.CASCADE,
        related_name="+",
    )
    inspection = models.ForeignKey(
        "ledger.Inspection", verbose_name=_("巡察"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("检索单位")
        verbose_name_plural = _("检索单位")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "unit"], name="ledger_searchunit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}{self.object_id}:{self.unit_id}"
