from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from satuatap.core.errors import NotAllowed
from satuatap.ledger import services
from satuatap.ledger.errors import (
    EntryImmutable,
    EntryRefused,
    EntryUnbalanced,
    IdempotencyConflict,
    InsufficientFunds,
    PeriodClosed,
    UnknownAccount,
)
from satuatap.ledger.models import FundPosition, JournalEntry, JournalLine, LedgerBalance, Source
from satuatap.ledger.selectors import fund_available
from satuatap.ledger.services import LineSpec

from .conftest import DAY, cash_code, disburse, donate, next_key


def _counts():
    return JournalEntry.objects.count(), JournalLine.objects.count(), LedgerBalance.objects.count()


def _post(unit, lines, *, source=Source.DONATION, key=None, actor=None, entry_date=DAY):
    return services.entry_post(
        actor=actor, unit=unit, entry_date=entry_date, source=source, idempotency_key=key or next_key(), lines=lines
    )


def test_donation_posts_lines_rollup_and_available_balance(ledger):
    w = ledger.world
    entry = donate(w.branch_a, 1_000_000, actor=w.frank)
    assert entry.is_posted and entry.total == 1_000_000 and entry.created_by == w.frank and not entry.replayed
    assert entry.lines.count() == 2
    zakat = entry.lines.first().fund
    assert fund_available(w.branch_a, zakat) == 1_000_000
    rollup = LedgerBalance.objects.get(unit=w.branch_a, account__code="4110")
    assert (rollup.credit, rollup.debit, rollup.year, rollup.month, rollup.source) == (
        1_000_000,
        0,
        2025,
        3,
        "donation",
    )
    donate(w.branch_a, 500)
    rollup.refresh_from_db()
    assert rollup.credit == 1_000_500


def test_posting_a_two_line_entry_is_cheap(ledger):
    w = ledger.world
    donate(w.branch_a, 10)  # warm the period row
    code = cash_code(w.branch_a)
    with CaptureQueriesContext(connection) as queries:
        _post(w.branch_a, [LineSpec(code, "zakat", debit=5), LineSpec("4110", "zakat", credit=5)])
    assert len(queries) <= 12, [q["sql"] for q in queries]
    if connection.vendor == "postgresql":
        # Warm chart: no account or fund look-up, just the posting statement inside its savepoint.
        assert not [q for q in queries if "ledger_account" in q["sql"] and "INSERT" not in q["sql"]]
        assert len(queries) <= 3, [q["sql"] for q in queries]


