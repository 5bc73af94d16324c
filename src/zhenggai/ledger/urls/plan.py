"""The plan page of an inspection and its forms (create, revise, approve)."""

from django.urls import path

from zhenggai.ledger.views import plan

urlpatterns = [
    path("inspections/<int:pk>/plan/", plan.plan_detail, name="plan"),
    path("inspections/<int:pk>/plan/create/", plan.plan_new, name="plan-create"),
    path("inspections/<int:pk>/plan/revise/", plan.plan_revision, name="plan-revise"),
    path("inspections/<int:pk>/plan/approve/", plan.plan_approval, name="plan-approve"),
]
