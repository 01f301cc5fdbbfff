"""Writes of distribution: programs and authority limits."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries.models import DocumentKind
from satuatap.core.asnaf import Asnaf
from satuatap.core.errors import NotAllowed, Refusals
from satuatap.core.text import squash
from satuatap.distribution.errors import DistributionRefused, clean_text, whole_rupiah
from satuatap.distribution.models import (
    PROGRAM_FUNDS,
    AidKind,
    AuthorityLimit,
    Program,
)
from satuatap.ledger.models import FundKind, LedgerBalance
from satuatap.ledger.selectors import pillars_of
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import active_memberships, require

# The asnaf a program may name: amil is paid through the amil share, not through programs.
PROGRAM_ASNAF = tuple(a for a in Asnaf.values if a != Asnaf.AMIL)


# --- programs and authority limits ----------------------------------------------------------------


@transaction.atomic
def program_save(*, actor, unit: Unit, program: Program | None = None, **fields) -> Program:
    """Create a program of ``unit`` (or change ``program``): fund, pillar, asnaf for zakat, budget,
    period, kind of aid and the eligibility and fair-share rules."""
    require(actor, "distribution.configure", unit)
    refusals = Refusals()
    code = name = ""
    with refusals.check():
        code = clean_text(fields.get("code"), "code", 40, required=True, message=_("Give the program a short code."))
        if not code.replace("-", "").isalnum() or code.lower() != code:
            raise DistributionRefused(_("A code is lower-case letters, digits and dashes."), field="code")
    with refusals.check():
        name = clean_text(fields.get("name"), "name", 200, required=True, message=_("Name the program."))
    with refusals.check():
        if fields.get("pillar") not in dict(pillars_of(unit.institution_id)):
            raise DistributionRefused(_("Choose a pillar."), field="pillar")
    fund_kind = fields.get("fund_kind")
    with refusals.check():
        if fund_kind not in PROGRAM_FUNDS:
            raise DistributionRefused(_("Choose the fund the program spends."), field="fund_kind")
    asnaf = sorted(set(fields.get("asnaf") or []))
    if fund_kind == FundKind.ZAKAT:
        with refusals.check():
            if not asnaf:
                raise DistributionRefused(_("A zakat program names the asnaf it may help."), field="asnaf")
            if not set(asnaf) <= set(PROGRAM_ASNAF):
                raise DistributionRefused(
                    _("Choose asnaf from the list (amil is paid through the amil share)."), field="asnaf"
                )
    else:
        asnaf = []
    with refusals.check():
        if fields.get("aid_kind", AidKind.CASH) not in AidKind.values:
            raise DistributionRefused(_("Choose the kind of aid."), field="aid_kind")
    start, end = fields.get("start_date"), fields.get("end_date")
    with refusals.check():
        if not isinstance(start, date) or not isinstance(end, date) or end < start:
            raise DistributionRefused(_("Give a start date and an end date on or after it."), field="end_date")
    min_score = fields.get("min_score")
    with refusals.check():
        if min_score is not None and not (isinstance(min_score, int) and 0 <= min_score <= 100):
            raise DistributionRefused(_("A need score is between 0 and 100."), field="min_score")
    once = fields.get("once_per_months")
    with refusals.check():
        if once is not None and not (isinstance(once, int) and 1 <= once <= 120):
            raise DistributionRefused(_("Give a number of months between 1 and 120."), field="once_per_months")
    cap = fields.get("household_yearly_cap")
    regions = [squash(str(r)) for r in fields.get("regions") or [] if str(r).strip()]
    with refusals.check():
        if len(regions) > 50 or any(len(r) > 100 for r in regions):
            raise DistributionRefused(_("Name at most 50 regions of at most 100 characters each."), field="regions")
    documents = sorted(set(fields.get("required_documents") or []))
    with refusals.check():
        if not set(documents) <= set(DocumentKind.values):
            raise DistributionRefused(_("Choose documents from the list."), field="required_documents")
    installments = fields.get("installments")
    if fields.get("aid_kind") == AidKind.LOAN:
        with refusals.check():
            if not (isinstance(installments, int) and 1 <= installments <= 120):
                raise DistributionRefused(
                    _("A loan program says in how many monthly installments (1 to 120) it is repaid."),
                    field="installments",
                )
    else:
        installments = None
    budget = household_yearly_cap = None
    with refusals.check():
        budget = whole_rupiah(fields.get("budget"), "budget", allow_zero=True)
    with refusals.check():
        household_yearly_cap = None if cap in (None, "") else whole_rupiah(cap, "household_yearly_cap")
    with refusals.check():
        taken = Program.objects.filter(institution_id=unit.institution_id, code=code)
        if program is not None:
            taken = taken.exclude(pk=program.pk)
        if code and taken.exists():
            raise DistributionRefused(_("Another program already has this code."), field="code")
    refusals.raise_any(DistributionRefused)
    values = {
        "code": code,
        "name": name,
        "pillar": fields["pillar"],
        "fund_kind": fund_kind,
        "asnaf": asnaf,
        "aid_kind": fields.get("aid_kind", AidKind.CASH),
        "budget": budget,
        "target_people": max(int(fields.get("target_people") or 0), 0),
        "start_date": start,
        "end_date": end,
        "min_score": min_score,
        "once_per_months": once,
        "household_yearly_cap": household_yearly_cap,
        "step_days": min(max(int(fields.get("step_days") or 7), 1), 90),
        "regions": regions,
        "required_documents": documents,
        "is_public": bool(fields.get("is_public", False)),
        "installments": installments,
        "is_active": bool(fields.get("is_active", True)),
    }
    if program is None:
        program = Program(institution_id=unit.institution_id, unit=unit, created_by=actor)
    elif program.unit_id != unit.pk:
        raise NotAllowed(_("This program belongs to another unit."))
    else:
        _check_keeps_its_money(program, fund_kind)
    for name_, value in values.items():
        setattr(program, name_, value)
    program.save()
    audit_record(
        actor=actor,
        action=AuditAction.PROGRAM_SAVED,
        target=program,
        unit=unit,
        changes={"budget": [None, program.budget], "fund": [None, program.fund_kind]},
    )
    return program


def _check_keeps_its_money(program: Program, fund_kind: str) -> None:
    """A program's fund stays as it is once applications or money ride on it: approvals were checked
    against that fund, loans are repaid into it, and gifts for a restricted-infak program are held
    under the program itself (``Program.restriction``), so its code may change but not its fund."""
    if fund_kind == program.fund_kind:
        return
    field = "fund_kind"
    if program.applications.exists():
        raise DistributionRefused(
            _(
                "This program already has applications, so its fund and the code of its restricted money "
                "stay as they are. End it and open a new program instead."
            ),
            field=field,
        )
    if (
        program.restriction
        and LedgerBalance.objects.filter(
            institution_id=program.institution_id, fund__kind=FundKind.INFAK_RESTRICTED, restriction=program.restriction
        ).exists()
    ):
        raise DistributionRefused(
            _(
                "Infak was already given for this program, so its fund stays as it is. "
                "End it and open a new program instead."
            ),
            field=field,
        )


@transaction.atomic
def authority_limit_set(*, actor, unit: Unit, role: str, max_amount: int | None) -> AuthorityLimit | None:
    """Set up to which amount ``role`` approves at ``unit`` and below; ``None`` removes the limit.
    Nobody sets the limit of a role they hold at ``unit`` or below (it would be their own): an office
    above sets it, but at the institution's top office, whose administrators have nobody above."""
    require(actor, "distribution.configure", unit)
    refusals = Refusals()  # the role and the amount at once
    with refusals.check():
        if role not in (Role.HEAD, Role.PROGRAM, Role.FINANCE, Role.ADMIN):
            raise DistributionRefused(_("Choose a role that approves."), field="role")
    with refusals.check():
        if max_amount is not None:
            whole_rupiah(max_amount, "max_amount")
    refusals.raise_any(DistributionRefused)
    own = any(m.role == role and m.unit.path.startswith(unit.path) for m in active_memberships(actor))
    if own and unit.pk != unit.institution_id:
        raise NotAllowed(
            _("You hold this role at %(unit)s or below, so this limit would be your own; an office above sets it.")
            % {"unit": unit.name}
        )
    if max_amount is None:
        AuthorityLimit.objects.filter(unit=unit, role=role).delete()
        limit = None
    else:
        limit, _created = AuthorityLimit.objects.update_or_create(
            unit=unit, role=role, defaults={"max_amount": whole_rupiah(max_amount, "max_amount"), "created_by": actor}
        )
    audit_record(
        actor=actor,
        action=AuditAction.AUTHORITY_LIMIT_SET,
        target=unit,
        unit=unit,
        changes={role: [None, max_amount]},
    )
    return limit
