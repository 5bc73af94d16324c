from django.urls import path

from zhenggai.ledger.views import formal_reports

urlpatterns = [
    path("inspections/<int:pk>/formal-reports/", formal_reports.formal_reports_page,
         name="formal-reports"),
    path("formal-reports/<int:pk>/submit/", formal_reports.formal_report_submit_view,
         name="formal-report-submit"),
    path("formal-report-submissions/<int:pk>/review/", formal_reports.formal_report_review_view,
         name="formal-report-review"),
]
