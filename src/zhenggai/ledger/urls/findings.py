"""A finding's tools (key, scope, explanation, acceptance, reopening) and an inspection's
follow-up reviews (回头看)."""

from django.urls import path

from zhenggai.ledger.views import findings

urlpatterns = [
    path("findings/<int:pk>/key/", findings.finding_key, name="finding-key"),
    path("findings/<int:pk>/scope/", findings.finding_scope, name="finding-scope"),
    path("findings/<int:pk>/explanation/", findings.finding_explanation,
         name="finding-explanation"),
    path("findings/<int:pk>/explanation/accept/", findings.finding_accept, name="finding-accept"),
    path("findings/<int:pk>/reopen/", findings.finding_reopen, name="finding-reopen"),
    path("inspections/<int:pk>/follow-up/", findings.follow_up, name="follow-up"),
]
