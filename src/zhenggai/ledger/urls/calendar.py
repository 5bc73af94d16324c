"""The deadline calendar."""

from django.urls import path

from zhenggai.ledger.views import calendar

urlpatterns = [
    path("calendar/", calendar.calendar, name="calendar"),
]
