"""The ledger's URLs, one module per area of its pages (each owns its module)."""

from zhenggai.ledger.urls import calendar as calendar_urls
from zhenggai.ledger.urls import (
    corrections,
    evaluation,
    evidence,
    excel,
    findings,
    formal_reports,
    import_wizard,
    ledger_list,
    measure,
    plan,
    saved_views,
    search,
    tree,
)
from zhenggai.ledger.urls import dashboard as dashboard_urls

app_name = "ledger"
urlpatterns = [
    *evidence.urlpatterns,
    *ledger_list.urlpatterns,
    *tree.urlpatterns,
    *measure.urlpatterns,
    *corrections.urlpatterns,
    *excel.urlpatterns,
    *import_wizard.urlpatterns,
    *search.urlpatterns,
    *saved_views.urlpatterns,
    *dashboard_urls.urlpatterns,
    *calendar_urls.urlpatterns,
    *evaluation.urlpatterns,
    *formal_reports.urlpatterns,
    *plan.urlpatterns,
    *findings.urlpatterns,
]
