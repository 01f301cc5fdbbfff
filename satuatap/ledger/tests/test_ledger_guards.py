"""Guards that keep each office's books and funds whole: who may reverse what, per-office balance,
funds that may not go below zero, and maker-checker over every change of a draft."""

import pytest

from satuatap.core.errors import NotAllowed
from satuatap.ledger import services
from satuatap.ledger.errors import ApprovalRefused, EntryUnbalanced, InsufficientFunds, ReversalRefused
from satuatap.ledger.models import EntryStatus, Fund, FundPosition, JournalEntry, JournalLine, Source
from satuatap.ledger.selectors import MonthRange, financial_position, fund_available
from satuatap.ledger.services import LineSpec
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

from .conftest import DAY, cash_code, disburse, donate, next_key


def _available(unit, kind="zakat"):
    return fund_available(unit, Fund.objects.get(institution_id=unit.institution_id, kind=kind))


def _region_head(ledger):
    head = UserFactory(username="harun")
    grant(head, ledger.world.region, Role.HEAD)
    return head


# --- reversals: the module that made an entry undoes it --------------------------------------------


def _stock_entry(unit):
    return services.entry_post(
        actor=None,
        unit=unit,
        entry_date=DAY,
        source=Source.STOCK,
        idempotency_key=next_key("stock"),
        lines=[LineSpec("1300", "zakat", debit=300), LineSpec(cash_code(unit), "zakat", credit=300)],
    )


def test_the_ledger_does_not_reverse_entries_another_module_made(ledger):
    w = ledger.world
    receipt = donate(w.branch_a, 1_000)
    entries = [receipt, disburse(w.branch_a, 400), _stock_entry(w.branch_a)]
    for entry in entries:
        with pytest.raises(ReversalRefused) as exc:
            services.entry_reverse(actor=ledger.fiona, entry=entry, reason="wrong", entry_date=DAY)
        assert "module that made them" in str(exc.value)
    assert not JournalEntry.objects.filter(source=Source.REVERSAL).exists()
    assert _available(w.branch_a) == 600
    # The owning module (collection voiding the receipt) does reverse its own entry.
    reversal = services.entry_reverse(actor=ledger.fiona, entry=receipt, reason="void", by_owner=True)
    assert reversal.reverses == receipt


def test_owner_flag_does_not_open_ledger_entries_to_people_without_the_ledger_role(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000)
    draft = services.manual_entry_draft(
        actor=ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        memo="Rice bought",
        lines=[LineSpec("1300", "zakat", debit=500), LineSpec(cash_code(w.branch_a), "zakat", credit=500)],
    )
    posted = services.manual_entry_approve(actor=ledger.hank, entry=draft)
    with pytest.raises(NotAllowed):  # front office works in branch A, but does not post to the ledger
        services.entry_reverse(actor=w.frank, entry=posted, reason="x", by_owner=True)


# --- a reversal writes only where the reverser may post ----------------------------------------------


def _manual_at_branch_b(ledger):
    """rhea (finance of the region) drafts, in branch A's journal, a reclassification in branch B."""
    w = ledger.world
    donate(w.branch_b, 50_000)
    draft = services.manual_entry_draft(
        actor=ledger.rhea,
        unit=w.branch_a,
        entry_date=DAY,
        memo="Branch B bought rice",
        lines=[
            LineSpec("1300", "zakat", debit=50_000, unit=w.branch_b),
            LineSpec(cash_code(w.branch_b), "zakat", credit=50_000, unit=w.branch_b),
        ],
    )
    return services.manual_entry_approve(actor=_region_head(ledger), entry=draft)


def test_reversal_needs_the_ledger_role_on_every_office_it_writes_into(ledger):
    w = ledger.world
    posted = _manual_at_branch_b(ledger)
    with pytest.raises(NotAllowed):  # fiona is finance of branch A only
        services.entry_reverse(actor=ledger.fiona, entry=posted, reason="not ours", entry_date=DAY)
    assert not JournalEntry.objects.filter(reverses=posted).exists()
    reversal = services.entry_reverse(actor=ledger.rhea, entry=posted, reason="not ours", entry_date=DAY)
    assert set(JournalLine.objects.filter(entry=reversal).values_list("unit", flat=True)) == {w.branch_b.pk}


def test_the_sending_office_still_reverses_its_transfer(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000)
    transfer = services.transfer_post(
        actor=ledger.fiona,
        from_unit=w.branch_a,
        to_unit=w.region,
        fund="zakat",
        amount=600,
        kind="remit",
        idempotency_key="t1",
        entry_date=DAY,
    )
    with pytest.raises(NotAllowed):  # a sibling branch's finance
        services.entry_reverse(actor=ledger.felix, entry=transfer, reason="x", entry_date=DAY)
    reversal = services.entry_reverse(actor=ledger.fiona, entry=transfer, reason="wrong office", entry_date=DAY)
    assert reversal.reverses == transfer
    assert _available(w.branch_a) == 1_000 and _available(w.region) == 0


