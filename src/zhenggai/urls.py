from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("zhenggai.ledger.urls")),
    path("", include("zhenggai.web.urls")),
]
