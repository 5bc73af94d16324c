"""The correction pages: an aspect's, problem's, finding's and measure's edit form."""

from django.urls import path

from zhenggai.ledger.views import corrections

urlpatterns = [
    path("aspects/<int:pk>/edit/", corrections.aspect_edit, name="aspect-edit"),
    path("problems/<int:pk>/edit/", corrections.problem_edit, name="problem-edit"),
    path("findings/<int:pk>/edit/", corrections.finding_edit, name="finding-edit"),
    path("measures/<int:pk>/edit/", corrections.measure_edit, name="measure-edit"),
]
