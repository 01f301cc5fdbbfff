"""Records held as possible duplicates wait for a person's review ("same person" merges them, "not the
same" releases them); until then they are not helped. ``work_waiting`` is registered in ``core.work``
so they show in the work list of whoever may review them."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.beneficiaries.models import Beneficiary
from satuatap.core.work import WorkItem
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.selectors import subtree_q

KIND = gettext_lazy("Possible duplicate")
CAPABILITY = "beneficiaries.manage"


def work_waiting(user, unit: Unit, limit: int | None = None) -> list[WorkItem]:
    """Held records registered within ``unit``'s subtree that ``user`` may review, oldest first."""
    rows = (
        Beneficiary.objects.filter(
            subtree_q(user, CAPABILITY, "registered_unit"),
            registered_unit__path__startswith=unit.path,
            possible_duplicate_of__isnull=False,
            merged_into__isnull=True,
        )
        .select_related("registered_unit", "possible_duplicate_of")
        .order_by("created_at", "pk")
    )
    if limit is not None:
        rows = rows[:limit]
    action = _("review: merge into the record it repeats, or mark it as another person")
    return [
        WorkItem(
            kind=str(KIND),
            title=_("%(number)s %(name)s may repeat %(other)s")
            % {"number": held.number, "name": held.full_name, "other": held.possible_duplicate_of.number},
            url=reverse("beneficiaries:detail", args=[held.pk]),
            unit=held.registered_unit,
            waiting_since=held.created_at,
            role=str(Role.PROGRAM.label),
            action=action,
        )
        for held in rows
    ]
