"""Every model of the data-model apps is in the admin, and its pages render with data."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from tests.factories import AssignmentFactory, ProgressReportFactory, UserFactory

DATA_MODEL_APPS = ["accounts", "ledger", "records", "audit", "workdays", "publication", "urging"]
MODELS = [model for label in DATA_MODEL_APPS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_model_is_registered_with_a_chinese_name(model: type[Model]) -> None:
    assert admin.site.is_registered(model)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(model._meta.verbose_name))


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_pages_render(model: type[Model]) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    ProgressReportFactory(measure=AssignmentFactory().measure)
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code in (200, 403)  # 403: read-only records
    first = model._default_manager.first()
    if first is not None:
        change = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
        assert client.get(change).status_code == 200
