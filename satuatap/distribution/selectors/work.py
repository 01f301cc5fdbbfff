"""Who acts next on an application or a batch, and the distribution work waiting for a user.

Each open status of an application waits for one capability (``STEPS``): a program officer
screens, links the assessment and recommends; an approver within their authority limit (never the
recommender) decides; finance pays; the evidence and the follow-up close it. ``next_actor`` says
it on the record's page; ``work_waiting`` (registered in ``core.work``) lists what waits for the
user's roles within a unit's subtree, overdue first.
"""

from dataclasses import dataclass

from django.db.models import F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.formatting import rupiah
from satuatap.core.work import NextActor, WorkItem
from satuatap.distribution.models import AidKind, Application, AppStatus, AuthorityLimit, Batch, Loan
from satuatap.distribution.selectors import approvals as selectors
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import CAPABILITIES, can, roles_on
from satuatap.organizations.selectors import subtree_q


@dataclass(frozen=True)
class Step:
    capability: str
    role: str  # the role named to the user (others holding the capability may act too)
    action: object  # lazy text: what the next actor does


STEPS: dict[str, Step] = {
    AppStatus.SUBMITTED: Step("distribution.assess", Role.PROGRAM, gettext_lazy("screen the application")),
    AppStatus.SCREENED: Step("distribution.assess", Role.PROGRAM, gettext_lazy("link the person's assessment")),
    AppStatus.ASSESSED: Step("distribution.recommend", Role.PROGRAM, gettext_lazy("recommend an amount")),
    AppStatus.RECOMMENDED: Step("distribution.approve", Role.HEAD, gettext_lazy("approve or reject")),
    AppStatus.APPROVED: Step("distribution.pay", Role.FINANCE, gettext_lazy("pay the approved amount")),
    AppStatus.DISBURSED: Step("distribution.evidence_keep", Role.PROGRAM, gettext_lazy("complete the evidence")),
    AppStatus.EVIDENCED: Step("distribution.assess", Role.PROGRAM, gettext_lazy("follow up the aid")),
}
KIND = gettext_lazy("Aid application")
BATCH_KIND = gettext_lazy("Disbursement batch")
LOAN_KIND = gettext_lazy("Interest-free loan")


def _label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _roles_label(roles) -> str:
    return _(" or ").join(_label(r) for r in sorted(set(roles), key=Role.values.index))


def approvers(unit: Unit, amount: int) -> tuple[Unit | None, list[str]]:
    """The nearest unit from ``unit`` up whose approvers may approve ``amount`` (as
    ``selectors.approver_unit``), and the roles with a limit high enough there; one query."""
    limits = AuthorityLimit.objects.filter(unit__path__in=unit.lineage_paths, max_amount__gte=amount).select_related(
        "unit"
    )
    found = sorted(limits, key=lambda limit: -len(limit.unit.path))
    if not found:
        return None, []
    where = found[0].unit
    return where, [limit.role for limit in found if limit.unit_id == where.pk]


def _approval(user, unit: Unit, amount: int, author_id, author_text: str, known=None, limit=None) -> NextActor:
    where, roles = known if known is not None else approvers(unit, amount)
    if where is None:
        return NextActor(
            role=_roles_label(CAPABILITIES["distribution.configure"]),
            unit=unit,
            action=_("set an authority limit of at least %(amount)s, so that someone may approve")
            % {"amount": rupiah(amount)},
            can_act=can(user, "distribution.configure", unit),
        )
    may = can(user, "distribution.approve", unit)
    why_not = ""
    if may and (limit if limit is not None else selectors.approval_limit(user, unit)) < amount:
        may, why_not = False, _("The amount is above your authority limit.")
    if author_id == user.pk:
        may, why_not = False, author_text
    return NextActor(
        role=_roles_label(roles), unit=where, action=str(STEPS[AppStatus.RECOMMENDED].action), can_act=may,
        why_not=why_not,
    )  # fmt: skip


def next_actor(user, application: Application, *, known=None, limit=None) -> NextActor | None:
    """Who acts next on ``application`` and whether ``user`` may; None when nobody has to. A page
    that already looked them up passes ``known`` (``approvers``) and the user's approval ``limit``."""
    status = application.status
    step = STEPS.get(status)
    if step is None:
        return None
    if selectors.in_batch(application):
        return None  # the batch is decided and paid as a whole: its page says who acts
    unit = application.unit
    if status == AppStatus.RECOMMENDED:
        amount = application.recommended_amount or application.requested_amount
        own = _("You recommended it; another person approves it.")
        return _approval(user, unit, amount, application.recommended_by_id, own, known, limit)
    action = str(step.action)
    if status == AppStatus.APPROVED and application.program.aid_kind == AidKind.GOODS:
        action = _("give the goods from the stock")
    return NextActor(role=_label(step.role), unit=unit, action=action, can_act=can(user, step.capability, unit))


