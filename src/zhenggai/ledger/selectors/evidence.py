"""Evidence files (佐证材料) a user may read: the responsible unit its own, any reader of the
inspection the rest."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from zhenggai.accounts.models import User
from zhenggai.accounts.permissions import Action, may
from zhenggai.ledger.models import EvidenceFile


def evidence_for_reader(*, user: User | AnonymousUser, pk: int) -> EvidenceFile | None:
    """The evidence file `pk` if `user` may read it, else None (also when it does not exist,
    so that an id reveals nothing). One query and the permission's.

    A formal report's files (整改情况报告) belong to the whole inspection; a progress report's
    or close-out request's belong to the measure, read by the inspection's readers and by
    the unit that reported (its assignment's unit, or the lead unit).
    """
    if not isinstance(user, User):
        return None
    evidence = (
        EvidenceFile.objects.select_related(
            "progress_report__measure__inspection__organisation",
            "progress_report__measure__lead_unit",
            "progress_report__assignment__unit",
            "close_out_request__measure__inspection__organisation",
            "close_out_request__measure__lead_unit",
            "close_out_request__assignment__unit",
            "formal_report_submission__report__inspection__organisation",
        )
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        return None
    if evidence.formal_report_submission is not None:
        inspection = evidence.formal_report_submission.report.inspection
        return evidence if may(user, Action.VIEW, inspection=inspection) else None
    owner = evidence.progress_report or evidence.close_out_request
    if owner is None:
        return None
    measure = owner.measure
    unit = owner.assignment.unit if owner.assignment is not None else measure.lead_unit
    return evidence if may(user, Action.VIEW, inspection=measure.inspection, unit=unit) else None