# --- every office's lines balance per fund -------------------------------------------------------------


def test_a_manual_entry_cannot_move_money_between_offices(ledger):
    w = ledger.world
    donate(w.branch_a, 500_000)
    with pytest.raises(EntryUnbalanced) as exc:
        services.manual_entry_draft(
            actor=ledger.rhea,
            unit=w.branch_a,
            entry_date=DAY,
            memo="Move cash to branch B",
            lines=[
                LineSpec(cash_code(w.branch_b), "zakat", debit=500_000, unit=w.branch_b),
                LineSpec(cash_code(w.branch_a), "zakat", credit=500_000, unit=w.branch_a),
            ],
        )
    assert w.branch_a.name in str(exc.value) and "transfer" in str(exc.value)
    assert not JournalEntry.objects.filter(source=Source.MANUAL).exists()
    position = financial_position(ledger.fatma, w.branch_a, MonthRange.month(2025, 3)).current
    assert position.total_assets == position.total_liabilities + position.total_funds == 500_000


def test_other_apps_cannot_post_lines_that_unbalance_an_office_either(ledger):
    w = ledger.world
    with pytest.raises(EntryUnbalanced):
        services.entry_post(
            actor=ledger.rhea,
            unit=w.branch_a,
            entry_date=DAY,
            source=Source.DONATION,
            idempotency_key="d1",
            lines=[
                LineSpec(cash_code(w.branch_b), "zakat", debit=700, unit=w.branch_b),
                LineSpec("4110", "zakat", credit=700),
            ],
        )
    assert not JournalEntry.objects.exists()


# --- funds never go below zero -------------------------------------------------------------------------


def test_amil_share_is_refused_when_the_fund_was_already_distributed(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000_000)
    disburse(w.branch_a, 1_000_000)
    with pytest.raises(InsufficientFunds) as exc:
        services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3)
    message = str(exc.value).lower()
    assert "amil share" in message and "rp0" in message and "rp125.000" in message and "run it again" in message
    assert not JournalEntry.objects.filter(source=Source.AMIL_SHARE).exists()
    assert _available(w.branch_a) == 0 and _available(w.branch_a, "amil") == 0
    # Once the fund holds enough again, the same batch takes the share of both receipts.
    donate(w.branch_a, 1_000_000)
    share = services.amil_share_allocate(actor=ledger.fiona, unit=w.branch_a, year=2025, month=3)
    assert share.total == 500_000
    assert _available(w.branch_a) == 750_000 and _available(w.branch_a, "amil") == 250_000


def test_an_approved_manual_entry_cannot_take_a_fund_below_zero(ledger):
    w = ledger.world
    donate(w.branch_a, 10_000)
    draft = services.manual_entry_draft(
        actor=ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        memo="Aid paid in cash, recorded late",
        lines=[LineSpec("5101", "zakat", debit=25_000), LineSpec(cash_code(w.branch_a), "zakat", credit=25_000)],
    )
    with pytest.raises(InsufficientFunds) as exc:
        services.manual_entry_approve(actor=ledger.hank, entry=draft)
    assert "Rp10.000" in str(exc.value)
    assert JournalEntry.objects.get(pk=draft.pk).status == EntryStatus.DRAFT
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == 10_000


# --- maker-checker ---------------------------------------------------------------------------------------


def test_whoever_changed_a_draft_at_any_time_cannot_approve_it(ledger):
    w = ledger.world
    donate(w.branch_a, 10_000)
    grant(ledger.hank, w.branch_a, Role.FINANCE)  # head of branch A who is also finance there
    draft = services.manual_entry_draft(
        actor=ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        memo="Reclassify",
        lines=[LineSpec("1300", "zakat", debit=5), LineSpec(cash_code(w.branch_a), "zakat", credit=5)],
    )
    services.manual_entry_update(
        actor=ledger.hank,
        entry=draft,
        lines=[LineSpec("1300", "zakat", debit=9_000), LineSpec(cash_code(w.branch_a), "zakat", credit=9_000)],
    )
    services.manual_entry_update(actor=ledger.fiona, entry=draft, memo="Reclassify (typo)")  # hank is no longer last
    with pytest.raises(ApprovalRefused):
        services.manual_entry_approve(actor=ledger.hank, entry=draft)
    assert JournalEntry.objects.get(pk=draft.pk).status == EntryStatus.DRAFT
    posted = services.manual_entry_approve(actor=ledger.hana, entry=draft)  # someone who never touched it
    assert posted.status == EntryStatus.POSTED and posted.total == 9_000