def batch_next_actor(user, batch: Batch) -> NextActor | None:
    if batch.status == Batch.BatchStatus.PREPARED:
        own = _("You prepared it; another person approves it.")
        return _approval(user, batch.unit, batch.total, batch.prepared_by_id, own)
    if batch.status == Batch.BatchStatus.APPROVED:
        return NextActor(
            role=_label(Role.FINANCE), unit=batch.unit, action=_("pay the batch"),
            can_act=can(user, "distribution.pay", batch.unit),
        )  # fmt: skip
    return None


# --- the work list --------------------------------------------------------------------------------------


def _limit_for(user, unit: Unit, cache: dict) -> int:
    if unit.pk not in cache:
        cache[unit.pk] = selectors.approval_limit(user, unit)
    return cache[unit.pk]


def _acting_role(user, unit: Unit, capability: str) -> str:
    """The user's own role(s) on ``unit`` that allow the step."""
    return _roles_label(roles_on(user, unit) & CAPABILITIES[capability])


def work_waiting(user, unit: Unit, limit: int | None = None) -> list[WorkItem]:
    """Applications and batches within ``unit``'s subtree waiting for a step ``user``'s roles may take."""
    today = timezone.localdate()
    within = {"unit__path__startswith": unit.path}
    items: list[WorkItem] = []
    limits: dict[int, int] = {}
    for status, step in STEPS.items():
        rows = Application.objects.filter(subtree_q(user, step.capability), status=status, **within)
        if status in selectors.BATCH_STEPS:
            rows = rows.filter(batch__isnull=True)
        if status == AppStatus.RECOMMENDED:
            rows = rows.exclude(recommended_by=user)
        rows = rows.select_related("unit", "program", "beneficiary").order_by("due_on", "created_at", "pk")
        if limit is not None and status != AppStatus.RECOMMENDED:
            rows = rows[:limit]
        for application in rows:
            if status == AppStatus.RECOMMENDED:
                amount = application.recommended_amount or application.requested_amount
                if _limit_for(user, application.unit, limits) < amount:
                    continue
            action = step.action
            if status == AppStatus.APPROVED and application.program.aid_kind == AidKind.GOODS:
                action = _("give the goods from the stock")
            title = f"{application.tracking_code} · {application.beneficiary.full_name} · {application.program.name}"
            items.append(
                WorkItem(
                    kind=str(KIND),
                    title=title,
                    url=reverse("distribution:application", args=[application.pk]),
                    unit=application.unit,
                    waiting_since=application.created_at,
                    role=_acting_role(user, application.unit, step.capability),
                    action=str(action),
                    due_on=application.due_on,
                    overdue=bool(application.due_on and application.due_on < today),
                )
            )
    batches = (
        Batch.objects.filter(unit__path__startswith=unit.path, status=Batch.BatchStatus.PREPARED)
        .filter(subtree_q(user, "distribution.approve"))
        .exclude(prepared_by=user)
    )
    paid = Batch.objects.filter(unit__path__startswith=unit.path, status=Batch.BatchStatus.APPROVED).filter(
        subtree_q(user, "distribution.pay")
    )
    for batch in (batches | paid).select_related("unit", "program").order_by("created_at", "pk"):
        prepared = batch.status == Batch.BatchStatus.PREPARED
        if prepared and _limit_for(user, batch.unit, limits) < batch.total:
            continue
        items.append(
            WorkItem(
                kind=str(BATCH_KIND),
                title=f"{batch.name} · {batch.program.name} · {rupiah(batch.total)}",
                url=reverse("distribution:batch", args=[batch.pk]),
                unit=batch.unit,
                waiting_since=batch.created_at,
                role=_acting_role(user, batch.unit, "distribution.approve" if prepared else "distribution.pay"),
                action=str(STEPS[AppStatus.RECOMMENDED].action) if prepared else _("pay the batch"),
            )
        )
    items.extend(_overdue_loans(user, unit, today, limit))
    return items


def _overdue_loans(user, unit: Unit, today, limit: int | None) -> list[WorkItem]:
    """Loans with an installment unpaid past its due date: finance records the repayment or follows it up."""
    late = Q(installments__due_on__lt=today, installments__paid__lt=F("installments__amount"))
    rows = (
        Loan.objects.filter(subtree_q(user, "distribution.pay"), unit__path__startswith=unit.path)
        .annotate(first_late=Min("installments__due_on", filter=late))
        .filter(first_late__isnull=False)
        .select_related("unit", "beneficiary")
        .order_by("first_late", "pk")
    )
    return [
        WorkItem(
            kind=str(LOAN_KIND),
            title=f"{loan.beneficiary.full_name} · {rupiah(loan.outstanding)}",
            url=reverse("distribution:loan", args=[loan.pk]),
            unit=loan.unit,
            waiting_since=loan.first_late,
            role=_acting_role(user, loan.unit, "distribution.pay"),
            action=_("record the late repayment or follow it up"),
            due_on=loan.first_late,
            overdue=True,
        )
        for loan in (rows if limit is None else rows[:limit])
    ]
