"""Setting up an institution's ledger: funds, chart of accounts, amil share rates."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record, diff
from satuatap.core.errors import Refusals
from satuatap.core.formatting import format_basis_points
from satuatap.ledger.chart import (
    AMIL_RATE_CAPS,
    AMIL_RATE_DEFAULTS,
    FUND_NAMES,
    AccountTemplate,
    cash_template,
    default_chart,
)
from satuatap.ledger.errors import AccountRefused, AmilRateAboveCap
from satuatap.ledger.models import (
    FUND_SPECIFIC_ROLES,
    ROLE_TYPE,
    UNIT_ROLES,
    Account,
    AccountRole,
    AmilRate,
    Asnaf,
    Fund,
    FundKind,
    JournalLine,
    ReceiptKind,
)
from satuatap.ledger.selectors.pillars import check_pillar
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require

ACCOUNT_CODE = re.compile(r"^[0-9A-Z][0-9A-Z.\-]{0,19}$")
UPDATABLE_FIELDS = ("code", "name", "is_active", "bank_name", "bank_account_number", "asnaf", "pillar", "receipt_kind")
# Fields that decide where a line belongs: fixed once the account has lines.
STRUCTURAL_FIELDS = ("asnaf", "pillar", "receipt_kind")


def _root(unit: Unit) -> Unit:
    return unit if unit.is_institution else Unit.objects.get(pk=unit.institution_id)


def _account_from(template: AccountTemplate, institution: Unit, unit: Unit | None = None) -> Account:
    return Account(
        institution=institution,
        code=template.code,
        name=template.name,
        type=ROLE_TYPE[template.role],
        role=template.role,
        fund_kind=template.fund_kind,
        unit=unit,
        receipt_kind=template.receipt_kind,
        asnaf=template.asnaf,
        pillar=template.pillar,
        from_fund_kind=template.from_fund_kind,
        system_key=template.system_key,
    )


@transaction.atomic
def chart_create_default(*, actor, institution: Unit) -> list[Account]:
    """Give the institution its funds, the default PSAK 109 chart, a cash account for every
    office and the default amil share rates. Safe to run again: it adds only what is
    missing (e.g. cash accounts of offices opened since). Returns the accounts created."""
    require(actor, "ledger.configure", institution)
    institution = _root(institution)
    Unit.objects.select_for_update().filter(pk=institution.pk).first()  # one setup at a time
    have_funds = set(Fund.objects.filter(institution=institution).values_list("kind", flat=True))
    Fund.objects.bulk_create(
        [Fund(institution=institution, kind=k, name=FUND_NAMES[k]) for k in FundKind.values if k not in have_funds]
    )
    have_rates = set(AmilRate.objects.filter(institution=institution).values_list("fund_kind", flat=True))
    AmilRate.objects.bulk_create(
        [
            AmilRate(institution=institution, fund_kind=k, basis_points=bp, updated_by=actor)
            for k, bp in AMIL_RATE_DEFAULTS.items()
            if k not in have_rates
        ]
    )
    existing = Account.objects.filter(institution=institution)
    have_codes = set(existing.values_list("code", flat=True))
    have_keys = set(existing.exclude(system_key="").values_list("system_key", flat=True))
    new = [
        _account_from(t, institution)
        for t in default_chart()
        if t.code not in have_codes and (not t.system_key or t.system_key not in have_keys)
    ]
    for unit in Unit.objects.filter(institution=institution, is_active=True).order_by("path"):
        template = cash_template(unit)
        if template.system_key in have_keys:
            continue
        code = template.code
        suffix = 1
        while code in have_codes:  # a hand-made account took the code
            suffix += 1
            code = f"{template.code}-{suffix}"[:20]
        new.append(
            _account_from(
                AccountTemplate(code, template.name, template.role, system_key=template.system_key), institution, unit
            )
        )
    created = bulk_create_with_history(new, Account, default_user=actor)
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.LEDGER_CHART_CREATED,
            target=institution,
            unit=institution,
            changes={"accounts": [None, len(created)]},
        )
    return created


def _clean_code(code) -> str:
    code = (code or "").strip().upper() if isinstance(code, str) else ""
    if not ACCOUNT_CODE.match(code):
        raise AccountRefused(
            _("Use 1 to 20 capital letters, digits, dots or dashes for the code (for example 5107 or 1100.BRA)."),
            field="code",
        )
    return code


def _check_choice(value: str, choices, field: str) -> str:
    if value and value not in choices.values:
        raise AccountRefused(_("Choose one of the listed values."), field=field)
    return value


_UNSET = object()


def account_fields_check(
    *,
    actor,
    institution: Unit,
    code=_UNSET,
    name=_UNSET,
    role=_UNSET,
    fund_kind: str = "",
    unit: Unit | None = None,
    bank_name: str = "",
    bank_account_number: str = "",
    receipt_kind: str = "",
    asnaf: str = "",
    pillar: str = "",
) -> None:
    """Refuse, naming every bad field at once, what ``account_create`` refuses of a new account's
    fields; a code, name or role left out is not checked (a form has refused it already)."""
    institution = _root(institution)
    refusals = Refusals()
    if code is not _UNSET:
        with refusals.check():
            code = _clean_code(code)
            if Account.objects.filter(institution=institution, code=code).exists():
                raise AccountRefused(_("Code %(code)s is already used in this chart.") % {"code": code}, field="code")
    if name is not _UNSET:
        with refusals.check():
            name = (name or "").strip()
            if not name or len(name) > 200:
                raise AccountRefused(_("Give the account a name of at most 200 characters."), field="name")
    if role is _UNSET:  # what follows depends on what the account is for
        refusals.raise_any(AccountRefused)
        return
    with refusals.check():
        if role not in AccountRole.values:
            raise AccountRefused(_("Choose what the account is for."), field="role")
        if role in (
            AccountRole.FUND_BALANCE,
            AccountRole.INTER_OFFICE,
            AccountRole.AMIL_SHARE_RECEIVED,
            AccountRole.AMIL_SHARE_PAID,
        ):
            raise AccountRefused(
                _("Accounts of this kind are part of the standard chart and cannot be added."), field="role"
            )
    with refusals.check():
        _check_choice(fund_kind, FundKind, "fund_kind")
        if role in FUND_SPECIFIC_ROLES and not fund_kind:
            raise AccountRefused(_("Say which fund this account belongs to."), field="fund_kind")
        if role not in FUND_SPECIFIC_ROLES and fund_kind:
            raise AccountRefused(_("Accounts of this kind are shared by all funds."), field="fund_kind")
    with refusals.check():
        _check_choice(receipt_kind, ReceiptKind, "receipt_kind")
    with refusals.check():
        _check_choice(asnaf, Asnaf, "asnaf")
        if asnaf and fund_kind != FundKind.ZAKAT:
            raise AccountRefused(_("Only zakat distributions are recorded by asnaf."), field="asnaf")
    if pillar:
        with refusals.check():
            check_pillar(institution.pk, pillar)
    with refusals.check():
        if role in UNIT_ROLES:
            if unit is None:
                raise AccountRefused(_("Say which office holds this cash or bank account."), field="unit")
            if unit.institution_id != institution.pk:
                raise AccountRefused(_("This office belongs to another institution."), field="unit")
            require(actor, "ledger.configure", unit)
        elif unit is not None:
            raise AccountRefused(_("Only cash and bank accounts belong to one office."), field="unit")
    with refusals.check():
        if role == AccountRole.BANK and not ((bank_name or "").strip() and (bank_account_number or "").strip()):
            raise AccountRefused(_("Give the bank's name and the account number."), field="bank_account_number")
    refusals.raise_any(AccountRefused)


@transaction.atomic
def account_create(
    *,
    actor,
    institution: Unit,
    code: str,
    name: str,
    role: str,
    fund_kind: str = "",
    unit: Unit | None = None,
    bank_name: str = "",
    bank_account_number: str = "",
    receipt_kind: str = "",
    asnaf: str = "",
    pillar: str = "",
) -> Account:
    """Add an account to the institution's chart. Its type follows from its role; receipt,
    distribution and fund balance accounts name their fund; cash and bank accounts their office.

    Finance or admin of the institution adds any account; of an office, only that office's
    cash and bank accounts."""
    require(actor, "ledger.configure", unit if role in UNIT_ROLES and unit is not None else institution)
    institution = _root(institution)
    account_fields_check(
        actor=actor,
        institution=institution,
        code=code,
        name=name,
        role=role,
        fund_kind=fund_kind,
        unit=unit,
        bank_name=bank_name,
        bank_account_number=bank_account_number,
        receipt_kind=receipt_kind,
        asnaf=asnaf,
        pillar=pillar,
    )
    code, name = _clean_code(code), (name or "").strip()
    account = Account(
        institution=institution,
        code=code,
        name=name,
        type=ROLE_TYPE[role],
        role=role,
        fund_kind=fund_kind,
        unit=unit,
        bank_name=(bank_name or "").strip(),
        bank_account_number=(bank_account_number or "").strip(),
        receipt_kind=receipt_kind,
        asnaf=asnaf,
        pillar=pillar,
    )
    account._history_user = actor
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise AccountRefused(_("Code %(code)s was just taken; choose another.") % {"code": code}, field="code")
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_ACCOUNT_CREATED,
        target=account,
        unit=account.unit or institution,
        changes={"code": [None, account.code], "name": [None, account.name], "role": [None, account.role]},
    )
    return account


@transaction.atomic
def account_update(*, actor, account: Account, **fields) -> Account:
    """Rename, recode, deactivate or reactivate an account. Accounts are never deleted;
    the ledger's own accounts stay active, and an account with lines keeps its classification."""
    require(actor, "ledger.configure", account.unit or _root(account.institution))
    account = Account.objects.select_for_update().get(pk=account.pk)
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise AccountRefused(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    refusals = Refusals()
    if "code" in fields:
        with refusals.check():
            fields["code"] = _clean_code(fields["code"])
            if (
                Account.objects.filter(institution_id=account.institution_id, code=fields["code"])
                .exclude(pk=account.pk)
                .exists()
            ):
                raise AccountRefused(
                    _("Code %(code)s is already used in this chart.") % {"code": fields["code"]}, field="code"
                )
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        with refusals.check():
            if not fields["name"] or len(fields["name"]) > 200:
                raise AccountRefused(_("Give the account a name of at most 200 characters."), field="name")
    with refusals.check():
        if fields.get("is_active") is False and account.is_system:
            raise AccountRefused(
                _("The ledger itself posts to this account; it cannot be deactivated."), field="is_active"
            )
    for field, choices in (("asnaf", Asnaf), ("receipt_kind", ReceiptKind)):
        if field in fields:
            with refusals.check():
                _check_choice(fields[field], choices, field)
    if fields.get("pillar"):
        with refusals.check():
            check_pillar(account.institution_id, fields["pillar"])
    refusals.raise_any(AccountRefused)
    structural = [f for f in STRUCTURAL_FIELDS if f in fields and fields[f] != getattr(account, f)]
    if structural and JournalLine.objects.filter(account=account).exists():
        raise AccountRefused(
            _("This account already has entries; its classification can no longer change."), field=structural[0]
        )
    before = {field: getattr(account, field) for field in fields}
    for field, value in fields.items():
        setattr(account, field, value)
    account._history_user = actor
    account.save()
    changes = diff(before, {field: getattr(account, field) for field in fields})
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.LEDGER_ACCOUNT_UPDATED,
            target=account,
            unit=account.unit or _root(account.institution),
            changes=changes,
        )
    return account


