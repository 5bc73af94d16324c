from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zhenggai.audit.checkpoints import register_checkpoint_source

#: The name under which urging's snapshots are a source of audit checkpoints.
SNAPSHOT_CHECKPOINTS = "urging.snapshot"


def snapshot_audit_heads() -> list[tuple[int, str]]:
    """The audit chain heads copied into snapshots: checkpoints kept outside the log.

    `audit` may not import urging (it is the layer below), so urging hands it this source.
    """
    from zhenggai.urging.models import Snapshot  # models load after the app registry

    return [
        (seq, hash_)
        for seq, hash_ in Snapshot.objects.exclude(audit_head_seq__isnull=True)
        .exclude(audit_head_hash="")
        .values_list("audit_head_seq", "audit_head_hash")
        .distinct()
        if seq is not None
    ]


class UrgingConfig(AppConfig):
    name = "zhenggai.urging"
    verbose_name = _("督办提醒")

    def ready(self) -> None:
        register_checkpoint_source(SNAPSHOT_CHECKPOINTS, snapshot_audit_heads)
