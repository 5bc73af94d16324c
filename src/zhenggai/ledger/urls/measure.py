from django.urls import path

from zhenggai.ledger.views import measure

urlpatterns = [
    path("measures/<int:pk>/", measure.measure_detail, name="measure-detail"),
]
