from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from satuatap.ledger import services
from satuatap.ledger.models import Account
from satuatap.ledger.selectors import (
    MonthRange,
    cash_flows,
    changes_in_funds,
    financial_position,
    fund_positions,
    general_ledger,
    managed_assets,
    trial_balance,
)

from .conftest import cash_code, disburse, donate, remit_and_hold_in_trust

MARCH = MonthRange.month(2025, 3)


@pytest.fixture
def books(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000_000, entry_date=date(2025, 2, 5))
    donate(w.branch_a, 400_000, account="4130")
    donate(w.branch_a, 200_000, fund="infak", account="4210")
    services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3)
    disburse(w.branch_a, 300_000, account="5102")
    disburse(w.branch_a, 50_000, fund="infak", account="5201")
    remit_and_hold_in_trust(ledger)
    return ledger


def test_trial_balance_balances_and_compares(books):
    w = books.world
    tb = trial_balance(books.fatma, w.branch_a, MARCH, compare=MonthRange.month(2025, 2))
    assert tb.current.total_debit == tb.current.total_credit
    assert tb.current.closing_debits == tb.current.closing_credits
    opening = {r.account.code: r.opening for r in tb.current.rows}
    assert opening["4110"] == -1_000_000
    assert {r.account.code: r.closing for r in tb.comparison.rows} == {"1100.BRA": 1_000_000, "4110": -1_000_000}


def test_financial_position_balances_with_funds_apart(books):
    w = books.world
    position = financial_position(books.fatma, w.branch_a, MARCH).current
    assert position.total_assets == position.total_liabilities + position.total_funds
    # the March batch takes 1/8 of March zakat (400k) and 1/5 of infak; February is not allocated
    assert position.fund_balances["zakat"] == 1_400_000 - 50_000 - 300_000 - 100_000
    assert position.fund_balances["infak"] == 110_000
    assert position.fund_balances["amil"] == 90_000
    consolidated = financial_position(books.fatma, w.alpha, MARCH, consolidated=True).current
    assert consolidated.fund_balances["zakat"] == 1_050_000


def test_changes_in_funds_add_up(books):
    w = books.world
    changes = changes_in_funds(books.fatma, w.branch_a, MARCH).current
    zakat = changes["zakat"]
    assert zakat.opening == 1_000_000
    assert [(r.account.code, r.amount) for r in zakat.receipts] == [("4130", 400_000)]
    assert zakat.amil_share_paid == 50_000
    assert zakat.distributions_by_asnaf == {"miskin": 300_000}
    assert zakat.transfers_out == 100_000
    assert zakat.closing == 950_000
    assert changes["infak"].distributions_by_pillar == {"education": 50_000}
    assert sum(r.amount for r in changes["amil"].amil_share_received) == 90_000
    consolidated = changes_in_funds(books.fatma, w.alpha, MARCH, consolidated=True).current["zakat"]
    assert consolidated.transfers_out == consolidated.transfers_in == 0  # eliminated
    position = financial_position(books.fatma, w.branch_a, MARCH).current
    assert all(changes[k].closing == v for k, v in position.fund_balances.items())


def _by_activity(flow):
    return {li.activity: li.net for li in flow.lines}


def test_cash_flows_group_by_activity_from_the_accounts(books):
    w = books.world
    flows = cash_flows(books.fatma, w.branch_a, MARCH).current
    total = flows[None]
    assert total.opening == 1_000_000
    assert _by_activity(total) == {
        "zakat_receipts": 400_000,
        "infak_receipts": 200_000,
        "zakat_distributions": -300_000,
        "infak_distributions": -50_000,
        "managed_assets": -10_000,  # a manual entry, shown by what it bought, not as "manual"
        "transfers_out": -100_000,  # to the region, outside branch A
    }  # the amil share moves money between two funds of the office: no money in or out
    assert [s.section for s in total.sections] == ["operating", "investing", "offices"]
    assert total.sections[0].net == 250_000
    assert total.closing == total.opening + total.net == 1_140_000
    assert _by_activity(flows["zakat"])["amil_share"] == -50_000
    assert _by_activity(flows["amil"]) == {"amil_share": 90_000}
    assert flows["zakat"].closing == flows["zakat"].opening + flows["zakat"].net == 950_000
    assert sum(flows[k].closing for k in flows if k) == total.closing


def test_consolidated_cash_flows_eliminate_transfers_inside_the_subtree_only(books):
    w = books.world
    whole = cash_flows(books.fatma, w.alpha, MARCH, consolidated=True, compare=MonthRange.month(2025, 2))
    total = whole.current[None]
    assert "transfers_out" not in _by_activity(total) and "transfers_in" not in _by_activity(total)
    assert total.opening == 1_000_000 and total.closing == total.opening + total.net == 1_240_000
    assert _by_activity(whole.comparison[None]) == {"zakat_receipts": 1_000_000}
    assert whole.comparison[None].closing == whole.comparison[None].opening + whole.comparison[None].net
    # Branch A with what lies below it: the region it remitted to is outside, so the money left.
    alone = cash_flows(books.fatma, w.branch_a, MARCH, consolidated=True).current[None]
    assert _by_activity(alone)["transfers_out"] == -100_000


def test_managed_assets_and_general_ledger(books):
    w = books.world
    rows = managed_assets(books.fatma, w.branch_a, MARCH).current
    assert [(r.account.code, r.additions, r.closing) for r in rows] == [("1600", 10_000, 10_000)]
    cash = Account.objects.get(institution=w.alpha, code=cash_code(w.branch_a))
    with CaptureQueriesContext(connection) as queries:
        gl = general_ledger(books.fatma, w.branch_a, cash, MARCH)
    assert len(queries) <= 6
    assert gl.opening == 1_000_000 and gl.closing == 1_140_000
    assert gl.lines[-1].balance == gl.closing
    assert gl.opening + gl.total_debit - gl.total_credit == gl.closing


def test_fund_positions_per_unit(books):
    w = books.world
    rows = {(r.unit_code, r.fund_kind): r for r in fund_positions(books.fatma, w.alpha)}
    assert rows[("BRA", "zakat")].available == 950_000
    assert rows[("R1", "zakat")].available == 100_000
    assert rows[("BRA", "infak")].balance == 110_000 and rows[("BRA", "infak")].available == 100_000  # managed asset


def test_reports_are_scoped(books):
    w = books.world
    with pytest.raises(Http404):
        trial_balance(w.bob, w.branch_a, MARCH)  # admin of a sibling branch
    with pytest.raises(Http404):
        fund_positions(w.frank, w.branch_a)  # front office has no ledger.view
    with pytest.raises(Http404):
        financial_position(books.fiona, w.alpha, MARCH, consolidated=True)  # above her unit
    assert trial_balance(w.audrey, w.branch_a, MARCH).current.rows
    assert trial_balance(w.alice, w.branch_a, MARCH).current.rows
