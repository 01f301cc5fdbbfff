"""Random sequences of valid and invalid ledger operations keep every ledger invariant.

Each hypothesis example runs inside a savepoint of the test's transaction and is
rolled back at teardown, so this works the same on SQLite and PostgreSQL.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from satuatap.core.errors import DomainError
from satuatap.ledger import services
from satuatap.ledger.models import (
    AccountRole,
    FundPosition,
    JournalEntry,
    JournalLine,
    LedgerBalance,
    Source,
)
from satuatap.ledger.selectors import MonthRange, trial_balance
from satuatap.ledger.services import EXTERNAL_SOURCES, LineSpec

from .conftest import cash_code

FUNDS = {  # kind -> (receipt account, distribution account, restriction)
    "zakat": ("4110", "5101", ""),
    "infak": ("4210", "5201", ""),
    "infak_restricted": ("4310", "5301", "P1"),
}
UNITS = ("branch_a", "branch_b", "branch_a_sub", "region")
TRANSFERS = [  # (from, to, kind)
    ("branch_a", "region", "remit"),
    ("branch_a_sub", "branch_a", "remit"),
    ("branch_b", "region", "remit"),
    ("region", "branch_b", "allocate"),
    ("region", "branch_a_sub", "allocate"),
]
amounts = st.integers(min_value=1, max_value=1_000)
months = st.integers(min_value=1, max_value=4)
percents = st.integers(min_value=1, max_value=130)


def _day(month: int) -> date:
    return date(2025, month, 15)


def _counts():
    return JournalEntry.objects.count(), JournalLine.objects.count(), LedgerBalance.objects.count()


class LedgerMachine(RuleBasedStateMachine):
    ledger = None  # set by the test

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.w = self.ledger.world
        self.units = {name: getattr(self.w, name) for name in UNITS}
        self.cash = {name: cash_code(unit) for name, unit in self.units.items()}
        self.keys = {}  # idempotency key -> (entry id, kwargs to replay)
        self.snapshots = {}  # entry id -> frozen lines
        self.serial = 0
        self.finance = self.ledger.fatma

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    # --- helpers ---------------------------------------------------------------------------
    def _key(self, prefix):
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def _remember(self, entry):
        if entry is not None and entry.pk not in self.snapshots:
            self.snapshots[entry.pk] = self._lines_of(entry.pk)

    @staticmethod
    def _lines_of(entry_id):
        return tuple(
            JournalLine.objects.filter(entry_id=entry_id)
            .order_by("pk")
            .values_list("pk", "account_id", "fund_id", "unit_id", "restriction", "counterparty_id", "debit", "credit")
        )

    def _refused(self, call):
        """Run an operation that may be refused; a refusal must leave nothing behind."""
        before = _counts()
        try:
            return call()
        except DomainError:
            assert _counts() == before
            return None

    def _portion(self, unit, kind, percent):
        """A share of what is available: up to 100% should pass, above it must be refused."""
        return max(1, self._position(unit, kind) * percent // 100)

    def _position(self, unit, kind):
        restriction = FUNDS[kind][2]
        row = FundPosition.objects.filter(unit=unit, fund__kind=kind, restriction=restriction).first()
        return row.available if row else 0

    # --- rules -------------------------------------------------------------------------------
    @rule(unit=st.sampled_from(UNITS), kind=st.sampled_from(list(FUNDS)), amount=amounts, month=months)
    def donate(self, unit, kind, amount, month):
        receipt, _, restriction = FUNDS[kind]
        kwargs = {
            "actor": None,
            "unit": self.units[unit],
            "entry_date": _day(month),
            "source": Source.DONATION,
            "idempotency_key": self._key("don"),
            "lines": [
                LineSpec(self.cash[unit], kind, debit=amount, restriction=restriction),
                LineSpec(receipt, kind, credit=amount, restriction=restriction),
            ],
        }
        entry = self._refused(lambda: services.entry_post(**kwargs))
        if entry is not None:
            self.keys[kwargs["idempotency_key"]] = (entry.pk, kwargs)
            self._remember(entry)

    @rule(unit=st.sampled_from(UNITS), kind=st.sampled_from(list(FUNDS)), amount=amounts, month=months)
    def donate_again(self, unit, kind, amount, month):  # a second rule: receipts come twice as often
        self.donate(unit, kind, amount, month)

    def _funded(self, pick, options):
        """Prefer an option whose unit has money in the fund, so that spending rules mostly get somewhere."""
        funded = [o for o in options if self._position(self.units[o[0]], o[1]) > 0]
        pool = funded or options
        return pool[pick % len(pool)]

    @rule(pick=st.integers(min_value=0, max_value=10**6), percent=percents, month=months)
    def disburse(self, pick, percent, month):
        unit, kind = self._funded(pick, [(u, k) for u in UNITS for k in FUNDS])
        _, distribution, restriction = FUNDS[kind]
        amount = self._portion(self.units[unit], kind, percent)
        entry = self._refused(
            lambda: services.entry_post(
                actor=None,
                unit=self.units[unit],
                entry_date=_day(month),
                source=Source.DISBURSEMENT,
                idempotency_key=self._key("dis"),
                lines=[
                    LineSpec(distribution, kind, debit=amount, restriction=restriction),
                    LineSpec(self.cash[unit], kind, credit=amount, restriction=restriction),
                ],
            )
        )
        self._remember(entry)
        if entry is not None:
            assert self._position(self.units[unit], kind) >= 0

    @rule(pick=st.integers(min_value=0, max_value=10**6), percent=percents, month=months)
    def transfer(self, pick, percent, month):
        source, kind, target, direction = self._funded(pick, [(f, k, t, d) for f, t, d in TRANSFERS for k in FUNDS])
        amount = self._portion(self.units[source], kind, percent)
        entry = self._refused(
            lambda: services.transfer_post(
                actor=self.finance,
                from_unit=self.units[source],
                to_unit=self.units[target],
                fund=kind,
                amount=amount,
                kind=direction,
                idempotency_key=self._key("tr"),
                entry_date=_day(month),
                restriction=FUNDS[kind][2],
            )
        )
        self._remember(entry)
        if entry is not None:
            assert self._position(self.units[source], kind) >= 0

    @precondition(lambda self: self.snapshots)
    @rule(pick=st.integers(min_value=0, max_value=10**6), month=months)
    def reverse(self, pick, month):
        ids = sorted(self.snapshots)
        entry = JournalEntry.objects.get(pk=ids[pick % len(ids)])
        reversal = self._refused(
            lambda: services.entry_reverse(
                actor=self.finance,
                entry=entry,
                reason="test",
                entry_date=max(entry.entry_date, _day(month)),
                by_owner=entry.source in EXTERNAL_SOURCES,  # as collection voiding a receipt
            )
        )
        self._remember(reversal)

    @rule(unit=st.sampled_from(UNITS), month=months, pick=st.integers(min_value=0, max_value=10**6))
    def amil_batch(self, unit, month, pick):
        waiting = sorted(
            {
                (next(n for n, u in self.units.items() if u.pk == unit_id), day.month)
                for unit_id, day in JournalEntry.objects.filter(
                    flow_source=Source.DONATION, amil_mark__isnull=True, unit_id__in=[u.pk for u in self.units.values()]
                ).values_list("unit_id", "entry_date")
            }
        )
        if waiting and pick % 4:  # mostly a unit and month with receipts waiting, sometimes any
            unit, month = waiting[pick % len(waiting)]
        entry = self._refused(
            lambda: services.amil_share_allocate(actor=self.finance, unit=self.units[unit], year=2025, month=month)
        )
        self._remember(entry)
        again = self._refused(
            lambda: services.amil_share_allocate(actor=self.finance, unit=self.units[unit], year=2025, month=month)
        )
        assert again is None

    @precondition(lambda self: len(self.snapshots) >= 5)  # close late, so that most examples post first
    @rule(month=months)
    def close_month(self, month):
        self._refused(
            lambda: services.period_close(actor=self.ledger.hana, institution=self.w.alpha, year=2025, month=month)
        )

    @precondition(lambda self: self.keys)
    @rule(pick=st.integers(min_value=0, max_value=10**6), change=st.booleans())
    def replay(self, pick, change):
        key = sorted(self.keys)[pick % len(self.keys)]
        entry_id, kwargs = self.keys[key]
        before = _counts()
        if change:
            lines = kwargs["lines"]
            bumped = [
                LineSpec(lines[0].account, lines[0].fund, debit=lines[0].debit + 1, restriction=lines[0].restriction),
                LineSpec(lines[1].account, lines[1].fund, credit=lines[1].credit + 1, restriction=lines[1].restriction),
            ]
            try:
                services.entry_post(**{**kwargs, "lines": bumped})
                raise AssertionError("a changed replay must be refused")
            except DomainError:
                pass
        else:
            assert services.entry_post(**kwargs).pk == entry_id
        assert _counts() == before

    @rule(unit=st.sampled_from(UNITS), amount=amounts)
    def unbalanced(self, unit, amount):
        before = _counts()
        try:
            services.entry_post(
                actor=None,
                unit=self.units[unit],
                entry_date=_day(4),
                source=Source.DONATION,
                idempotency_key=self._key("bad"),
                lines=[LineSpec(self.cash[unit], "zakat", debit=amount), LineSpec("4210", "infak", credit=amount)],
            )
            raise AssertionError("an entry unbalanced per fund must be refused")
        except DomainError:
            pass
        assert _counts() == before

    # --- invariants ------------------------------------------------------------------------------
    @invariant()
    def entries_balance_in_total_and_per_fund(self):
        per_fund = JournalLine.objects.values("entry_id", "fund_id").annotate(d=Sum("debit"), c=Sum("credit"))
        assert all(row["d"] == row["c"] for row in per_fund)
        for entry in JournalEntry.objects.filter(status="posted").annotate(d=Sum("lines__debit")):
            assert entry.d == entry.total

    @invariant()
    def each_office_balances_per_fund_in_every_entry(self):
        per_unit = JournalLine.objects.values("entry_id", "unit_id", "fund_id", "restriction").annotate(
            d=Sum("debit"), c=Sum("credit")
        )
        assert all(row["d"] == row["c"] for row in per_unit)

    @invariant()
    def rollups_equal_their_lines(self):
        expected = defaultdict(lambda: [0, 0])
        lines = JournalLine.objects.values_list(
            "unit_id",
            "account_id",
            "fund_id",
            "restriction",
            "counterparty_id",
            "entry__flow_source",
            "entry_date",
            "debit",
            "credit",
            "account__role",
        )
        positions = defaultdict(int)
        for unit, account, fund, restriction, cp, source, day, debit, credit, role in lines:
            key = (unit, account, fund, restriction, cp or 0, source, day.year, day.month)
            expected[key][0] += debit
            expected[key][1] += credit
            if role in (AccountRole.CASH, AccountRole.BANK, AccountRole.INVENTORY, AccountRole.LIABILITY):
                positions[(unit, fund, restriction)] += debit - credit
        actual = defaultdict(lambda: [0, 0])  # summed over contra_role, which only splits cash and bank rows
        for row in LedgerBalance.objects.values_list(
            "unit_id",
            "account_id",
            "fund_id",
            "restriction",
            "counterparty_id",
            "source",
            "year",
            "month",
            "debit",
            "credit",
        ):
            actual[row[:8]][0] += row[8]
            actual[row[:8]][1] += row[9]
        assert dict(actual) == dict(expected)
        stored = {(p.unit_id, p.fund_id, p.restriction): p.available for p in FundPosition.objects.all() if p.available}
        assert stored == {k: v for k, v in positions.items() if v}

    @invariant()
    def consolidation_is_the_sum_of_units_minus_internal_transfers(self):
        for top in (self.w.alpha if self.serial % 2 else self.w.area,):
            report = trial_balance(self.finance, top, MonthRange.year(2025), consolidated=True, include_closing=True)
            consolidated = {r.account.id: r.closing for r in report.current.rows if r.closing}
            in_subtree = {"unit__path__startswith": top.path}
            summed = defaultdict(int)
            for row in (
                LedgerBalance.objects.filter(**in_subtree)
                .values("account_id")
                .annotate(d=Sum("debit"), c=Sum("credit"))
            ):
                summed[row["account_id"]] += row["d"] - row["c"]
            internal = JournalLine.objects.filter(
                **in_subtree,
                account__role=AccountRole.INTER_OFFICE,
                counterparty__path__startswith=top.path,
            )
            for row in internal.values("account_id").annotate(d=Sum("debit"), c=Sum("credit")):
                summed[row["account_id"]] -= row["d"] - row["c"]
            assert consolidated == {k: v for k, v in summed.items() if v}

    @invariant()
    def nothing_posted_ever_changes(self):
        for entry_id, lines in self.snapshots.items():
            assert self._lines_of(entry_id) == lines


def test_random_operations_keep_the_ledger_invariants(ledger):
    LedgerMachine.ledger = ledger
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
