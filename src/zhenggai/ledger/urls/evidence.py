from django.urls import path

from zhenggai.ledger.views import evidence

urlpatterns = [
    path("evidence/<int:pk>/", evidence.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/preview/", evidence.evidence_preview, name="evidence-preview"),
]
