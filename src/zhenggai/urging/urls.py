from django.urls import path

from zhenggai.urging import views

app_name = "urging"
urlpatterns = [
    path("measures/<int:pk>/urging/", views.measure_notice_list, name="measure-notices"),
    path("urging/", views.notice_list, name="notices"),
    path("inspections/<int:pk>/urging/", views.notice_list, name="inspection-notices"),
    path("urging/notices/<int:pk>/", views.notice_detail, name="notice"),
    path("urging/notices/<int:pk>/download/", views.notice_download, name="notice-download"),
]
