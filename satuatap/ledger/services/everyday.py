"""Everyday entries that finance makes without account codes (PSAK 109):

- bank interest or jasa giro received: non-halal money, into the non-halal fund;
- non-halal money used for public facilities (kemaslahatan umum), out of the non-halal fund;
- the amil fund's operating costs (salaries, rent, electricity and water, other).

Each is a manual entry made through ``manual_entry_draft``: a draft that an office head
approves, exactly as a manual entry with account codes. The service picks the accounts by
role (and, for operating costs, by the category's usual account); finance picks only the
office's cash or bank account the money went into or came out of.
"""

from datetime import date

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.errors import Refusals
from satuatap.core.money import is_whole_rupiah
from satuatap.ledger.errors import ChartMissing, EntryRefused
from satuatap.ledger.models import Account, AccountRole, FundKind, JournalEntry, ReceiptKind
from satuatap.ledger.services.journal import manual_entry_draft
from satuatap.ledger.services.lookups import check_money_account, receipt_accounts
from satuatap.ledger.services.posting import LineSpec, check_period_open
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


class AmilCostCategory(models.TextChoices):
    SALARIES = "salaries", gettext_lazy("Salaries and allowances")
    RENT = "rent", gettext_lazy("Rent")
    UTILITIES = "utilities", gettext_lazy("Electricity, water and telephone")
    OTHER = "other", gettext_lazy("Other operating costs")


# Words by which the usual account of a category is recognised in the chart (Indonesian and
# English names); the standard chart names them "Beban pegawai amil", "Beban umum dan
# administrasi amil" and "Beban amil lainnya".
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    AmilCostCategory.SALARIES: ("pegawai", "gaji", "karyawan", "salar", "staff", "employee"),
    AmilCostCategory.RENT: ("umum", "administrasi", "sewa", "general", "rent"),
    AmilCostCategory.UTILITIES: ("umum", "administrasi", "listrik", "utilit", "general"),
    AmilCostCategory.OTHER: ("lain", "other"),
}


_UNSET = object()


def everyday_fields_check(
    *,
    unit: Unit,
    entry_date=_UNSET,
    amount=_UNSET,
    money_account=_UNSET,
    category=_UNSET,
    purpose_account: Account | None = None,
    expense_account: Account | None = None,
) -> None:
    """Refuse what an everyday entry of ``unit`` refuses of these fields, naming every bad one at once:
    a closed month, an amount that is not positive whole rupiah, a money account of another office, a
    chosen account of the wrong kind. A field left out is not checked (a form has refused it already)."""
    refusals = Refusals()
    if entry_date is not _UNSET:
        with refusals.check():
            check_period_open(unit.institution_id, entry_date)
    if amount is not _UNSET:
        with refusals.check():
            if not is_whole_rupiah(amount):
                raise EntryRefused(_("Enter a positive whole number of rupiah."), field="amount")
    if money_account is not _UNSET:
        with refusals.check():
            if not isinstance(money_account, Account) or money_account.institution_id != unit.institution_id:
                raise EntryRefused(
                    _("Choose a cash or bank account of %(unit)s.") % {"unit": unit.name}, field="money_account"
                )
            check_money_account(money_account, unit, "money_account")
    if category is not _UNSET:
        with refusals.check():
            if category not in AmilCostCategory.values:
                raise EntryRefused(_("Choose what the cost was for."), field="category")
    with refusals.check():
        _chosen(purpose_account, unit, AccountRole.DISTRIBUTION, FundKind.NON_HALAL, "purpose_account")
    with refusals.check():
        _chosen(expense_account, unit, AccountRole.OPERATING_EXPENSE, FundKind.AMIL, "expense_account")
    refusals.raise_any(EntryRefused)


def _chosen(account: Account | None, unit: Unit, role: str, fund_kind: str, field: str) -> Account | None:
    if account is None:
        return None
    if (
        account.institution_id != unit.institution_id
        or account.role != role
        or account.fund_kind not in ("", fund_kind)
        or not account.is_active
    ):
        raise EntryRefused(_("This account cannot be used for this entry."), field=field)
    return account


def _memo(default: str, memo: str) -> str:
    memo = (memo or "").strip()
    return f"{default}: {memo}" if memo else default


def _two_line_draft(*, actor, unit, entry_date, memo, fund, debit: Account, credit: Account, amount: int):
    """The draft every everyday entry is: one account debited, one credited, in one fund."""
    return manual_entry_draft(
        actor=actor,
        unit=unit,
        entry_date=entry_date,
        memo=memo,
        lines=[LineSpec(debit, fund, debit=amount), LineSpec(credit, fund, credit=amount)],
    )


