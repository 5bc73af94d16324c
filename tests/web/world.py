"""A small inspection with every role, for the role × view permission matrix and page tests.

Two units (A and B) under the inspected committee; a measure led by each, one led by B and
assigned to A; a progress report with evidence and a pending close-out request on A's
measure; users for every role, a user with no role and an inspection of another
organisation. Built through the factories and the services (so the rows are what users
would have produced), in well under a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from tests.factories import (
    AssignmentFactory,
    FindingFactory,
    InspectionFactory,
    MeasureFactory,
    OrganisationFactory,
    UserFactory,
)
from zhenggai import clock
from zhenggai.accounts.choices import Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User
from zhenggai.ledger.models import (
    CloseOutRequest,
    EvidenceFile,
    Finding,
    Inspection,
    Measure,
    ProgressReport,
)
from zhenggai.ledger.services.close_out import close_out_request_create
from zhenggai.ledger.services.progress import progress_report_submit
from zhenggai.notifications.models import Notification
from zhenggai.notifications.services import notification_send

#: The smallest valid PNG: evidence is typed by its bytes.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

#: Every role of the matrix, anonymous and role-less included.
ROLES = (
    "anonymous", "stranger", "admin", "office", "leader", "supervisor", "inspector",
    "unit_a", "unit_b",
)


def png(name: str = "照片.png", salt: bytes = b"") -> ContentFile[bytes]:
    """A PNG upload; `salt` (after the IEND chunk) makes the bytes, hence the hash, differ."""
    return ContentFile(PNG + salt, name=name)


@dataclass
class World:
    inspection: Inspection
    committee: Organisation
    unit_a: Organisation
    unit_b: Organisation
    finding: Finding
    measure_a: Measure
    measure_b: Measure
    assigned: Measure
    report_a: ProgressReport
    evidence_a: EvidenceFile
    request_a: CloseOutRequest
    foreign: Inspection
    foreign_measure: Measure
    users: dict[str, User | None] = field(default_factory=dict)
    notice_of: dict[str, Notification] = field(default_factory=dict)


def _grant(role: str, organisation: Organisation, **kw: object) -> User:
    user = UserFactory(display_name=f"{role}用户")
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation, **kw)
    return user


def build_world() -> World:
    inspection = InspectionFactory()
    committee = inspection.organisation
    unit_a = OrganisationFactory(name="环卫所", parent=committee)
    unit_b = OrganisationFactory(name="市政所", parent=committee)
    finding = FindingFactory(inspection=inspection)
    deadline = clock.today() + dt.timedelta(days=30)
    measure_a = MeasureFactory(
        inspection=inspection, lead_unit=unit_a, findings=[finding], deadline=deadline
    )
    measure_b = MeasureFactory(
        inspection=inspection, lead_unit=unit_b, findings=[finding], deadline=deadline
    )
    assigned = MeasureFactory(
        inspection=inspection, lead_unit=unit_b, findings=[finding], deadline=deadline
    )
    AssignmentFactory(measure=assigned, unit=unit_a)
    users: dict[str, User | None] = {
        "anonymous": None,
        "stranger": UserFactory(display_name="无角色用户"),
        "admin": _grant(Role.ADMIN, committee, include_subtree=True),
        "office": _grant(Role.OFFICE, committee, include_subtree=True),
        "leader": _grant(Role.LEADER, committee, include_subtree=True),
        "supervisor": _grant(Role.SUPERVISOR, committee, include_subtree=True),
        "inspector": _grant(Role.INSPECTOR, committee, include_subtree=True),
        "unit_a": _grant(Role.UNIT, unit_a),
        "unit_b": _grant(Role.UNIT, unit_b),
    }
    unit_user = users["unit_a"]
    assert unit_user is not None
    with transaction.atomic():
        report = progress_report_submit(
            measure=measure_a, narrative="已完成初步排查。", percent=40,
            as_of=clock.today(), files=[png()], actor=unit_user,
        )
        request = close_out_request_create(
            measure=measure_a, summary="整改已完成。", files=[png("验收.png", b"1")],
            actor=unit_user,
        )
    foreign_measure = MeasureFactory()
    notices = {}
    with transaction.atomic():
        for role, user in users.items():
            if user is not None:
                notices[role] = notification_send(user=user, title=f"给{role}的消息", about=measure_a)
    return World(
        inspection=inspection, committee=committee, unit_a=unit_a, unit_b=unit_b,
        finding=finding, measure_a=measure_a, measure_b=measure_b, assigned=assigned,
        report_a=report, evidence_a=report.evidence.get(), request_a=request,
        foreign=foreign_measure.inspection, foreign_measure=foreign_measure, users=users,
        notice_of=notices,
    )
