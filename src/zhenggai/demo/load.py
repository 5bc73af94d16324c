"""`zhenggai demo`: a demo inspection with users for every role (DESIGN.md §5).

The default source is an announcement written for the project (`demo/announcement.txt`); `--from`
takes any document, e.g. the seed. Running it again duplicates nothing: the inspection is
found by the source's SHA-256, users by username, organisations by name under their parent,
role assignments by their unique key. Measures get units, deadlines and states only when the
inspection is imported in this run.

A newly imported inspection then gets months of history, replayed through the workflow
services up to today (`demo/history.py`): plan, progress with evidence, returns, extensions,
close-outs, records, a follow-up review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from zhenggai import clock
from zhenggai.accounts.choices import OrganisationKind, Role
from zhenggai.accounts.models import Organisation, RoleAssignment, User, organisation_path
from zhenggai.audit.services import audit_record
from zhenggai.core.errors import InputError
from zhenggai.core.parser import parse_bytes
from zhenggai.demo.history import Cast, HistorySummary, history_replay
from zhenggai.ledger.models import Finding, Inspection, Measure, SourceDocument
from zhenggai.ledger.services.importing import document_import
from zhenggai.ledger.services.search_index import search_units_refresh

DEMO_FILENAME = "announcement.txt"
CANNOT_READ = "{name}: 无法读取文件（{reason}）"
AUDIT_ACTION = "demo.load"


@dataclass(frozen=True)
class UnitSpec:
    """A responsible unit the demo recognises in a document by its usual names."""

    name: str
    username: str
    pattern: str
    kind: str = OrganisationKind.UNIT


#: Units of a city-management or housing-and-construction bureau, as documents name them.
#: A unit is created when its pattern occurs in the document; measures go to the unit
#: whose name they (else their finding) mention first.
UNIT_CATALOGUE: tuple[UnitSpec, ...] = (
    UnitSpec("行政执法大队", "enforcement", r"行政执法大队|执法大队|城管大队|大队"),
    UnitSpec("环卫所", "sanitation", r"环卫所|环境卫生管理所"),
    UnitSpec("市政所", "municipal", r"市政所|市政管理所"),
    UnitSpec("绿化所", "greening", r"绿化所|园林绿化所"),
    UnitSpec("建设工程质量安全监督站", "quality", r"质量安全监督站|质监站"),
    UnitSpec("房地产服务中心", "housing", r"房地产服务中心|房产中心"),
    UnitSpec("城建档案馆", "archives", r"城建档案馆|档案馆"),
    UnitSpec("市政公用事业服务中心", "utilities", r"市政公用事业服务中心|市政中心"),
)
#: The bureau's own offices: always created, and the unit of every measure naming no other.
FALLBACK_UNIT = UnitSpec(
    "机关科室", "offices", r"机关科室|机关各科室|科室", kind=OrganisationKind.DEPARTMENT
)

#: Committee roles not bound to the demo inspection: the rectification office is the
#: committee's standing body — it imports the next inspection's feedback and runs every
#: inspection of its committee — while the leader, the supervisor and the inspection group
#: are shown acting for the one inspection.
STANDING_ROLES: frozenset[str] = frozenset({Role.OFFICE})

#: (username, role, display name) of the users holding a role on the whole committee.
COMMITTEE_USERS: tuple[tuple[str, str, str], ...] = (
    ("office", Role.OFFICE, "整改办"),
    ("leader", Role.LEADER, "整改领导小组组长"),
    ("supervisor", Role.SUPERVISOR, "派驻纪检监察组"),
    ("inspector", Role.INSPECTOR, "巡察组"),
)

@dataclass
class DemoResult:
    inspection: Inspection
    imported: bool
    units: list[Organisation]
    users: list[User]
    users_created: list[str] = field(default_factory=list)
    #: Generated passwords of the users created in this run (shown once, never stored).
    passwords: dict[str, str] = field(default_factory=dict)
    password_set: bool = False
    #: What the replayed history did (None when the inspection existed already).
    history: HistorySummary | None = None


def demo_source_bytes() -> tuple[bytes, str]:
    return (resources.files("zhenggai.demo") / DEMO_FILENAME).read_bytes(), DEMO_FILENAME


@transaction.atomic
def demo_load(*, password: str | None, source: Path | None) -> DemoResult:
    if source is None:
        data, filename = demo_source_bytes()
    else:
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise InputError(CANNOT_READ.format(name=source, reason=exc.strerror or exc)) from None
        filename = source.name
    sha = hashlib.sha256(data).hexdigest()
    existing = SourceDocument.objects.filter(sha256=sha, inspection__isnull=False).first()
    if existing is not None and existing.inspection is not None:
        inspection, imported = existing.inspection, False
    else:
        document = parse_bytes(data, filename=filename)
        # The office imports the feedback the day after the meeting: the history starts there.
        with clock.travel(_import_moment(document.inspection.feedback_date)):
            inspection = document_import(
                document=document, data=data, filename=filename, actor=None
            ).inspection
        imported = True

    committee = inspection.organisation
    specs = units_named(_inspection_text(inspection))
    units = {spec.name: _organisation(spec.name, committee, spec.kind) for spec in specs}
    root = Organisation.objects.get(pk=int(committee.path.strip("/").split("/")[0]))

    result = DemoResult(inspection=inspection, imported=imported, units=list(units.values()), users=[])
    password_hash = make_password(password) if password else None
    result.password_set = password_hash is not None

    def user(username: str, display_name: str, **flags: bool) -> User:
        account, created = User.objects.get_or_create(
            username=username, defaults={"display_name": display_name, **flags}
        )
        if created and password_hash is None:
            generated = secrets.token_urlsafe(9)
            account.set_password(generated)
            result.passwords[username] = generated
        elif password_hash is not None:
            account.password = password_hash
        if created or password_hash is not None:
            account.save()
        if created:
            result.users_created.append(username)
        result.users.append(account)
        return account

    admin = user("admin", "系统管理员", is_staff=True, is_superuser=True)
    _role(admin, Role.ADMIN, root, subtree=True)
    committee_users = {}
    for username, role, display_name in COMMITTEE_USERS:
        committee_users[role] = user(username, display_name)
        _role(committee_users[role], role, committee, subtree=True,
              inspection=None if role in STANDING_ROLES else inspection)
    unit_users: dict[int, User] = {}
    for spec in specs:
        unit = units[spec.name]
        unit_users[unit.pk] = user(spec.username, f"{spec.name}联络员")
        _role(unit_users[unit.pk], Role.UNIT, unit)

    if imported:
        _assign_units(inspection, specs, units)
        cast = Cast(
            office=committee_users[Role.OFFICE],
            leader=committee_users[Role.LEADER],
            supervisor=committee_users[Role.SUPERVISOR],
            inspector=committee_users[Role.INSPECTOR],
            unit_users=unit_users,
        )
        result.history = history_replay(
            inspection, cast=cast, units=list(units.values()), rng=random.Random(sha)
        )
    audit_record(
        actor=None,
        action=AUDIT_ACTION,
        obj=inspection,
        after={
            "imported": imported,
            "units": [u.pk for u in result.units],
            "users_created": result.users_created,
            "password_set": result.password_set,
        },
    )
    return result


def units_named(text: str) -> list[UnitSpec]:
    """The catalogue's units that `text` names, in catalogue order, and the fallback last."""
    return [spec for spec in UNIT_CATALOGUE if re.search(spec.pattern, text)] + [FALLBACK_UNIT]


