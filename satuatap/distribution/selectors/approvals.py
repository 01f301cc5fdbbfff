"""Who may approve what: authority limits, the office an amount goes to, and the steps a user may take
on an application now.
"""

from satuatap.distribution.models import AidKind, Application, AppStatus, AuthorityLimit
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import active_memberships, can


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


def in_batch(application: Application) -> bool:
    """Whether the application's next step is its batch's: decided and paid with the batch, not alone."""
    return application.batch_id is not None and application.status in BATCH_STEPS


def may_approve(user, application: Application) -> bool:
    """Whether ``user``'s role lets them decide ``application`` now (their own recommendation aside)."""
    return (
        application.status == AppStatus.RECOMMENDED
        and can(user, "distribution.approve", application.unit)
        and not in_batch(application)
    )


def application_actions(user, application: Application) -> set[str]:
    """The steps ``user`` may take on ``application`` now, by its status and their role on its unit:
    ``screen``, ``assess``, ``recommend``, ``approve`` and ``reject`` (never of their own recommendation),
    ``pay`` (money) or ``pay_goods`` (from the stock), ``evidence_complete``, ``follow_up``. A step a batch
    takes is the batch's, not one of its applications'."""
    status, unit = application.status, application.unit
    actions: set[str] = set()
    if status == AppStatus.SUBMITTED and can(user, "distribution.assess", unit):
        actions.add("screen")
    if status == AppStatus.SCREENED and can(user, "distribution.assess", unit):
        actions.add("assess")
    if status == AppStatus.ASSESSED and can(user, "distribution.recommend", unit):
        actions.add("recommend")
    if may_approve(user, application) and application.recommended_by_id != user.pk:
        actions.update(("approve", "reject"))
    if status == AppStatus.APPROVED and can(user, "distribution.pay", unit) and not in_batch(application):
        actions.add("pay_goods" if application.program.aid_kind == AidKind.GOODS else "pay")
    if status == AppStatus.DISBURSED and can(user, "distribution.evidence_keep", unit):
        actions.add("evidence_complete")
    if status == AppStatus.EVIDENCED and can(user, "distribution.assess", unit):
        actions.add("follow_up")
    return actions
