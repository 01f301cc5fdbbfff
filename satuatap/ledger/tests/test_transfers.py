import pytest

from satuatap.core.errors import NotAllowed
from satuatap.ledger import services
from satuatap.ledger.errors import InsufficientFunds, TransferRefused
from satuatap.ledger.models import Fund, JournalEntry, Source
from satuatap.ledger.selectors import MonthRange, fund_available, trial_balance

from .conftest import DAY, donate


def _remit(ledger, amount, key="t1", **kw):
    w = ledger.world
    args = {"from_unit": w.branch_a, "to_unit": w.region, "kind": "remit", "actor": ledger.fiona} | kw
    return services.transfer_post(fund="zakat", amount=amount, idempotency_key=key, entry_date=DAY, **args)


def test_branch_remits_up_and_the_fund_moves(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000)
    entry = _remit(ledger, 600)
    zakat = Fund.objects.get(institution=w.alpha, kind="zakat")
    assert entry.source == Source.TRANSFER and entry.lines.count() == 4
    assert fund_available(w.branch_a, zakat) == 400
    assert fund_available(w.region, zakat) == 600
    # replay posts nothing
    assert _remit(ledger, 600).pk == entry.pk
    assert JournalEntry.objects.filter(source=Source.TRANSFER).count() == 1


def test_transfer_of_more_than_available_is_refused(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000)
    with pytest.raises(InsufficientFunds) as exc:
        _remit(ledger, 1_001)
    assert "Rp1.000" in str(exc.value)
    assert not JournalEntry.objects.filter(source=Source.TRANSFER).exists()


def test_region_allocates_down_and_consolidation_eliminates_the_transfer(ledger):
    w = ledger.world
    donate(w.region, 5_000, actor=ledger.rhea)
    services.transfer_post(
        actor=ledger.rhea,
        from_unit=w.region,
        to_unit=w.branch_b,
        fund="zakat",
        amount=2_000,
        kind="allocate",
        idempotency_key="a1",
        entry_date=DAY,
    )
    period = MonthRange.month(2025, 3)
    consolidated = trial_balance(ledger.fatma, w.region, period, consolidated=True).current
    codes = {r.account.code for r in consolidated.rows}
    assert "3910" not in codes and "3920" not in codes
    branch = trial_balance(ledger.fatma, w.branch_b, period).current
    assert {r.account.code: r.closing for r in branch.rows}["3920"] == -2_000
    # a subtree holding only the receiver keeps the inter-office line
    area = trial_balance(ledger.fatma, w.area, period, consolidated=True).current
    assert {r.account.code: r.closing for r in area.rows}["3920"] == -2_000


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"to_unit": "branch_b"}, "to_unit"),  # sideways remittance
        ({"to_unit": "branch_a_sub"}, "to_unit"),  # remit down
        ({"kind": "gift"}, "kind"),
        ({"to_unit": "branch_a"}, "to_unit"),
        ({"to_unit": "beta_branch"}, "to_unit"),
    ],
)
def test_transfers_in_the_wrong_direction_are_refused(ledger, kw, field):
    w = ledger.world
    donate(w.branch_a, 1_000)
    kw = {k: getattr(w, v) if k == "to_unit" else v for k, v in kw.items()}
    with pytest.raises(TransferRefused) as exc:
        _remit(ledger, 100, **kw)
    assert field in exc.value.message_dict


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_transfer_amount_must_be_positive_rupiah(ledger, amount):
    with pytest.raises(TransferRefused):
        _remit(ledger, amount)


def test_branch_finance_cannot_move_a_sibling_branch_funds(ledger):
    w = ledger.world
    donate(w.branch_b, 1_000)
    with pytest.raises(NotAllowed):
        _remit(ledger, 100, from_unit=w.branch_b)
    with pytest.raises(NotAllowed):
        _remit(ledger, 100, actor=w.audrey)