def unit_for(texts: list[str], specs: list[UnitSpec]) -> UnitSpec:
    """The unit the first text names earliest; the fallback when none names a unit."""
    for text in texts:
        hits = [(m.start(), i) for i, s in enumerate(specs) if (m := re.search(s.pattern, text))]
        if hits:
            return specs[min(hits)[1]]
    return FALLBACK_UNIT


def _inspection_text(inspection: Inspection) -> str:
    findings = Finding.objects.filter(inspection=inspection).values_list("text", "answer")
    return "\n".join(f"{text}\n{answer}" for text, answer in findings)


def _organisation(name: str, parent: Organisation, kind: str) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        parent=parent, name=name, defaults={"kind": kind}
    )
    if created:
        organisation.path = organisation_path(parent, organisation.pk)
        organisation.save(update_fields=["path"])
    return organisation


def _role(
    user: User,
    role: str,
    organisation: Organisation,
    *,
    subtree: bool = False,
    inspection: Inspection | None = None,
) -> None:
    RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organisation=organisation,
        inspection=inspection,
        defaults={"include_subtree": subtree},
    )


def _assign_units(
    inspection: Inspection, specs: list[UnitSpec], units: dict[str, Organisation]
) -> None:
    measures = list(
        Measure.objects.filter(inspection=inspection).prefetch_related("findings").order_by("sort_order")
    )
    for measure in measures:
        texts = [measure.content, *(f.text for f in measure.findings.all())]
        measure.lead_unit = units[unit_for(texts, specs).name]
    Measure.objects.bulk_update(measures, ["lead_unit"])
    search_units_refresh(measures=[m.pk for m in measures])


def _import_moment(feedback: dt.date | None) -> dt.datetime:
    """10:00 the day after the feedback meeting, or now when that is unknown or to come."""
    now = clock.now()
    if feedback is None:
        return now
    moment = timezone.make_aware(dt.datetime.combine(feedback + dt.timedelta(days=1), dt.time(10)))
    return min(moment, now)
