"""The rules of posting, the same for every way an entry is written: what a line must be
(``resolve_lines``, ``validate_lines``), the fingerprint of an entry's content, the open month
(``check_period_open``, ``period_row``), who may post (``check_works_in``), a replayed request key
(``existing_entry``, ``replay_or_conflict``) and ``fund_positions_hold`` for other apps.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from satuatap.core.errors import NotAllowed
from satuatap.core.formatting import rupiah
from satuatap.core.money import is_whole_rupiah
from satuatap.ledger.errors import (
    EntryRefused,
    EntryUnbalanced,
    IdempotencyConflict,
    PeriodClosed,
    UnknownAccount,
)
from satuatap.ledger.models import (
    Account,
    AccountRole,
    EntryStatus,
    Fund,
    FundPosition,
    JournalEntry,
    Period,
    Source,
)
from satuatap.ledger.services.lookups import chart_snapshot
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import roles_on

EXTERNAL_SOURCES = frozenset({Source.DONATION, Source.DISBURSEMENT, Source.STOCK, Source.REPAYMENT})
# Entries of these (flow) sources may not take a fund of a unit below zero: money that goes out
# (a disbursement, a transfer, the amil share taken from a fund) and manual corrections.
GUARDED_SOURCES = frozenset({Source.DISBURSEMENT, Source.TRANSFER, Source.AMIL_SHARE, Source.MANUAL})
MAX_LINES = 5000
MAX_RESTRICTION = 64


@dataclass(frozen=True)
class LineSpec:
    """One proposed line. ``account`` is a code or an ``Account``; ``fund`` a ``FundKind`` value or a ``Fund``.

    ``unit`` defaults to the entry's unit. ``restriction`` names the program or
    campaign a restricted infak/sedekah line is tied to (required for that fund,
    empty for the others). Exactly one of ``debit``/``credit`` is a positive whole
    number of rupiah.
    """

    account: "str | Account"
    fund: "str | Fund"
    debit: int = 0
    credit: int = 0
    unit: Unit | None = None
    restriction: str = ""
    memo: str = ""
    counterparty: Unit | None = None  # inter-office lines only (set by transfer_post)

    def as_json(self) -> dict:
        """Plain form kept in a draft's ``draft_lines``."""
        account = self.account.code if isinstance(self.account, Account) else self.account
        fund = self.fund.kind if isinstance(self.fund, Fund) else self.fund
        return {
            "account": account,
            "fund": fund,
            "debit": self.debit,
            "credit": self.credit,
            "unit": self.unit.pk if self.unit is not None else None,
            "restriction": self.restriction,
            "memo": self.memo,
        }


@dataclass
class ResolvedLine:
    account: Account
    fund: Fund
    unit: Unit
    restriction: str
    counterparty: Unit | None
    debit: int
    credit: int
    memo: str

    @property
    def key(self) -> tuple:
        cp = self.counterparty.pk if self.counterparty is not None else 0
        return (self.account.pk, self.fund.pk, self.unit.pk, self.restriction, cp, self.debit, self.credit, self.memo)


class StaleChart(Exception):
    """Internal: an account changed between its look-up and the posting statement; nothing was written."""


def _line_error(number: int, message: str, cls=EntryRefused):
    return cls(_("Line %(number)s: %(message)s") % {"number": number, "message": message}, field="lines")