def amil_rate_check(*, fund_kind=_UNSET, basis_points=_UNSET) -> None:
    """Refuse, naming both at once, a fund that pays no amil share and a rate that is not whole basis
    points or is above the fund's cap; a value left out is not checked (a form has refused it already)."""
    refusals = Refusals()
    if fund_kind is not _UNSET:
        with refusals.check():
            if fund_kind not in AMIL_RATE_CAPS:
                raise AmilRateAboveCap(_("The amil share is not taken from this fund."), field="fund_kind")
    if basis_points is not _UNSET:
        with refusals.check():
            if isinstance(basis_points, bool) or not isinstance(basis_points, int) or basis_points < 0:
                raise AmilRateAboveCap(
                    _("Enter the rate as a whole number of basis points (1250 = 12.5%)."), field="basis_points"
                )
            cap = AMIL_RATE_CAPS.get(fund_kind)
            if cap is not None and basis_points > cap:
                raise AmilRateAboveCap(
                    _("The amil share of %(fund)s may be at most %(cap)s; %(rate)s is too high.")
                    % {
                        "fund": FundKind(fund_kind).label,
                        "cap": format_basis_points(cap),
                        "rate": format_basis_points(basis_points),
                    },
                    field="basis_points",
                )
    refusals.raise_any(AmilRateAboveCap)


@transaction.atomic
def amil_rate_set(*, actor, institution: Unit, fund_kind: str, basis_points: int) -> AmilRate:
    """Set the amil share of a fund's receipts, in basis points (1250 = 12.5%).

    Caps: zakat 12.5% (1/8), infak/sedekah and DSKL 20%; non-halal funds never pay the amil.
    """
    require(actor, "ledger.configure", institution)
    institution = _root(institution)
    amil_rate_check(fund_kind=fund_kind, basis_points=basis_points)
    rate = AmilRate.objects.select_for_update().filter(institution=institution, fund_kind=fund_kind).first()
    if rate is None:
        rate = AmilRate(institution=institution, fund_kind=fund_kind, basis_points=basis_points)
    old = rate.basis_points if rate.pk else None
    rate.basis_points = basis_points
    rate.updated_by = actor
    rate._history_user = actor
    rate.save()
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_AMIL_RATE_SET,
        target=rate,
        unit=institution,
        changes={"basis_points": [old, basis_points]},
    )
    return rate
