"""Saved views (常用视图)."""

from django.urls import path

from zhenggai.ledger.views import saved_views

urlpatterns = [
    path("ledger/views/", saved_views.saved_view_list, name="saved-views"),
    path("ledger/views/bar/", saved_views.saved_view_bar, name="saved-view-bar"),
    path("ledger/views/<int:pk>/rename/", saved_views.saved_view_rename_view, name="saved-view-rename"),
    path("ledger/views/<int:pk>/delete/", saved_views.saved_view_delete_view, name="saved-view-delete"),
    path("ledger/views/<int:pk>/default/", saved_views.saved_view_default_view, name="saved-view-default"),
]
