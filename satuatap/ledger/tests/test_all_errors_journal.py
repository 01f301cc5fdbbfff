"""Reversing an entry shows every bad field in one round (issue 14 item 4): a missing reason and a day
before the entry together, and nothing is posted."""

import pytest

from satuatap.ledger import services
from satuatap.ledger.errors import ReversalRefused
from satuatap.ledger.models import JournalEntry, Source
from satuatap.ledger.tests.conftest import posted_manual
from satuatap.ledger.tests.test_all_errors_at_once import as_user


def test_reversal_shows_the_missing_reason_and_the_day_before_the_entry_together(ledger):
    entry = posted_manual(ledger, 10_000)
    response = as_user(ledger.fiona).post(
        f"/ledger/entries/{entry.pk}/reverse/", {"reason": "", "entry_date": "2025-03-01"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["reason"] == ["This field is required."]
    assert errors["entry_date"] == ["A reversal cannot be dated before the entry it reverses."]
    with pytest.raises(ReversalRefused) as refused:
        services.entry_reverse(actor=ledger.fiona, entry=entry, reason=" ", entry_date=entry.entry_date.replace(day=1))
    assert set(refused.value.error_dict) == {"reason", "entry_date"}
    assert not JournalEntry.objects.filter(source=Source.REVERSAL).exists()
