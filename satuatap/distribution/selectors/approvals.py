"""Who may approve what: authority limits, the office an amount goes to, and the steps a user may take
on an application now.
"""

from satuatap.distribution.models import (
    AppStatus,
    AuthorityLimit,
)
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import active_memberships


def approval_limit(user, unit: Unit) -> int:
    """The largest amount ``user`` may approve for ``unit``: over the roles they hold on ``unit`` or
    an ancestor of it, the limit of that role at the membership's unit (or, where that unit sets
    none, the nearest unit above it that does); 0 for none."""
    paths = unit.lineage_paths
    best = 0
    for membership in active_memberships(user):
        if membership.unit.path not in paths:
            continue
        limits = AuthorityLimit.objects.filter(role=membership.role, unit__path__in=membership.unit.lineage_paths)
        nearest = max(limits.select_related("unit"), key=lambda limit: len(limit.unit.path), default=None)
        if nearest is not None:
            best = max(best, nearest.max_amount)
    return best


def approver_unit(unit: Unit, amount: int) -> Unit | None:
    """The nearest unit from ``unit`` up whose approvers may approve ``amount`` (where an
    application above its office's limit goes); None when no unit's limit is high enough."""
    limits = AuthorityLimit.objects.filter(unit__path__in=unit.lineage_paths, max_amount__gte=amount).select_related(
        "unit"
    )
    found = sorted(limits, key=lambda limit: -len(limit.unit.path))
    return found[0].unit if found else None


# The steps a batch takes for all its applications at once: never one application alone.
BATCH_STEPS = frozenset({AppStatus.RECOMMENDED, AppStatus.APPROVED})
