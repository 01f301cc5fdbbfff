"""Closing months and years, and importing a unit's opening balances."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.core.errors import Refusals
from satuatap.core.formatting import format_date
from satuatap.ledger.chart import fund_balance_key
from satuatap.ledger.errors import EntryRefused, OpeningBalanceExists, PeriodClosed, PeriodRefused
from satuatap.ledger.models import (
    NOMINAL_ROLES,
    Account,
    EntryStatus,
    Fund,
    FundKind,
    JournalEntry,
    LedgerBalance,
    OpeningBalance,
    Period,
    Source,
)
from satuatap.ledger.services.lookups import system_accounts
from satuatap.ledger.services.posting import (
    LineSpec,
    ResolvedLine,
    check_period_open,
    period_row,
    post_lines,
    resolve_lines,
    validate_lines,
)
from satuatap.ledger.services.restrictions import restricted_specs
from satuatap.organizations.models import Unit
from satuatap.organizations.permissions import require


def _root(unit: Unit) -> Unit:
    return unit if unit.is_institution else Unit.objects.get(pk=unit.institution_id)


@transaction.atomic
def period_close(*, actor, institution: Unit, year: int, month: int | None = None) -> Period:
    """Close a month, or (``month=None``) a whole year, for the institution; nothing more can be posted in it.

    Closing a year closes its twelve months and posts, per unit, a closing entry
    (source close, dated 31 December) moving the year's receipts, distributions
    and inter-office balances into each fund's balance account. A year can be
    closed only after the year before it, if that year has entries.
    """
    # Closing affects the whole institution: the role must be held on its root.
    institution = _root(institution)
    require(actor, "ledger.close", institution)
    if not isinstance(year, int) or not 2000 <= year <= 2200:
        raise PeriodRefused(_("Choose a valid year."), field="year")
    if month is not None and (not isinstance(month, int) or not 1 <= month <= 12):
        raise PeriodRefused(_("Choose a month from 1 to 12."), field="month")
    now = timezone.now()
    year_row = period_row(institution.pk, year, 0, lock="update")
    if year_row.is_closed:
        raise PeriodRefused(_("The year %(year)s is already closed.") % {"year": year})
    if month is not None:
        row = period_row(institution.pk, year, month, lock="update")
        if row.is_closed:
            raise PeriodRefused(_("%(period)s is already closed.") % {"period": str(row)})
        row.is_closed, row.closed_at, row.closed_by = True, now, actor
        row.save(update_fields=["is_closed", "closed_at", "closed_by"])
        audit_record(
            actor=actor,
            action=AuditAction.LEDGER_PERIOD_CLOSED,
            target=row,
            unit=institution,
            changes={"year": [None, year], "month": [None, month], "is_closed": [False, True]},
        )
        return row

    months = [period_row(institution.pk, year, m, lock="update") for m in range(1, 13)]
    previous_has_entries = JournalEntry.objects.filter(
        institution=institution, status=EntryStatus.POSTED, entry_date__year=year - 1
    ).exists()
    previous_closed = Period.objects.filter(institution=institution, year=year - 1, month=0, is_closed=True).exists()
    if previous_has_entries and not previous_closed:
        raise PeriodRefused(_("Close the year %(year)s first.") % {"year": year - 1})
    _post_closing_entries(actor, institution, year)
    for row in [*months, year_row]:
        row.is_closed, row.closed_at, row.closed_by = True, now, actor
    Period.objects.bulk_update([*months, year_row], ["is_closed", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_PERIOD_CLOSED,
        target=year_row,
        unit=institution,
        changes={"year": [None, year], "is_closed": [False, True]},
    )
    return year_row


def _post_closing_entries(actor, institution: Unit, year: int) -> None:
    rows = (
        LedgerBalance.objects.filter(institution=institution, year=year, account__role__in=list(NOMINAL_ROLES))
        .values("unit_id", "account_id", "fund_id", "restriction", "counterparty_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by("unit_id", "account_id", "fund_id", "restriction", "counterparty_id")
    )
    per_unit: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        if row["debit"] != row["credit"]:
            per_unit[row["unit_id"]].append(row)
    if not per_unit:
        return
    account_ids = {r["account_id"] for rs in per_unit.values() for r in rs}
    accounts = Account.objects.in_bulk(account_ids)
    funds = {f.pk: f for f in Fund.objects.filter(institution=institution)}
    fund_balances = system_accounts(institution.pk, [fund_balance_key(k) for k in FundKind.values])
    unit_ids = set(per_unit) | {r["counterparty_id"] for rs in per_unit.values() for r in rs if r["counterparty_id"]}
    units = Unit.objects.in_bulk(unit_ids)
    closing_date = date(year, 12, 31)
    for unit_id, unit_rows in sorted(per_unit.items()):
        unit = units[unit_id]
        lines = []
        offsets: dict[tuple, int] = defaultdict(int)
        for row in unit_rows:
            balance = row["debit"] - row["credit"]  # debit-positive
            fund = funds[row["fund_id"]]
            counterparty = units.get(row["counterparty_id"]) if row["counterparty_id"] else None
            lines.append(
                ResolvedLine(
                    accounts[row["account_id"]],
                    fund,
                    unit,
                    row["restriction"],
                    counterparty,
                    max(-balance, 0),
                    max(balance, 0),
                    "",
                )
            )
            offsets[(fund.pk, row["restriction"])] += balance
        for (fund_id, restriction), balance in sorted(offsets.items()):
            if balance:
                fund = funds[fund_id]
                lines.append(
                    ResolvedLine(
                        fund_balances[fund_balance_key(fund.kind)],
                        fund,
                        unit,
                        restriction,
                        None,
                        max(balance, 0),
                        max(-balance, 0),
                        "",
                    )
                )
        post_lines(
            actor=actor,
            unit=unit,
            entry_date=closing_date,
            source=Source.CLOSE,
            source_ref=str(year),
            idempotency_key=f"close:{year}:{unit.pk}",
            memo=_("Year-end close %(year)s") % {"year": year},
            lines=lines,
            inter_office=True,
            mirror=True,
            period_locked=True,
        )


_UNSET = object()


def opening_balance_check(*, unit: Unit, as_of=_UNSET, rows=_UNSET) -> list[ResolvedLine] | None:
    """Refuse, naming every problem at once, opening balances of ``unit``: a date in a closed month,
    balances already imported, and the rows (accounts, funds, balance); the rows resolved, if given.
    A value left out is not checked (a form has refused it already)."""
    refusals = Refusals()
    if as_of is not _UNSET:
        with refusals.check():
            if not isinstance(as_of, date):
                raise EntryRefused(_("Enter a valid date."), field="as_of")
            try:
                check_period_open(unit.institution_id, as_of)
            except PeriodClosed as exc:
                raise PeriodClosed(exc.messages[0], field="as_of") from None
    with refusals.check():
        if OpeningBalance.objects.filter(unit=unit).exists():
            raise OpeningBalanceExists(
                _("The opening balances of %(unit)s were already imported; correct them with a manual entry.")
                % {"unit": unit.name}
            )
    resolved = None
    if rows is not _UNSET:
        with refusals.check():
            rows = restricted_specs(unit.institution_id, rows, field="rows")
            resolved = resolve_lines(unit.institution_id, unit, rows)
            for number, line in enumerate(resolved, start=1):
                if line.unit.pk != unit.pk:
                    raise EntryRefused(
                        _("Line %(number)s: opening balances are imported for one unit at a time.")
                        % {"number": number},
                        field="rows",
                    )
                if line.account.role in NOMINAL_ROLES:
                    raise EntryRefused(
                        _("Line %(number)s: opening balances go to asset, liability and fund balance accounts.")
                        % {"number": number},
                        field="rows",
                    )
            validate_lines(resolved)
    refusals.raise_any(EntryRefused)
    return resolved


@transaction.atomic
def opening_balance_import(*, actor, unit: Unit, as_of: date, rows: list[LineSpec]) -> JournalEntry:
    """Bring in the balances of a unit that joins the ledger mid-life, once.

    ``rows`` are lines on asset, liability and fund balance accounts of this unit,
    balanced per fund; they are posted as one entry (source opening) dated ``as_of``.
    """
    require(actor, "ledger.post", unit)
    resolved = opening_balance_check(unit=unit, as_of=as_of, rows=rows)
    assert resolved is not None  # rows were given: they come back resolved
    entry = post_lines(
        actor=actor,
        unit=unit,
        entry_date=as_of,
        source=Source.OPENING,
        idempotency_key=f"opening:{unit.pk}",
        memo=_("Opening balances of %(unit)s as of %(date)s") % {"unit": unit.name, "date": format_date(as_of)},
        lines=resolved,
    )
    try:
        with transaction.atomic():
            OpeningBalance.objects.create(unit=unit, entry=entry, as_of=as_of)
    except IntegrityError:
        raise OpeningBalanceExists(
            _("The opening balances of %(unit)s were already imported.") % {"unit": unit.name}
        ) from None
    audit_record(
        actor=actor,
        action=AuditAction.LEDGER_OPENING_IMPORTED,
        target=entry,
        unit=unit,
        changes={"as_of": [None, as_of.isoformat()], "total": [None, entry.total]},
    )
    return entry
