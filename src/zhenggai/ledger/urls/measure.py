from django.urls import path

from zhenggai.ledger.views import measure, workflow_decisions, workflow_measure

urlpatterns = [
    path("measures/<int:pk>/", measure.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/audit/", measure.measure_audit, name="measure-audit"),
    path("measures/<int:pk>/progress/", workflow_measure.progress, name="measure-progress"),
    path("measures/<int:pk>/close-out/", workflow_measure.close_out, name="measure-close-out"),
    path("measures/<int:pk>/extension/", workflow_measure.extension, name="measure-extension"),
    path("measures/<int:pk>/reopen/", workflow_measure.reopen_measure, name="measure-reopen"),
    path("close-out-requests/<int:pk>/review/", workflow_decisions.review,
         name="close-out-review"),
    path("close-out-requests/<int:pk>/leader/", workflow_decisions.leader,
         name="close-out-leader"),
    path("close-out-requests/<int:pk>/acceptance/", workflow_decisions.acceptance,
         name="close-out-acceptance"),
    path("extensions/<int:pk>/decision/", workflow_decisions.extension_decision,
         name="extension-decision"),
    path("check-ins/<int:pk>/", workflow_decisions.check_in, name="check-in-record"),
]
