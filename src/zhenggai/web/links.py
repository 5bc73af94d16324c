"""Where a notification about an object leads: the object's page.

Notifications name their object by model label and primary key (as audit entries do); the
inbox turns that into a URL here, by the URL name of the object's detail page, without a
query. A label with no page (yet) gives no link.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

#: Model label → URL name of its detail page (taking `pk`).
DETAIL_URLS: dict[str, str] = {
    "ledger.inspection": "ledger:inspection-detail",
    "ledger.aspect": "ledger:aspect-detail",
    "ledger.problem": "ledger:problem-detail",
    "ledger.finding": "ledger:finding-detail",
    "ledger.measure": "ledger:measure-detail",
}


def object_url(object_type: str, object_id: str) -> str:
    """The page of the object, or "" when there is none."""
    name = DETAIL_URLS.get(object_type)
    if not name or not object_id.isdigit():
        return ""
    try:
        return reverse(name, kwargs={"pk": int(object_id)})
    except NoReverseMatch:
        return ""
