"""The Excel pages: the ledger export and the Excel import (upload → preview → confirm)."""

from django.urls import path

from zhenggai.ledger.views import excel

urlpatterns = [
    path("ledger/export/", excel.ledger_export, name="ledger-export"),
    path("ledger/export/<str:token>/", excel.ledger_export_job, name="ledger-export-job"),
    path(
        "ledger/export/<str:token>/download/",
        excel.ledger_export_download,
        name="ledger-export-download",
    ),
    path("import/excel/", excel.import_excel, name="import-excel"),
    path("import/excel/<int:pk>/", excel.import_excel_preview, name="import-excel-preview"),
    path("import/excel/<int:pk>/confirm/", excel.import_excel_confirm, name="import-excel-confirm"),
]
