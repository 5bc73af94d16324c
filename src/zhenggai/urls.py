from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

# The admin's own title instead of Django's ("Django 管理").
admin.site.site_header = _("巡察整改平台 · 管理后台")
admin.site.site_title = _("巡察整改平台管理后台")
admin.site.index_title = _("数据查看与基础数据维护")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("zhenggai.ledger.urls")),
    path("", include("zhenggai.web.urls")),
    path("", include("zhenggai.publication.urls")),
    path("", include("zhenggai.urging.urls")),
    path("", include("zhenggai.records.urls")),
]
