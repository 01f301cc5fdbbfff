"""Every bad field of the ledger's setup forms comes back in one round (issue 14 item 4): accounts,
amil share rates, closing a period and opening balances; the form's own refusals and the service's
are shown together, in the page and in the API, and nothing is saved."""

from django.core.files.uploadedfile import SimpleUploadedFile

from satuatap.ledger.models import Account, AmilRate, JournalEntry, Period
from satuatap.ledger.tests.conftest import cash_code
from satuatap.ledger.tests.test_all_errors_at_once import as_user, close_march
from satuatap.ledger.tests.test_api import Api


def test_new_account_shows_the_missing_name_the_taken_code_and_the_missing_bank_number_together(ledger):
    w = ledger.world
    before = Account.objects.count()
    response = as_user(ledger.fatma).post(
        "/ledger/accounts/new/",
        {"code": "4110", "name": "", "role": "bank", "unit": w.branch_a.pk, "bank_name": "BSI"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["This field is required."]
    assert errors["code"] == ["Code 4110 is already used in this chart."]
    assert errors["bank_account_number"] == ["Give the bank's name and the account number."]
    assert Account.objects.count() == before


def test_the_account_api_names_the_taken_code_the_missing_fund_and_the_missing_bank_number_at_once(ledger):
    response = Api(ledger.fatma).post(
        "/api/v1/ledger/accounts", {"code": "4110", "name": "Bank", "role": "bank", "unit_id": ledger.world.branch_a.pk}
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"code", "bank_account_number"}
    response = Api(ledger.fatma).post(
        "/api/v1/ledger/accounts", {"code": "4110", "name": "Zakat baru", "role": "receipt"}
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"code", "fund_kind"}


def test_account_edit_service_names_the_taken_code_and_the_empty_name_at_once(ledger):
    import pytest

    from satuatap.ledger import services
    from satuatap.ledger.errors import AccountRefused

    account = Account.objects.get(institution=ledger.world.alpha, code="5101")
    with pytest.raises(AccountRefused) as refused:
        services.account_update(actor=ledger.fatma, account=account, code="4110", name=" ")
    assert set(refused.value.error_dict) == {"code", "name"}


def test_amil_rate_shows_the_bad_rate_and_the_fund_without_amil_share_together(ledger):
    before = list(AmilRate.objects.values_list("fund_kind", "basis_points"))
    response = as_user(ledger.fatma).post("/ledger/amil/", {"action": "rate", "fund_kind": "amil", "percent": "abc"})
    assert response.status_code == 200
    errors = response.context["rate_form"].errors
    assert errors["fund_kind"] == ["The amil share is not taken from this fund."]
    assert errors["percent"] == ["Enter a number."]
    response = as_user(ledger.fatma).post("/ledger/amil/", {"action": "rate", "fund_kind": "zakat", "percent": "13"})
    assert "may be at most" in " ".join(response.context["rate_form"].errors["percent"])
    assert list(AmilRate.objects.values_list("fund_kind", "basis_points")) == before


def test_the_amil_rate_api_names_the_fund_and_the_rate_at_once(ledger):
    # Both are refused by the schema, in one answer; the service refuses its one rule left (the cap) alone.
    response = Api(ledger.fatma).post("/api/v1/ledger/amil-rates", {"fund_kind": "gold", "basis_points": "x"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"fund_kind", "basis_points"}


def test_period_close_shows_the_bad_year_and_the_bad_month_together(ledger):
    response = as_user(ledger.fatma).post("/ledger/periods/", {"year": "1999", "month": "13"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"year", "month"}
    assert not Period.objects.filter(is_closed=True).exists()


def test_opening_balances_show_the_closed_month_and_the_bad_rows_together(ledger):
    w = ledger.world
    close_march(ledger)
    rows = f"account_code,fund,debit,credit\n{cash_code(w.branch_a)},zakat,5000,0\n4110,zakat,0,4000\n"
    response = as_user(ledger.fiona).post(
        "/ledger/opening/",
        {"unit": w.branch_a.pk, "as_of": "2025-03-01", "file": SimpleUploadedFile("o.csv", rows.encode())},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "are closed" in " ".join(errors["as_of"])
    assert "Line 2: opening balances go to asset, liability and fund balance accounts." in errors["file"]
    assert not JournalEntry.objects.filter(source="opening").exists()


def test_opening_balances_show_the_missing_date_and_the_unreadable_file_together(ledger):
    response = as_user(ledger.fiona).post(
        "/ledger/opening/",
        {"unit": ledger.world.branch_a.pk, "as_of": "", "file": SimpleUploadedFile("o.csv", b"a,b\n1,2\n")},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["as_of"] == ["This field is required."]
    assert errors["file"] == ["The first row must name the columns account_code, fund, debit, credit."]
    assert not JournalEntry.objects.filter(source="opening").exists()
