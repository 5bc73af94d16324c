"""Who is who: user accounts, the organisation tree, named people and their roles.

A `Person` is someone named in a ledger (responsible leader, responsible person); a `User`
is an account. They are linked only when the person has an account, because ledgers name
many people who never log in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenggai import clock
from zhenggai.accounts.choices import OrganisationKind, Role

#: Materialised paths look like "/1/5/12/": every ancestor's id, then the node's own id.
PATH_SEPARATOR = "/"


def organisation_path(parent: Organisation | None, pk: int) -> str:
    """The materialised path of organisation `pk` placed under `parent`.

    Pure: it computes, it does not save. The path contains the node's own id, which exists
    only after the first INSERT, so whoever creates an organisation (a service, the admin,
    a factory) saves it, then sets `path` from this function and saves that one column.
    Moving a subtree rewrites descendants' paths and belongs in a service, not in `save()`.
    """
    prefix = parent.path if parent is not None else PATH_SEPARATOR
    return f"{prefix}{pk}{PATH_SEPARATOR}"


class User(AbstractUser):
    """An account. `display_name` is the Chinese full name shown in the UI (姓名)."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Organisation(models.Model):
    """A Party organisation or unit, in a tree (党委 → 局 → 二级单位 / 科室).

    `path` is a materialised path ("/1/5/12/") so that "this organisation and everything
    below it" is one indexed prefix query (`path__startswith`), which role scoping and
    province-wide rollups need on every request. See `organisation_path`.
    """

    name = models.CharField(_("名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    kind = models.CharField(
        _("类型"), max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.UNIT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # db_index also gives PostgreSQL a varchar_pattern_ops index, so prefix LIKE uses it.
    path = models.CharField(_("路径"), max_length=255, blank=True, db_index=True, editable=False)
    principal = models.ForeignKey(
        "Person",
        verbose_name=_("主要负责人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="principal_of",
        help_text=_("逐级督办时的单位主要负责人"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="accounts_organisation_unique_name_in_parent"
            ),
            # NULL parents are distinct in a unique index: roots need their own rule.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="accounts_organisation_unique_root_name",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="accounts_organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone named in a ledger, with a position in an organisation; maybe with an account."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所在组织"), on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(_("姓名"), max_length=64)
    position = models.CharField(_("职务"), max_length=128, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["organisation", "name", "id"]
        indexes = [models.Index(fields=["organisation", "name"], name="accounts_person_org_name")]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）" if self.position else self.name


class RoleAssignment(models.Model):
    """A user's role in one organisation, optionally with its sub-tree or one inspection.

    Several rows per user are normal (an office member in one bureau who is also an
    inspector elsewhere). Permission checks read these rows; they live in one accounts
    function (STYLE.md), not here.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("组织"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    include_subtree = models.BooleanField(_("含下级组织"), default=False)
    inspection = models.ForeignKey(
        "ledger.Inspection",
        verbose_name=_("限定巡察"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text=_("留空表示该组织的全部巡察"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "inspection"],
                name="accounts_roleassignment_unique",
            ),
            # NULL inspections are distinct in a unique index (nulls_distinct=False is
            # PostgreSQL-only): the unscoped assignment needs its own rule.
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(inspection__isnull=True),
                name="accounts_roleassignment_unique_unscoped",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="accounts_roleassign_user_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
