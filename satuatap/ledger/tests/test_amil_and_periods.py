from datetime import date

import pytest

from satuatap.core.errors import NotAllowed
from satuatap.ledger import services
from satuatap.ledger.errors import OpeningBalanceExists, PeriodClosed, PeriodRefused, ReversalRefused
from satuatap.ledger.models import AmilShareMark, Fund, JournalEntry, LedgerBalance, Period, Source
from satuatap.ledger.selectors import MonthRange, changes_in_funds, fund_available, trial_balance
from satuatap.ledger.services import LineSpec

from .conftest import DAY, cash_code, disburse, donate


def _fund(w, kind):
    return Fund.objects.get(institution=w.alpha, kind=kind)


def test_periodic_batch_takes_one_eighth_of_zakat_and_a_fifth_of_infak(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000_001)
    donate(w.branch_a, 500_000, fund="infak", account="4210")
    donate(w.branch_a, 999, fund="non_halal", account="4510")
    entry = services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3)
    assert entry.source == Source.AMIL_SHARE and entry.entry_date == date(2025, 3, 31)
    lines = {
        (li.account.code, li.fund.kind): (li.debit, li.credit) for li in entry.lines.select_related("account", "fund")
    }
    assert lines[("5103", "zakat")] == (125_000, 0)  # asnaf amil; 125,000.125 rounds down
    assert lines[("4410", "amil")] == (0, 125_000)
    assert lines[("5290", "infak")] == (100_000, 0)
    assert lines[("4420", "amil")] == (0, 100_000)
    assert not any(kind == "non_halal" for _, kind in lines)
    assert fund_available(w.branch_a, _fund(w, "zakat")) == 875_001
    assert fund_available(w.branch_a, _fund(w, "amil")) == 225_000
    # a re-run posts nothing; a new receipt is allocated by the next run
    assert services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3) is None
    donate(w.branch_a, 80)
    second = services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3)
    assert second.total == 20 and second.pk != entry.pk


def test_per_receipt_mode_and_batch_never_take_a_receipt_twice(ledger):
    w = ledger.world
    receipt = donate(w.branch_a, 800)
    share = services.amil_share_allocate_receipt(actor=w.frank, entry=receipt)
    assert share.total == 200  # 100 out of zakat + 100 into amil
    assert services.amil_share_allocate_receipt(actor=w.frank, entry=receipt) is None
    assert services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3) is None
    assert AmilShareMark.objects.get(source_entry=receipt).allocation_entry == share


def test_reversed_receipt_gives_its_amil_share_back(ledger):
    w = ledger.world
    receipt = donate(w.branch_a, 800)
    share = services.amil_share_allocate_receipt(actor=w.frank, entry=receipt)
    services.entry_reverse(actor=w.frank, entry=receipt, reason="bounced", entry_date=DAY, by_owner=True)
    back = services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3)
    assert back.total == share.total
    assert fund_available(w.branch_a, _fund(w, "zakat")) == 0
    assert fund_available(w.branch_a, _fund(w, "amil")) == 0
    with pytest.raises(ReversalRefused):
        services.entry_reverse(actor=ledger.fiona, entry=share, reason="no")


def test_zero_rate_and_unauthorised_batches(ledger):
    w = ledger.world
    services.amil_rate_set(actor=ledger.fatma, institution=w.alpha, fund_kind="zakat", basis_points=0)
    donate(w.branch_a, 800)
    assert services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3) is None
    with pytest.raises(NotAllowed):
        services.amil_share_allocate(actor=w.audrey, unit=w.branch_a, year=2025, month=3)
    with pytest.raises(NotAllowed):
        services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_b, year=2025, month=3)


def test_month_close_refuses_a_second_close_and_auditors(ledger):
    w = ledger.world
    with pytest.raises(NotAllowed):
        services.period_close(actor=w.audrey, institution=w.alpha, year=2025, month=3)
    with pytest.raises(NotAllowed):
        services.period_close(actor=ledger.fiona, institution=w.alpha, year=2025, month=3)  # branch finance
    period = services.period_close(actor=ledger.hana, institution=w.alpha, year=2025, month=3)
    assert period.is_closed and period.closed_by == ledger.hana
    with pytest.raises(PeriodRefused):
        services.period_close(actor=ledger.hana, institution=w.alpha, year=2025, month=3)


