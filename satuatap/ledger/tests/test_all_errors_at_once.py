"""Every bad field of a ledger form comes back in one round (issue 14 item 4): two independent
problems sent together are both shown, and nothing is saved."""

from django.conf import settings
from django.test import Client

from satuatap.ledger import services
from satuatap.ledger.models import JournalEntry
from satuatap.ledger.tests.conftest import DAY, cash_code


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def close_march(ledger):
    services.period_close(actor=ledger.fatma, institution=ledger.world.alpha, year=DAY.year, month=DAY.month)


def test_manual_entry_shows_the_closed_month_and_the_unbalanced_lines_together(ledger):
    w = ledger.world
    close_march(ledger)
    before = JournalEntry.objects.count()
    response = as_user(ledger.fiona).post(
        "/ledger/entries/new/",
        {
            "unit": w.branch_a.pk,
            "entry_date": DAY.isoformat(),
            "memo": "tidak seimbang",
            "lines-TOTAL_FORMS": 2,
            "lines-INITIAL_FORMS": 0,
            "lines-0-account": "4110",
            "lines-0-fund": "zakat",
            "lines-0-debit": 10_000,
            "lines-1-account": cash_code(w.branch_a),
            "lines-1-fund": "zakat",
            "lines-1-credit": 9_000,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "are closed" in " ".join(form.errors.get("entry_date", []))
    assert form.non_field_errors()  # the unbalanced lines
    assert JournalEntry.objects.count() == before


def test_transfer_shows_the_wrong_office_and_the_closed_month_together(ledger):
    w = ledger.world
    close_march(ledger)
    before = JournalEntry.objects.count()
    form = {
        "from_unit": w.branch_a.pk,
        "to_unit": w.branch_a.pk,
        "fund": "zakat",
        "amount": 50_000,
        "entry_date": DAY.isoformat(),
        "memo": "setor",
        "idempotency_key": "t1",
    }
    response = as_user(ledger.fiona).post("/ledger/transfers/new/", form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Choose another office to receive the funds." in errors.get("to_unit", [])
    assert "are closed" in " ".join(errors.get("entry_date", []))
    assert JournalEntry.objects.count() == before
