"""The ledger's URLs, one module per area of its pages (each owns its module)."""

from zhenggai.ledger.urls import (
    corrections,
    evidence,
    excel,
    findings,
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
    *search.urlpatterns,
    *saved_views.urlpatterns,
    *dashboard_urls.urlpatterns,
    *plan.urlpatterns,
    *findings.urlpatterns,
]
