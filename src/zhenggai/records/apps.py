from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "zhenggai.records"
    verbose_name = _("建章立制与问责")