def test_year_close_moves_the_result_into_fund_balances(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000)
    disburse(w.branch_a, 300, account="5102")
    donate(w.branch_b, 50, fund="infak", account="4210")
    services.transfer_post(
        actor=ledger.fiona,
        from_unit=w.branch_a,
        to_unit=w.region,
        fund="zakat",
        amount=100,
        kind="remit",
        idempotency_key="t",
        entry_date=DAY,
    )
    services.period_close(actor=ledger.fatma, institution=w.alpha, year=2025)
    assert Period.objects.filter(institution=w.alpha, year=2025, is_closed=True).count() == 13
    closes = JournalEntry.objects.filter(source=Source.CLOSE)
    assert closes.count() == 3  # branch A, branch B, region
    post = trial_balance(ledger.fatma, w.alpha, MonthRange.year(2025), consolidated=True, include_closing=True).current
    closing = {r.account.code: r.closing for r in post.rows if r.closing}
    assert closing == {"1100.BRA": 600, "1100.BRB": 50, "1100.R1": 100, "3110": -700, "3120": -50}
    branch = trial_balance(ledger.fatma, w.branch_a, MonthRange.year(2025), include_closing=True).current
    assert {r.account.code: r.closing for r in branch.rows if r.closing} == {"1100.BRA": 600, "3110": -600}
    # the next year opens with the fund balance; 2025 is closed for posting
    changes = changes_in_funds(ledger.fatma, w.alpha, MonthRange.year(2026), consolidated=True).current
    assert changes["zakat"].opening == 700 and changes["infak"].opening == 50
    with pytest.raises(PeriodClosed):
        donate(w.branch_a, 1, entry_date=date(2025, 12, 31))
    with pytest.raises(PeriodRefused):
        services.period_close(actor=ledger.fatma, institution=w.alpha, year=2025)


def test_a_year_closes_only_after_the_year_before(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000, entry_date=date(2024, 6, 1))
    with pytest.raises(PeriodRefused) as exc:
        services.period_close(actor=ledger.fatma, institution=w.alpha, year=2025)
    assert "2024" in str(exc.value)
    assert not JournalEntry.objects.filter(source=Source.CLOSE).exists()


def test_opening_balances_are_imported_once(ledger):
    w = ledger.world
    rows = [
        LineSpec(cash_code(w.branch_b), "zakat", debit=7_000),
        LineSpec("1500", "amil", debit=3_000),
        LineSpec("2100", "amil", credit=1_000),
        LineSpec("3110", "zakat", credit=7_000),
        LineSpec("3140", "amil", credit=2_000),
    ]
    entry = services.opening_balance_import(actor=ledger.felix, unit=w.branch_b, as_of=date(2025, 1, 1), rows=rows)
    assert entry.source == Source.OPENING
    assert fund_available(w.branch_b, _fund(w, "zakat")) == 7_000
    assert fund_available(w.branch_b, _fund(w, "amil")) == -1_000  # fixed assets are not spendable
    with pytest.raises(OpeningBalanceExists):
        services.opening_balance_import(actor=ledger.felix, unit=w.branch_b, as_of=date(2025, 1, 1), rows=rows)
    assert JournalEntry.objects.filter(source=Source.OPENING).count() == 1


def test_opening_balances_go_to_balance_sheet_accounts_only(ledger):
    w = ledger.world
    rows = [LineSpec(cash_code(w.branch_b), "zakat", debit=7), LineSpec("4110", "zakat", credit=7)]
    with pytest.raises(Exception, match="asset, liability and fund balance"):
        services.opening_balance_import(actor=ledger.felix, unit=w.branch_b, as_of=date(2025, 1, 1), rows=rows)
    assert not LedgerBalance.objects.exists()
