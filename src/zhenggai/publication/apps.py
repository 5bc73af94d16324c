from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "zhenggai.publication"
    verbose_name = _("整改公开")
