from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "zhenggai.workdays"
    verbose_name = _("工作日历")
