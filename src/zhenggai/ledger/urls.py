from django.urls import path

from zhenggai.ledger import views_evidence

app_name = "ledger"
urlpatterns = [
    path("evidence/<int:pk>/", views_evidence.evidence_download, name="evidence-download"),
]
