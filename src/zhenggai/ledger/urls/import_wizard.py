"""The import landing and the document import wizard (upload → preview → confirm)."""

from django.urls import path

from zhenggai.ledger.views import import_wizard

urlpatterns = [
    path("import/", import_wizard.import_landing, name="import"),
    path("import/document/", import_wizard.import_document, name="import-document"),
    path(
        "import/document/<int:pk>/",
        import_wizard.import_document_preview,
        name="import-document-preview",
    ),
    path(
        "import/document/<int:pk>/confirm/",
        import_wizard.import_document_confirm,
        name="import-document-confirm",
    ),
]
