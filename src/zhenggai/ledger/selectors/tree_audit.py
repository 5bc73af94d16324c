"""The audit entries of a tree node (inspection, aspect, problem, finding), for its page.

The audit app sits below the ledger and knows nothing of who may read what; this reader
first asks the tree's selector whether the user may read the object, so an entry about an
object outside the user's scope is never shown (the page is a 404 before it gets here, and
a caller that forgets that still gets nothing). Entries are paged newest first by their
chain position (`seq`), through the index on (object_type, object_id, seq).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from zhenggai.accounts.models import User
from zhenggai.audit.models import AuditEntry
from zhenggai.ledger.selectors.tree import Node, Reading, tree_node

PAGE_SIZE = 20


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    #: The `seq` to continue below (the next page's `audit_before`), None on the last page.
    next_before: int | None


def audit_page(
    *,
    user: User | AnonymousUser,
    model: type[Node],
    pk: int,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> AuditPage | None:
    """The entries about object `pk` of `model`, newest first, below `before`; None when
    the user may not read the object."""
    reading = tree_node(user=user, model=model, pk=pk)
    if reading is None:
        return None
    return node_audit_page(reading, before=before, size=size)


def node_audit_page(
    reading: Reading, *, before: int | None = None, size: int = PAGE_SIZE
) -> AuditPage:
    """The entries about the node of `reading` — which only `tree_node` makes, after
    checking that its user may read the node. One query."""
    node: Model = reading.node
    entries = AuditEntry.objects.filter(
        object_type=node._meta.label_lower, object_id=str(node.pk)
    ).select_related("actor")
    if before is not None:
        entries = entries.filter(seq__lt=before)
    rows = list(entries.order_by("-seq")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return AuditPage(rows, rows[-1].seq if more and rows else None)
