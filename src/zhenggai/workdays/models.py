"""Exceptions to the Monday–Friday week, year by year.

chinese-calendar covers 2004–2026 only (DESIGN.md §8); the State Council publishes each
year's schedule late in the year before, so an administrator enters it here. Only the
exceptions are stored: a weekday holiday, or a weekend make-up working day.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.workdays.choices import CalendarDayKind, CalendarSource


class CalendarDay(models.Model):
    """One arranged date: a statutory holiday or a make-up working day (调休上班)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True, help_text=_("如 春节"))
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".rstrip()


class CalendarYear(models.Model):
    """Whether a year's official schedule is entered; an incomplete year makes counts approximate."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("已完整录入"), default=False)
    source = models.CharField(
        _("来源"), max_length=32, choices=CalendarSource.choices, default=CalendarSource.MANUAL
    )
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="workdays_calendaryear_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
