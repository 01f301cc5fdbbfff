"""Reads of distribution, always scoped.

The scope rule: a program, an application or a disbursement is visible to a user who holds
``distribution.view`` on a unit whose subtree contains the object's unit. Every page fetches
objects by id through ``program_for`` / ``application_for`` (404 outside the scope).
"""

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from satuatap.core.text import squash
from satuatap.distribution.models import (
    WAITING_STATUSES,
    Application,
    AppStatus,
    AuthorityLimit,
    Disbursement,
    Program,
)
from satuatap.ledger.hooks import Purpose, program_id_of, program_key
from satuatap.ledger.models import Account, AccountRole, FundKind, FundPosition
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.selectors import subtree_q, units_for

# The roles an authority limit may be set for (services.authority_limit_set).
APPROVING_ROLES = (Role.HEAD, Role.PROGRAM, Role.FINANCE, Role.ADMIN)


def _within(rows: QuerySet, within: Unit | None) -> QuerySet:
    return rows if within is None else rows.filter(unit__path__startswith=within.path)


# --- programs ---------------------------------------------------------------------------------------


def programs_for(user, *, within: Unit | None = None, capability: str = "distribution.view") -> QuerySet:
    return _within(Program.objects.filter(subtree_q(user, capability)), within)


def program_for(user, pk, *, capability: str = "distribution.view") -> Program:
    """The program with ``pk`` if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return programs_for(user, capability=capability).select_related("unit").get(pk=pk)
    except (Program.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def with_budget_use(programs: QuerySet) -> QuerySet:
    """Each program with what its applications took of the budget: ``committed`` (approved amounts
    of approved or paid applications), ``paid`` and ``applications`` (their number)."""
    taken = Q(applications__status__in=(AppStatus.APPROVED, AppStatus.DISBURSED))
    return programs.annotate(
        committed=Sum("applications__approved_amount", filter=taken, default=0),
        paid=Sum("applications__paid_amount", default=0),
        application_count=Count("applications"),
    )


def restricted_held(programs, *, within: Unit) -> dict[str, int]:
    """Restricted infak held for each restricted-infak program by the offices of ``within``'s subtree
    (the ledger's ``FundPosition``, the same figure as the fund position), by restriction key."""
    keys = [p.restriction for p in programs if p.restriction]
    rows = (
        FundPosition.objects.filter(
            restriction__in=keys, fund__kind=FundKind.INFAK_RESTRICTED, unit__path__startswith=within.path
        )
        .values("restriction")
        .annotate(held=Sum("available"))
        .order_by()
    )
    return {row["restriction"]: row["held"] for row in rows}


def programs_to_filter(user, within: Unit) -> QuerySet:
    """The programs the applications list may be filtered by: those in scope, and those (of an office
    above) that applications in scope name."""
    named = applications_for(user, within=within).values("program_id")
    return Program.objects.filter(
        Q(pk__in=named) | (subtree_q(user, "distribution.view") & Q(unit__path__startswith=within.path))
    ).order_by("name", "pk")


def programs_open_at(user, unit: Unit, on: date) -> QuerySet:
    """Programs an application taken at ``unit`` may name: active and running on ``on``, of the
    unit's institution, run by the unit itself, an office above it (a region's program reaches
    its branches) or an office below it that the user sees."""
    return (
        Program.objects.filter(
            Q(unit__path__in=unit.lineage_paths)
            | (subtree_q(user, "distribution.view") & Q(unit__path__startswith=unit.path)),
            institution_id=unit.institution_id,
            is_active=True,
            start_date__lte=on,
            end_date__gte=on,
        )
        .select_related("unit")
        .order_by("name", "pk")
    )


# --- applications -----------------------------------------------------------------------------------


def applications_for(user, *, within: Unit | None = None, capability: str = "distribution.view") -> QuerySet:
    return _within(Application.objects.filter(subtree_q(user, capability)), within)


def application_for(user, pk, *, capability: str = "distribution.view") -> Application:
    """The application with ``pk`` if the user may see it; 404 otherwise (no hint that it exists)."""
    try:
        return (
            applications_for(user, capability=capability)
            .select_related(
                "unit",
                "program",
                "beneficiary__household",
                "beneficiary__registered_unit",
                "assessment",
                "recommended_by",
                "decided_by",
                "created_by",
            )
            .get(pk=pk)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def overdue_q(today: date) -> Q:
    """Applications still waiting for someone past the day their current step was due."""
    return Q(status__in=WAITING_STATUSES, due_on__lt=today)


def application_list(
    user, *, within: Unit, today: date, status: str = "", program: int | None = None, overdue: bool = False, q: str = ""
) -> QuerySet:
    rows = applications_for(user, within=within)
    if program:
        rows = rows.filter(program_id=program)
    if overdue:
        rows = rows.filter(overdue_q(today))
    q = squash(q)
    if q:
        rows = rows.filter(
            Q(tracking_code__iexact=q.replace(" ", ""))
            | Q(beneficiary__number__iexact=q)
            | Q(beneficiary__full_name__icontains=q)
            | Q(need__icontains=q)
        )
    if status in AppStatus.values:
        rows = rows.filter(status=status)
    return rows.select_related("unit", "program", "beneficiary").order_by("-created_at", "-pk")


def status_counts(rows: QuerySet) -> dict[str, int]:
    """How many of ``rows`` are in each status (every status present, 0 when none)."""
    counts = dict.fromkeys(AppStatus.values, 0)
    for row in rows.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def overdue_applications(user, *, within: Unit, today: date, limit: int = 8) -> tuple[int, list[Application]]:
    """How many applications of ``within``'s subtree are overdue, and the ``limit`` longest overdue."""
    rows = applications_for(user, within=within).filter(overdue_q(today))
    oldest = rows.select_related("unit", "program", "beneficiary").order_by("due_on", "pk")[:limit]
    return rows.count(), list(oldest)


def awaiting_decision(user, *, within: Unit) -> QuerySet:
    """Recommended applications of ``within``'s subtree waiting for an approver's decision."""
    return applications_for(user, within=within).filter(status=AppStatus.RECOMMENDED)


def overrides_for(user, *, within: Unit, limit: int = 8) -> list[Application]:
    """Applications approved past the program's fair-share rule (with the approver's reason), last first."""
    rows = applications_for(user, within=within).exclude(override_reason="")
    return list(rows.select_related("unit", "program", "decided_by").order_by("-created_at", "-pk")[:limit])


def steps_of(application: Application) -> QuerySet:
    return application.steps.select_related("actor").order_by("at", "pk")


# --- disbursements and money accounts ------------------------------------------------------------------


def disbursements_for(user, *, within: Unit | None = None, capability: str = "distribution.view") -> QuerySet:
    rows = _within(Disbursement.objects.filter(subtree_q(user, capability)), within)
    return rows.select_related(
        "unit", "application__program", "application__beneficiary", "money_account", "entry"
    ).order_by("-paid_on", "-pk")


def money_account_of(institution_id: int, pk) -> Account | None:
    """The account ``pk`` of the institution, if there is one (the services check it may pay)."""
    return Account.objects.filter(pk=pk, institution_id=institution_id).first()


def disbursement_of(pk: int) -> Disbursement | None:
    """The disbursement ``pk``, if there is one; the caller checks it belongs to its application."""
    return Disbursement.objects.filter(pk=pk).first()


def money_accounts(unit: Unit) -> QuerySet:
    """The cash and bank accounts a payment of ``unit`` may come from."""
    return Account.objects.filter(
        institution_id=unit.institution_id, unit=unit, role__in=(AccountRole.CASH, AccountRole.BANK), is_active=True
    ).order_by("code")


# --- authority limits -----------------------------------------------------------------------------


def limit_grid(user, within: Unit) -> list[dict]:
    """Per unit the user configures (within ``within``), per approving role: the unit's own limit
    and the one in force there (its own, else the nearest unit's above)."""
    units = list(units_for(user, within=within, capability="distribution.configure")[:500])
    paths = {path for unit in units for path in unit.lineage_paths}
    limits = {
        (limit.unit.path, limit.role): limit
        for limit in AuthorityLimit.objects.filter(unit__path__in=paths).select_related("unit")
    }
    rows = []
    for unit in units:
        cells = []
        for role in APPROVING_ROLES:
            own = limits.get((unit.path, role))
            inherited = None
            if own is None:
                inherited = next((limits[(p, role)] for p in unit.lineage_paths[1:] if (p, role) in limits), None)
            cells.append({"role": role, "own": own, "inherited": inherited})
        rows.append({"unit": unit, "depth": unit.depth - within.depth, "cells": cells})
    return rows


def amount_shown(application: Application) -> int:
    """The amount an application is about now: approved, else recommended, else requested."""
    for value in (application.approved_amount, application.recommended_amount):
        if value is not None:
            return value
    return application.requested_amount


# --- restricted infak: the programs it may be given for -------------------------------------------


class ProgramPurposes:
    """The ledger's ``PurposeDirectory`` of restricted-infak programs (registered in ``apps.ready``):
    what the counter, the import and the API offer and accept, and the names the reports show."""

    @staticmethod
    def _purpose(program: Program) -> Purpose:
        return Purpose(key=program.restriction, code=program.code, name=program.name)

    def for_unit(self, unit: Unit) -> list[Purpose]:
        """Active restricted-infak programs run by ``unit`` or an office above it (as
        ``programs_open_at``: a region's program reaches its branches)."""
        programs = Program.objects.filter(
            institution_id=unit.institution_id,
            unit__path__in=unit.lineage_paths,
            fund_kind=FundKind.INFAK_RESTRICTED,
            is_active=True,
        ).order_by("name", "pk")
        return [self._purpose(p) for p in programs]

    def resolve(self, institution_id: int, value) -> Purpose | None:
        """A restricted-infak program of the institution by id, key (``program:<id>``) or code in any case."""
        rows = Program.objects.filter(institution_id=institution_id, fund_kind=FundKind.INFAK_RESTRICTED)
        if isinstance(value, int) and not isinstance(value, bool):
            program = rows.filter(pk=value).first() if 0 < value < 2**63 else None
        elif isinstance(value, str) and value.strip():
            text = value.strip()
            pk = program_id_of(text) or (int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None)
            program = rows.filter(pk=pk).first() if pk else None
            program = program or rows.filter(code__iexact=text).order_by("pk").first()
        else:
            program = None
        return None if program is None else self._purpose(program)

    def held_in(self, institution_id: int) -> list[Purpose]:
        """Every restricted-infak program of the institution, active or not: money given for one
        that has ended is still held for it."""
        programs = Program.objects.filter(institution_id=institution_id, fund_kind=FundKind.INFAK_RESTRICTED)
        return [self._purpose(p) for p in programs.order_by("name", "pk")]

    def names(self, keys: set[str]) -> dict[str, str]:
        ids = {pk for key in keys if (pk := program_id_of(key)) is not None}
        return {program_key(pk): name for pk, name in Program.objects.filter(pk__in=ids).values_list("pk", "name")}


def program_at(user, program_id: int, unit: Unit) -> Program:
    """A program the user sees, or one run by an office above ``unit`` (open to the units below it);
    404 otherwise."""
    program = (
        Program.objects.filter(subtree_q(user, "distribution.view") | Q(unit__path__in=unit.lineage_paths))
        .select_related("unit")
        .filter(pk=program_id)
        .first()
    )
    if program is None:
        raise Http404
    return program
