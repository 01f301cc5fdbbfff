"""Every bad field of an everyday entry (bank interest, non-halal use, amil costs) comes back in one
round (issue 14 item 4): the form's own refusal, the closed month and another office's cash account
are shown together, and no draft is saved."""

import pytest

from satuatap.ledger.models import Account, JournalEntry
from satuatap.ledger.tests.conftest import DAY, cash_code
from satuatap.ledger.tests.test_all_errors_at_once import as_user, close_march


@pytest.mark.parametrize("kind", ["bank-interest", "non-halal-use", "amil-cost"])
def test_everyday_entry_shows_the_amount_the_closed_month_and_the_other_office_together(ledger, kind):
    w = ledger.world
    close_march(ledger)
    region_cash = Account.objects.get(institution=w.alpha, code=cash_code(w.region))
    response = as_user(ledger.rhea).post(
        f"/ledger/entries/everyday/{kind}/",
        {
            "unit": w.branch_a.pk,
            "entry_date": DAY.isoformat(),
            "amount": "0",
            "money_account": region_cash.pk,  # the region's cash, offered to its finance, but not branch A's
            "category": "rent",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "greater than or equal to 1" in " ".join(errors.get("amount", []))
    assert "are closed" in " ".join(errors.get("entry_date", []))
    assert errors.get("money_account") == [f"Choose a cash or bank account of {w.branch_a.name}."]
    assert not JournalEntry.objects.exclude(source="close").exists()


def test_everyday_service_names_every_bad_field_at_once(ledger):
    from satuatap.ledger import services
    from satuatap.ledger.errors import EntryRefused

    w = ledger.world
    close_march(ledger)
    zakat_receipt = Account.objects.get(institution=w.alpha, code="4110")
    with pytest.raises(EntryRefused) as refused:
        services.amil_cost_draft(
            actor=ledger.fiona,
            unit=w.branch_a,
            entry_date=DAY,
            amount=0,
            category="party",
            money_account=Account.objects.get(institution=w.alpha, code=cash_code(w.branch_b)),
            expense_account=zakat_receipt,
        )
    assert set(refused.value.error_dict) == {"entry_date", "amount", "money_account", "category", "expense_account"}
