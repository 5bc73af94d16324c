"""Choices of the accounts app (GLOSSARY.md, section Roles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    BUREAU = "bureau", _("局")
    UNIT = "unit", _("二级单位")
    DEPARTMENT = "department", _("机关科室")
    DISCIPLINE = "discipline", _("纪检监察组")
    INSPECTION_OFFICE = "inspection_office", _("巡察机构")
    OTHER = "other", _("其他")


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    OFFICE = "office", _("整改办")
    LEADER = "leader", _("整改领导小组组长")
    UNIT = "unit", _("责任单位")
    SUPERVISOR = "supervisor", _("纪委监委")
    INSPECTOR = "inspector", _("巡察组")