@pytest.mark.parametrize(
    ("lines", "error", "text"),
    [
        ([("CASH", "zakat", 100, 0), ("4110", "zakat", 0, 90)], EntryUnbalanced, "must be equal"),
        ([("CASH", "zakat", 100, 0), ("4210", "infak", 0, 100)], EntryUnbalanced, "Each fund must balance"),
        ([("CASH", "zakat", 100, 0), ("9999", "zakat", 0, 100)], UnknownAccount, "no account with code 9999"),
        ([("CASH", "zakat", 100, 0), ("4110", "gold", 0, 100)], EntryRefused, "no fund gold"),
        ([("CASH", "zakat", 100, 0), ("4210", "zakat", 0, 100)], EntryRefused, "belongs to"),
        ([("CASH", "zakat", 100, 100), ("4110", "zakat", 0, 0)], EntryRefused, "either a debit or a credit"),
        ([("CASH", "zakat", -100, 0), ("4110", "zakat", 0, -100)], EntryRefused, "negative"),
        ([("CASH", "zakat", 100.0, 0), ("4110", "zakat", 0, 100.0)], EntryRefused, "whole rupiah"),
        ([("CASH", "zakat", 100, 0)], EntryUnbalanced, "at least two lines"),
        ([("CASH", "zakat", 10**16, 0), ("4110", "zakat", 0, 10**16)], EntryRefused, "too large"),
        ([("CASH", "infak_restricted", 100, 0), ("4310", "infak_restricted", 0, 100)], EntryRefused, "program"),
        ([("3910", "zakat", 100, 0), ("4110", "zakat", 0, 100)], EntryRefused, "inter-office"),
        ([("1100.BRB", "zakat", 100, 0), ("4110", "zakat", 0, 100)], EntryRefused, "another office"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_posted(ledger, lines, error, text):
    w = ledger.world
    before = _counts()
    specs = [LineSpec(cash_code(w.branch_a) if a == "CASH" else a, fund, debit=d, credit=c) for a, fund, d, c in lines]
    with pytest.raises(error) as exc:
        _post(w.branch_a, specs)
    assert text in str(exc.value)
    assert "lines" in exc.value.message_dict
    assert _counts() == before


def test_restricted_lines_balance_per_program(ledger):
    w = ledger.world
    code = cash_code(w.branch_a)
    with pytest.raises(EntryUnbalanced):
        _post(
            w.branch_a,
            [
                LineSpec(code, "infak_restricted", debit=100, restriction="P1"),
                LineSpec("4310", "infak_restricted", credit=100, restriction="P2"),
            ],
        )
    entry = donate(w.branch_a, 100, fund="infak_restricted", account="4310", restriction="P1")
    assert entry.lines.filter(restriction="P1").count() == 2


def test_replayed_key_returns_the_first_entry_and_posts_nothing(ledger):
    w = ledger.world
    first = donate(w.branch_a, 700, key="don-42")
    before = _counts()
    again = donate(w.branch_a, 700, key="don-42")
    assert again.pk == first.pk and again.replayed
    assert _counts() == before
    assert LedgerBalance.objects.get(unit=w.branch_a, account__code="4110").credit == 700


def test_same_key_with_other_content_is_a_conflict(ledger):
    w = ledger.world
    donate(w.branch_a, 700, key="don-43")
    before = _counts()
    with pytest.raises(IdempotencyConflict) as exc:
        donate(w.branch_a, 701, key="don-43")
    assert "idempotency_key" in exc.value.message_dict
    assert _counts() == before


def test_keys_are_per_institution(ledger):
    w = ledger.world
    services.chart_create_default(actor=w.eve, institution=w.beta)
    a = donate(w.branch_a, 1, key="same")
    b = donate(w.beta_branch, 1, key="same")
    assert a.pk != b.pk


def test_disbursement_cannot_take_a_fund_below_zero(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000)
    donate(w.branch_a, 5_000, fund="infak", account="4210")
    before = _counts()
    with pytest.raises(InsufficientFunds) as exc:
        disburse(w.branch_a, 1_001)
    assert "Rp1.000" in str(exc.value) and "Rp1.001" in str(exc.value)
    assert _counts() == before
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == 1_000
    disburse(w.branch_a, 1_000)
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == 0


def test_available_balance_is_per_program_for_restricted_funds(ledger):
    w = ledger.world
    donate(w.branch_a, 300, fund="infak_restricted", account="4310", restriction="P1")
    donate(w.branch_a, 900, fund="infak_restricted", account="4310", restriction="P2")
    with pytest.raises(InsufficientFunds):
        disburse(w.branch_a, 301, fund="infak_restricted", account="5301", restriction="P1")
    disburse(w.branch_a, 300, fund="infak_restricted", account="5301", restriction="P1")
    fund = JournalLine.objects.filter(restriction="P1").first().fund
    assert fund_available(w.branch_a, fund, "P1") == 0
    assert fund_available(w.branch_a, fund) == 900


def test_posting_into_a_closed_month_is_refused(ledger):
    w = ledger.world
    services.period_close(actor=ledger.fatma, institution=w.alpha, year=2025, month=3)
    before = _counts()
    with pytest.raises(PeriodClosed) as exc:
        donate(w.branch_a, 100)
    assert "entry_date" in exc.value.message_dict and "2025-03" in str(exc.value)
    assert _counts() == before
    donate(w.branch_a, 100, entry_date=date(2025, 4, 1))


def test_other_apps_post_only_donations_and_disbursements(ledger):
    w = ledger.world
    code = cash_code(w.branch_a)
    with pytest.raises(EntryRefused) as exc:
        _post(w.branch_a, [LineSpec(code, "zakat", debit=1), LineSpec("4110", "zakat", credit=1)], source=Source.MANUAL)
    assert "source" in exc.value.message_dict


def test_branch_user_cannot_post_for_a_sibling_branch(ledger):
    w = ledger.world
    with pytest.raises(NotAllowed):
        donate(w.branch_b, 100, actor=w.frank)
    with pytest.raises(NotAllowed):
        donate(w.branch_b, 100, actor=ledger.fiona)


def test_auditor_cannot_post(ledger):
    with pytest.raises(NotAllowed):
        donate(ledger.world.branch_a, 100, actor=ledger.world.audrey)


def test_posted_lines_and_entries_cannot_be_changed_or_deleted(ledger):
    entry = donate(ledger.world.branch_a, 100)
    line = entry.lines.first()
    line.debit = 5
    with pytest.raises(EntryImmutable):
        line.save()
    with pytest.raises(EntryImmutable):
        line.delete()
    with pytest.raises(EntryImmutable):
        JournalLine.objects.filter(entry=entry).update(debit=1)
    with pytest.raises(EntryImmutable):
        JournalLine.objects.filter(entry=entry).delete()
    with pytest.raises(EntryImmutable):
        entry.delete()
    assert sorted(JournalLine.objects.filter(entry=entry).values_list("debit", flat=True)) == [0, 100]


def test_a_request_racing_on_the_same_key_writes_nothing_and_replays(ledger):
    """The pre-check can miss a concurrent request; the write itself must still post once."""
    from django.db import connection
    from django.utils import timezone

    from satuatap.ledger.models import JournalLine
    from satuatap.ledger.services import posting
    from satuatap.ledger.services.posting import postgres

    w = ledger.world
    first = donate(w.branch_a, 5_000, key="race-1")
    lines_before = JournalLine.objects.count()
    if connection.vendor == "postgresql":
        resolved = posting.resolve_lines(
            w.alpha.pk,
            w.branch_a,
            [LineSpec(cash_code(w.branch_a), "zakat", debit=5_000), LineSpec("4110", "zakat", credit=5_000)],
        )
        again = postgres.post_pg(
            actor=None,
            unit=w.branch_a,
            entry_date=first.entry_date,
            source="donation",
            flow_source="donation",
            source_ref="test",
            idempotency_key="race-1",
            print_=first.fingerprint,
            memo="",
            total=5_000,
            lines=resolved,
            reverses=None,
            reason="",
            now=timezone.now(),
            period_check=True,
        )
    else:  # SQLite serialises writers; the ordinary replay path is all there is
        again = donate(w.branch_a, 5_000, key="race-1")
    assert again.pk == first.pk and again.replayed
    assert JournalLine.objects.count() == lines_before


@pytest.mark.django_db(transaction=True)
def test_cached_chart_never_posts_to_an_account_deactivated_or_recoded_since(ledger):
    """The chart is cached per process; a change made elsewhere (a plain UPDATE, as another
    process would) must still take effect on the next posting, with the right message."""
    from satuatap.ledger.models import Account
    from satuatap.ledger.tests.conftest import cash_code, donate

    world = ledger.world
    donate(world.branch_a, 1_000)  # fills the cache
    Account.objects.filter(institution=world.alpha, code="4110").update(is_active=False)
    with pytest.raises(UnknownAccount, match="4110"):
        donate(world.branch_a, 1_000)
    Account.objects.filter(institution=world.alpha, code="4110").update(is_active=True, code="4111")
    with pytest.raises(UnknownAccount, match="4110"):
        donate(world.branch_a, 1_000)
    entry = donate(world.branch_a, 2_000, account="4111")
    assert entry.is_posted
    Account.objects.filter(institution=world.alpha, code="4111").update(code="4110")
    assert donate(world.branch_a, 3_000).is_posted
    assert JournalLine.objects.filter(account__code=cash_code(world.branch_a)).count() == 3
