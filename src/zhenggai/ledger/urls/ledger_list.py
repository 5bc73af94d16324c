from django.urls import path

from zhenggai.ledger.views import ledger_list

urlpatterns = [
    path("ledger/", ledger_list.ledger, name="ledger"),
]
