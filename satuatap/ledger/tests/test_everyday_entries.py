"""Everyday entries without account codes: bank interest, non-halal use, amil operating costs.

Each is a manual draft that another person (the office head) approves; the accounts and the
fund are the service's choice, and the statement of cash flows shows them by activity.
"""

from datetime import date

import pytest
from django.test import Client

from satuatap.core.errors import NotAllowed
from satuatap.ledger import services
from satuatap.ledger.errors import EntryRefused, InsufficientFunds
from satuatap.ledger.models import Account, EntryStatus, JournalEntry
from satuatap.ledger.selectors import MonthRange, cash_flows

from .conftest import DAY, cash_code, donate


def _cash(unit):
    return Account.objects.get(institution_id=unit.institution_id, code=cash_code(unit))


def _posted_lines(entry):
    return sorted((line.account.code, line.fund.kind, line.debit, line.credit) for line in entry.lines.all())


def test_bank_interest_goes_to_the_non_halal_fund_after_the_head_approves(ledger):
    w = ledger.world
    draft = services.bank_interest_draft(
        actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=12_345, money_account=_cash(w.branch_a)
    )
    assert draft.status == EntryStatus.DRAFT and draft.memo == "Bank interest / jasa giro"
    with pytest.raises(NotAllowed):
        services.manual_entry_approve(actor=ledger.fiona, entry=draft)  # the maker is not the checker
    posted = services.manual_entry_approve(actor=ledger.hank, entry=draft)
    assert _posted_lines(posted) == [
        (cash_code(w.branch_a), "non_halal", 12_345, 0),
        ("4510", "non_halal", 0, 12_345),
    ]


def test_non_halal_use_leaves_the_non_halal_fund_and_never_more_than_it_holds(ledger):
    w = ledger.world
    cash = _cash(w.branch_a)
    interest = services.bank_interest_draft(
        actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=50_000, money_account=cash
    )
    services.manual_entry_approve(actor=ledger.hank, entry=interest)
    too_much = services.non_halal_use_draft(
        actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=60_000, money_account=cash, memo="Jalan desa"
    )
    with pytest.raises(InsufficientFunds):
        services.manual_entry_approve(actor=ledger.hank, entry=too_much)
    draft = services.non_halal_use_draft(
        actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=40_000, money_account=cash, memo="Jalan desa"
    )
    assert draft.memo == "Non-halal funds used for public facilities: Jalan desa"
    posted = services.manual_entry_approve(actor=ledger.hank, entry=draft)
    assert _posted_lines(posted) == [(cash_code(w.branch_a), "non_halal", 0, 40_000), ("5510", "non_halal", 40_000, 0)]


@pytest.mark.parametrize(
    ("category", "code"), [("salaries", "5410"), ("rent", "5420"), ("utilities", "5420"), ("other", "5490")]
)
def test_amil_costs_go_to_the_category_account_of_the_amil_fund(ledger, category, code):
    w = ledger.world
    draft = services.amil_cost_draft(
        actor=ledger.fiona,
        unit=w.branch_a,
        entry_date=DAY,
        amount=1_000,
        category=category,
        money_account=_cash(w.branch_a),
    )
    assert [(row["account"], row["fund"], row["debit"]) for row in draft.draft_lines][0] == (code, "amil", 1_000)


def test_everyday_entries_refuse_bad_input_and_other_offices(ledger):
    w = ledger.world
    cash_a, cash_b = _cash(w.branch_a), _cash(w.branch_b)
    common = {"actor": ledger.fiona, "unit": w.branch_a, "entry_date": DAY}
    for amount in (0, -5, 1.5, True):
        with pytest.raises(EntryRefused) as refused:
            services.bank_interest_draft(**common, amount=amount, money_account=cash_a)
        assert list(refused.value.error_dict) == ["amount"]
    with pytest.raises(EntryRefused) as refused:
        services.bank_interest_draft(**common, amount=100, money_account=cash_b)  # another office's cash
    assert list(refused.value.error_dict) == ["money_account"]
    zakat_receipt = Account.objects.get(institution=w.alpha, code="4110")
    with pytest.raises(EntryRefused) as refused:
        services.amil_cost_draft(
            **common, amount=100, category="rent", money_account=cash_a, expense_account=zakat_receipt
        )
    assert list(refused.value.error_dict) == ["expense_account"]
    with pytest.raises(EntryRefused) as refused:
        services.amil_cost_draft(**common, amount=100, category="party", money_account=cash_a)
    assert list(refused.value.error_dict) == ["category"]
    with pytest.raises(NotAllowed):
        services.bank_interest_draft(
            actor=ledger.felix, unit=w.branch_a, entry_date=DAY, amount=1, money_account=cash_a
        )
    assert not JournalEntry.objects.exists()


def test_cash_flows_show_everyday_entries_by_activity(ledger):
    w = ledger.world
    cash = _cash(w.branch_a)
    donate(w.branch_a, 1_000_000, fund="amil", account="4490", entry_date=date(2025, 2, 1))
    for draft in (
        services.bank_interest_draft(
            actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=30_000, money_account=cash
        ),
        services.non_halal_use_draft(
            actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=20_000, money_account=cash
        ),
        services.amil_cost_draft(
            actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=300_000, category="salaries", money_account=cash
        ),
        services.amil_cost_draft(
            actor=ledger.fiona, unit=w.branch_a, entry_date=DAY, amount=75_000, category="utilities", money_account=cash
        ),
    ):
        services.manual_entry_approve(actor=ledger.hank, entry=draft)
    flow = cash_flows(ledger.fatma, w.branch_a, MonthRange.month(2025, 3)).current[None]
    assert {li.activity: li.net for li in flow.lines} == {
        "non_halal_receipts": 30_000,
        "non_halal_distributions": -20_000,
        "amil_operating": -375_000,
    }
    assert flow.opening == 1_000_000 and flow.closing == flow.opening + flow.net == 635_000


def test_the_forms_post_drafts_and_are_refused_to_the_auditor(ledger):
    w = ledger.world
    client = Client()
    client.force_login(ledger.fiona)
    client.cookies["satuatap_language"] = "en"  # the memo is written in the clerk's language
    page = client.get("/ledger/entries/everyday/amil-cost/")
    assert page.status_code == 200
    assert page.resolver_match.url_name == "everyday_entry"
    form = {
        "unit": w.branch_a.pk,
        "entry_date": DAY.isoformat(),
        "amount": "250000",
        "money_account": _cash(w.branch_a).pk,
    }
    saved = client.post("/ledger/entries/everyday/amil-cost/", {**form, "category": "rent", "memo": "Sewa Maret"})
    entry = JournalEntry.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/ledger/entries/{entry.pk}/"
    assert entry.status == EntryStatus.DRAFT and entry.memo == "Rent: Sewa Maret"
    assert entry.draft_lines[0]["account"] == "5420"
    bad = client.post("/ledger/entries/everyday/bank-interest/", {**form, "amount": "12,5"})
    assert bad.status_code == 200 and bad.context["form"].errors["amount"]
    other = client.post("/ledger/entries/everyday/bank-interest/", {**form, "money_account": _cash(w.branch_b).pk})
    assert other.status_code == 200 and other.context["form"].errors["money_account"]
    assert client.get("/ledger/entries/everyday/tithe/").status_code == 404
    auditor = Client()
    auditor.force_login(w.audrey)
    assert auditor.post("/ledger/entries/everyday/bank-interest/", form).status_code == 403
    assert JournalEntry.objects.count() == 1
