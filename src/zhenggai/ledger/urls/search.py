"""The search page."""

from django.urls import path

from zhenggai.ledger.views import search

urlpatterns = [
    path("search/", search.search_page, name="search"),
]
