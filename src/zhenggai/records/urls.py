from django.urls import path

from zhenggai.records import views

app_name = "records"
urlpatterns = [
    path("inspections/<int:pk>/records/<slug:kind>/", views.record_list, name="list"),
]