def _lowest_coded(institution_id: int, role: str, fund: str):
    """The active accounts of a role in a fund, lowest code first (the usual one is the first)."""
    return Account.objects.filter(institution_id=institution_id, role=role, fund_kind=fund, is_active=True).order_by(
        "code"
    )


@transaction.atomic
def bank_interest_draft(
    *, actor, unit: Unit, entry_date: date, amount: int, money_account: Account, memo: str = ""
) -> JournalEntry:
    """Bank interest or jasa giro credited to an account of the office is non-halal money: it goes
    into the non-halal fund (never to the amil or the asnaf). A draft for an office head to approve."""
    require(actor, "ledger.post", unit)
    everyday_fields_check(unit=unit, entry_date=entry_date, amount=amount, money_account=money_account)
    money = money_account
    receipt = receipt_accounts(unit.institution_id).get((FundKind.NON_HALAL, ReceiptKind.BANK_INTEREST))
    if receipt is None:
        raise ChartMissing(
            _("The chart of accounts has no active receipt account for bank interest in the non-halal fund."),
            field="money_account",
        )
    return _two_line_draft(
        actor=actor,
        unit=unit,
        entry_date=entry_date,
        memo=_memo(_("Bank interest / jasa giro"), memo),
        fund=FundKind.NON_HALAL,
        debit=money,
        credit=receipt,
        amount=amount,
    )


@transaction.atomic
def non_halal_use_draft(
    *,
    actor,
    unit: Unit,
    entry_date: date,
    amount: int,
    money_account: Account,
    purpose_account: Account | None = None,
    memo: str = "",
) -> JournalEntry:
    """Non-halal money spent on public facilities (kemaslahatan umum): out of the non-halal fund,
    by default to its lowest-coded distribution account. A draft for an office head to approve;
    approval is refused if the office holds less non-halal money than ``amount``."""
    require(actor, "ledger.post", unit)
    everyday_fields_check(
        unit=unit, entry_date=entry_date, amount=amount, money_account=money_account, purpose_account=purpose_account
    )
    money, purpose = money_account, purpose_account
    if purpose is None:
        purpose = _lowest_coded(unit.institution_id, AccountRole.DISTRIBUTION, FundKind.NON_HALAL).first()
    if purpose is None or purpose.fund_kind != FundKind.NON_HALAL:
        raise ChartMissing(
            _("The chart of accounts has no active distribution account of the non-halal fund."),
            field="purpose_account",
        )
    return _two_line_draft(
        actor=actor,
        unit=unit,
        entry_date=entry_date,
        memo=_memo(_("Non-halal funds used for public facilities"), memo),
        fund=FundKind.NON_HALAL,
        debit=purpose,
        credit=money,
        amount=amount,
    )


def amil_cost_account(institution_id: int, category: str) -> Account | None:
    """The usual account of a category of amil operating costs: the lowest-coded active operating
    expense account of the amil fund whose name speaks of the category, else the lowest-coded one."""
    accounts = list(_lowest_coded(institution_id, AccountRole.OPERATING_EXPENSE, FundKind.AMIL))
    words = CATEGORY_WORDS.get(category, ())
    named = [a for a in accounts if any(word in a.name.lower() for word in words)]
    return (named or accounts or [None])[0]


@transaction.atomic
def amil_cost_draft(
    *,
    actor,
    unit: Unit,
    entry_date: date,
    amount: int,
    category: str,
    money_account: Account,
    expense_account: Account | None = None,
    memo: str = "",
) -> JournalEntry:
    """An operating cost of the amil (salaries, rent, electricity and water, other), paid from
    the amil fund only, as PSAK 109 requires; booked to the category's usual account unless
    finance names another operating-expense account. A draft for an office head to approve."""
    require(actor, "ledger.post", unit)
    everyday_fields_check(
        unit=unit,
        entry_date=entry_date,
        amount=amount,
        money_account=money_account,
        category=category,
        expense_account=expense_account,
    )
    money = money_account
    expense = expense_account or amil_cost_account(unit.institution_id, category)
    if expense is None:
        raise ChartMissing(
            _("The chart of accounts has no active operating expense account of the amil fund."),
            field="expense_account",
        )
    return _two_line_draft(
        actor=actor,
        unit=unit,
        entry_date=entry_date,
        memo=_memo(str(AmilCostCategory(category).label), memo),
        fund=FundKind.AMIL,
        debit=expense,
        credit=money,
        amount=amount,
    )