def resolve_lines(
    institution_id: int,
    entry_unit: Unit,
    specs,
    *,
    units: dict | None = None,
    cached: bool = False,
    refresh: bool = False,
) -> list[ResolvedLine]:
    """Look up the accounts, funds and units the specs name. Unknown names are refused here;
    the bookkeeping rules are checked by ``validate_lines``.

    ``cached`` reads accounts and funds from this process's copy of the chart
    (``chart_snapshot``); only the PostgreSQL posting statement may use it, because it
    re-checks every account it writes against the table (see ``_insert_posted_pg``).
    ``refresh`` re-reads accounts given as objects (they may come from that copy).
    """
    if not isinstance(specs, (list, tuple)) or not all(isinstance(s, LineSpec) for s in specs):
        raise EntryRefused(_("The lines of an entry must be given as a list of lines."), field="lines")
    if len(specs) > MAX_LINES:
        raise EntryRefused(_("An entry may have at most %(max)s lines.") % {"max": MAX_LINES}, field="lines")
    codes = {s.account for s in specs if isinstance(s.account, str)}
    given = {s.account.pk for s in specs if isinstance(s.account, Account)}
    if given and refresh:
        # Accounts handed over as objects may come from the cached chart: read them afresh.
        fresh = Account.objects.in_bulk(given)
        specs = [replace(s, account=fresh.get(s.account.pk, s.account)) if isinstance(s.account, Account) else s
                 for s in specs]  # fmt: skip
    chart = chart_snapshot(institution_id) if cached else None
    if chart is not None and codes <= chart.accounts.keys():
        accounts, funds = chart.accounts, chart.funds
    else:
        accounts = (
            {a.code: a for a in Account.objects.filter(institution_id=institution_id, code__in=codes)} if codes else {}
        )
        funds = {f.kind: f for f in Fund.objects.filter(institution_id=institution_id)}
    units = units or {}
    resolved = []
    for number, spec in enumerate(specs, start=1):
        account: Account | None
        fund: Fund | None
        if isinstance(spec.account, Account):
            account = spec.account
            if account.institution_id != institution_id:
                raise _line_error(number, _("the account belongs to another institution."), UnknownAccount)
        else:
            account = accounts.get(spec.account)
            if account is None:
                raise _line_error(
                    number,
                    _("there is no account with code %(code)s in this institution's chart.") % {"code": spec.account},
                    UnknownAccount,
                )
        if isinstance(spec.fund, Fund):
            fund = spec.fund
            if fund.institution_id != institution_id:
                raise _line_error(number, _("the fund belongs to another institution."))
        else:
            fund = funds.get(spec.fund)
            if fund is None:
                raise _line_error(number, _("there is no fund %(fund)s in this institution.") % {"fund": spec.fund})
        unit = spec.unit if spec.unit is not None else entry_unit
        if isinstance(unit, int):  # drafts store unit ids
            unit = units.get(unit) or Unit.objects.filter(pk=unit).first()
            if unit is None:
                raise _line_error(number, _("the unit does not exist."))
        if unit.institution_id != institution_id:
            raise _line_error(number, _("the unit belongs to another institution."))
        if spec.counterparty is not None and spec.counterparty.institution_id != institution_id:
            raise _line_error(number, _("the other office belongs to another institution."))
        resolved.append(
            ResolvedLine(
                account=account,
                fund=fund,
                unit=unit,
                restriction=spec.restriction,
                counterparty=spec.counterparty,
                debit=spec.debit,
                credit=spec.credit,
                memo=spec.memo or "",
            )
        )
    return resolved


def validate_lines(lines: list[ResolvedLine], *, inter_office: bool = False, mirror: bool = False) -> int:
    """Check every bookkeeping rule of an entry's lines; return the entry's total.

    Inter-office accounts are posted only by transfers (``inter_office=True``),
    because consolidation eliminates them by the office on the other side. The
    lines of each unit balance per fund too, so that every office's own books add
    up: money moves between offices only through the inter-office lines of a
    transfer. A reversal (``mirror=True``) may use accounts and units deactivated
    since, and mirrors its entry as it was posted.
    """
    if len(lines) < 2:
        raise EntryUnbalanced(_("An entry needs at least two lines."), field="lines")
    per_fund: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    per_unit: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    total_debit = total_credit = 0
    for number, line in enumerate(lines, start=1):
        if any(isinstance(amount, bool) or not isinstance(amount, int) for amount in (line.debit, line.credit)):
            raise _line_error(number, _("amounts must be whole rupiah."))
        if line.debit < 0 or line.credit < 0:
            raise _line_error(number, _("amounts cannot be negative."))
        if (line.debit > 0) == (line.credit > 0):
            raise _line_error(number, _("enter either a debit or a credit, not both and not neither."))
        if not is_whole_rupiah(line.debit + line.credit):  # the one amount of the line, at most MAX_RUPIAH
            raise _line_error(number, _("the amount is too large."))
        account = line.account
        if not account.is_active and not mirror:
            raise _line_error(
                number, _("account %(code)s is no longer in use.") % {"code": account.code}, UnknownAccount
            )
        if account.fund_kind and account.fund_kind != line.fund.kind:
            raise _line_error(
                number,
                _("account %(code)s belongs to %(account_fund)s and cannot take a line of %(fund)s.")
                % {"code": account.code, "account_fund": account.get_fund_kind_display(), "fund": line.fund.name},
            )
        if account.unit_id is not None and account.unit_id != line.unit.pk:
            raise _line_error(
                number,
                _("account %(code)s belongs to another office than %(unit)s.")
                % {"code": account.code, "unit": line.unit.name},
            )
        if not line.unit.is_active and not mirror:
            raise _line_error(number, _("%(unit)s is no longer active.") % {"unit": line.unit.name})
        if not isinstance(line.restriction, str) or len(line.restriction) > MAX_RESTRICTION:
            raise _line_error(number, _("the program reference must be text of at most 64 characters."))
        line.restriction = line.restriction.strip()
        if line.fund.is_restricted and not line.restriction:
            raise _line_error(number, _("restricted infak/sedekah must name the program or campaign it is for."))
        if not line.fund.is_restricted and line.restriction:
            raise _line_error(number, _("only restricted infak/sedekah can name a program or campaign."))
        is_inter_office = account.role == AccountRole.INTER_OFFICE
        if is_inter_office and not inter_office:
            raise _line_error(number, _("inter-office accounts are posted only by transfers between offices."))
        if is_inter_office and (line.counterparty is None or line.counterparty.pk == line.unit.pk):
            raise _line_error(number, _("an inter-office line must name the other office."))
        if not is_inter_office and line.counterparty is not None:
            raise _line_error(number, _("only inter-office lines name another office."))
        if len(line.memo) > 200:
            raise _line_error(number, _("the line memo is longer than 200 characters."))
        per_fund[(line.fund.name, line.restriction)][0] += line.debit
        per_fund[(line.fund.name, line.restriction)][1] += line.credit
        per_unit[(line.unit.pk, line.fund.name, line.restriction)][0] += line.debit
        per_unit[(line.unit.pk, line.fund.name, line.restriction)][1] += line.credit
        total_debit += line.debit
        total_credit += line.credit
    if total_debit != total_credit:
        raise EntryUnbalanced(
            _("Debits (%(debit)s) and credits (%(credit)s) must be equal.")
            % {"debit": rupiah(total_debit), "credit": rupiah(total_credit)},
            field="lines",
        )
    for (fund_name, restriction), (debit, credit) in sorted(per_fund.items()):
        if debit != credit:
            name = f"{fund_name} ({restriction})" if restriction else fund_name
            raise EntryUnbalanced(
                _("The lines of %(fund)s do not balance: debits %(debit)s, credits %(credit)s. Each fund must balance.")
                % {"fund": name, "debit": rupiah(debit), "credit": rupiah(credit)},
                field="lines",
            )
    if not mirror:
        units = {line.unit.pk: line.unit for line in lines}
        for (unit_id, fund_name, restriction), (debit, credit) in sorted(per_unit.items()):
            if debit != credit:
                name = f"{fund_name} ({restriction})" if restriction else fund_name
                raise EntryUnbalanced(
                    _(
                        "The lines of %(unit)s in %(fund)s do not balance: debits %(debit)s, credits %(credit)s. "
                        "Each office's lines must balance per fund; move money between offices with a transfer."
                    )
                    % {"unit": units[unit_id].name, "fund": name, "debit": rupiah(debit), "credit": rupiah(credit)},
                    field="lines",
                )
    return total_debit


