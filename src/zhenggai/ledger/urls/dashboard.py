"""The dashboard of one inspection."""

from django.urls import path

from zhenggai.ledger.views import dashboard

urlpatterns = [
    path("inspections/<int:pk>/dashboard/", dashboard.inspection_dashboard, name="dashboard"),
]
