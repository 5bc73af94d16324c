from django.urls import path

from zhenggai.urging import views

app_name = "urging"
urlpatterns = [
    path("measures/<int:pk>/urging/", views.measure_notice_list, name="measure-notices"),
]