def fingerprint(*, unit_id: int, entry_date: date, source: str, source_ref: str, memo: str, lines) -> str:
    """Hash of an entry's content; a replayed key must bring the same one."""
    payload = [unit_id, entry_date.isoformat(), source, source_ref, memo, sorted(line.key for line in lines)]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _fetch_period(queryset, lock: str):
    if lock == "update":
        return queryset.select_for_update().first()
    if lock == "share" and connection.vendor == "postgresql":
        sql, params = queryset.order_by().query.sql_with_params()
        rows = list(Period.objects.raw(f"{sql} FOR SHARE", params))
        return rows[0] if rows else None
    return queryset.first()  # SQLite: the whole database is locked by the writing transaction


def period_row(institution_id: int, year: int, month: int, *, lock: str = "share") -> Period:
    """The period row (month 0 = the year), created open if missing, locked as asked ("share"/"update")."""
    queryset = Period.objects.filter(institution_id=institution_id, year=year, month=month)
    row = _fetch_period(queryset, lock)
    if row is None:
        Period.objects.bulk_create(
            [Period(institution_id=institution_id, year=year, month=month)], ignore_conflicts=True
        )
        row = _fetch_period(queryset, lock)
    return row


def check_period_open(institution_id: int, entry_date: date) -> None:
    if not isinstance(entry_date, date):
        raise EntryRefused(_("Enter a valid date."), field="entry_date")
    row = period_row(institution_id, entry_date.year, entry_date.month, lock="share")
    if row.is_closed:
        raise PeriodClosed(
            _("The books for %(period)s are closed; post this in an open month.") % {"period": str(row)},
            field="entry_date",
        )


def fund_positions_hold(unit, fund_kind: str, *, on: date, restriction: str = "") -> None:
    """Hold a fund's positions at ``unit`` until the transaction ends, in posting's lock order: the
    month's period row first (shared, as ``entry_post`` takes it), then the ``FundPosition`` rows.

    The one way another app makes a check of what a fund holds and the posting that spends it one
    step (a purchase into the goods stock): a second caller waits here, and a close of the month
    waits for both, so neither ever waits for the other in the opposite order.
    """
    check_period_open(unit.institution_id, on)
    list(
        FundPosition.objects.select_for_update()
        .filter(unit=unit, fund__kind=fund_kind, restriction=restriction)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def existing_entry(institution_id: int, idempotency_key: str) -> JournalEntry | None:
    return JournalEntry.objects.filter(institution_id=institution_id, idempotency_key=idempotency_key).first()


def replay_or_conflict(existing: JournalEntry, print_: str) -> JournalEntry:
    if existing.status == EntryStatus.POSTED and existing.fingerprint == print_:
        existing.replayed = True
        return existing
    raise IdempotencyConflict(
        _("This request key was already used for a different entry (#%(pk)s); nothing was posted.")
        % {"pk": existing.pk},
        field="idempotency_key",
    )


def check_works_in(actor, units) -> None:
    """The actor must hold a role other than auditor on every unit (system callers pass ``actor=None``)."""
    if actor is None:
        return
    for unit in units:
        if not roles_on(actor, unit) - {Role.AUDITOR}:
            raise NotAllowed(_("You do not work in %(unit)s.") % {"unit": unit.name})
