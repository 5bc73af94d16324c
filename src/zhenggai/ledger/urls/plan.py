"""The plan page of an inspection and its forms (create, revise, approve), and the leading group."""

from django.urls import path

from zhenggai.ledger.views import leading_group, plan

urlpatterns = [
    path("inspections/<int:pk>/plan/", plan.plan_detail, name="plan"),
    path("inspections/<int:pk>/plan/create/", plan.plan_new, name="plan-create"),
    path("inspections/<int:pk>/plan/revise/", plan.plan_revision, name="plan-revise"),
    path("inspections/<int:pk>/plan/approve/", plan.plan_approval, name="plan-approve"),
    path("inspections/<int:pk>/plan/leading-group/", leading_group.leading_group,
         name="leading-group"),
]
