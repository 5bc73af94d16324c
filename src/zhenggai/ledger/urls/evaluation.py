from django.urls import path

from zhenggai.ledger.views import evaluation

urlpatterns = [
    path("inspections/<int:pk>/evaluation/", evaluation.evaluation_page, name="evaluation"),
]
