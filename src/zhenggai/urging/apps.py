from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UrgingConfig(AppConfig):
    name = "zhenggai.urging"
    verbose_name = _("督办提醒")
