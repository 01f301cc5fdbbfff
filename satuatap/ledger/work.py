"""Who acts next on a ledger draft, and the drafts waiting for a user's approval.

A draft (a manual entry, bank interest, the use of non-halal money, an amil cost) is posted only
when an office head approves it, and never by whoever prepared or changed it. ``work_waiting`` is
registered in ``core.work`` so the drafts show in the head's work list.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.formatting import rupiah
from satuatap.core.work import NextActor, WorkItem
from satuatap.ledger.models import EntryStatus, JournalEntry
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import can
from satuatap.organizations.selectors import subtree_q

KIND = gettext_lazy("Ledger draft")


def next_actor(user, entry: JournalEntry) -> NextActor | None:
    """Who acts next on ``entry`` (a draft waits for an office head), None once posted or discarded."""
    if entry.status != EntryStatus.DRAFT:
        return None
    own = user.pk in (entry.created_by_id, entry.updated_by_id)
    return NextActor(
        role=str(Role.HEAD.label),
        unit=entry.unit,
        action=_("approve the draft, which posts it"),
        can_act=can(user, "ledger.approve", entry.unit) and not own,
        why_not=_("You prepared or changed this entry; another person must approve it.") if own else "",
    )


def work_waiting(user, unit: Unit, limit: int | None = None) -> list[WorkItem]:
    """Drafts within ``unit``'s subtree that ``user`` may approve (not their own)."""
    rows = (
        JournalEntry.objects.filter(subtree_q(user, "ledger.approve"), status=EntryStatus.DRAFT)
        .filter(unit__path__startswith=unit.path)
        .exclude(created_by=user)
        .exclude(updated_by=user)
        .select_related("unit")
        .order_by("created_at", "pk")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        WorkItem(
            kind=str(KIND),
            title=f"#{entry.pk} · {entry.memo[:80] or entry.get_source_display()} · {rupiah(entry.total)}",
            url=reverse("ledger:entry_detail", args=[entry.pk]),
            unit=entry.unit,
            waiting_since=entry.created_at,
            role=str(Role.HEAD.label),
            action=_("approve the draft, which posts it"),
        )
        for entry in rows
    ]
