"""The import landing and the document import wizard in the role × view matrix (issue #11).

Importing needs the import right somewhere (administrator, office); the others get 403
with the reason. An upload is its uploader's: the office's upload is 404 for everyone else
(the administrator included), as a missing id would be.
"""

from __future__ import annotations

from typing import Any

from tests.web.permission_matrix import Case, everyone
from tests.web.world import World
from zhenggai.ledger.services.document_staging import document_stage

#: A small feedback document: one aspect, one problem, one finding, two measures.
DOCUMENT = """关于巡察整改情况的通报
按照区委统一部署，区委第一巡察组对示范区交通局党组开展了常规巡察，现将整改情况公布如下。
一、关于党的领导方面
（一）理论学习不深入
1.主要问题：中心组学习流于形式。
整改情况：一是制定年度学习计划。二是开展专题研讨。
中共示范区交通局党组
2026年3月1日
"""


def _office_upload(w: World) -> Any:
    return document_stage(
        data=DOCUMENT.encode(), filename="通报.txt", actor=w.users["office"]
    )


CASES = [
    Case("import landing", lambda w: "/import/", expect=everyone(403, admin=200, office=200)),
    Case(
        "document upload page",
        lambda w: "/import/document/",
        expect=everyone(403, admin=200, office=200),
    ),
    Case(
        "document upload of an empty file",
        lambda w: "/import/document/",
        method="post",
        data=lambda w: {},
        expect=everyone(403, admin=400, office=400),
    ),
    Case(
        "document preview of the office's upload",
        lambda w: f"/import/document/{_office_upload(w).pk}/",
        expect=everyone(404, office=200),
    ),
    Case(
        "document progress (htmx) of the office's upload",
        lambda w: f"/import/document/{_office_upload(w).pk}/",
        htmx=True,
        expect=everyone(404, office=200),
    ),
    Case(
        "document choices of the office's upload (an empty title)",
        lambda w: f"/import/document/{_office_upload(w).pk}/",
        method="post",
        data=lambda w: {"title_a0": ""},
        expect=everyone(404, office=400),
    ),
    Case(
        "document confirm of the office's upload (wrong hash)",
        lambda w: f"/import/document/{_office_upload(w).pk}/confirm/",
        method="post",
        data=lambda w: {"sha256": "0" * 64},
        expect=everyone(404, office=400),
    ),
]
