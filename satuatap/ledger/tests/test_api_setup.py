"""The chart of accounts, bank accounts, amil share rates and the amil share batch over the REST API.

Personas: fiona = finance of branch A, felix = finance of branch B, fatma = finance of the ALPHA root,
hank = head of branch A (``ledger`` fixture); alice = admin of branch A, audrey = auditor of branch A,
carol = admin of ALPHA, eve = admin of BETA, frank = front office of branch A (``world``).
"""

import pytest

from satuatap.audit.models import AuditEvent
from satuatap.ledger import services
from satuatap.ledger.models import Account, AmilRate, JournalEntry, Source
from satuatap.organizations.models import Unit

from .conftest import cash_code, donate
from .test_api import Api

ACCOUNTS = "/api/v1/ledger/accounts"
RATES = "/api/v1/ledger/amil-rates"
AMIL_SHARE = "/api/v1/ledger/amil-share"


def _bank(unit, **extra):
    return {
        "code": "1210.BRA",
        "name": "Bank Syariah Anggrek",
        "role": "bank",
        "unit_id": unit.pk,
        "bank_name": "BSI",
        "bank_account_number": "7001234567",
        **extra,
    }


# --- chart and accounts -----------------------------------------------------------------------------


def test_finance_adds_a_bank_account_of_their_office_and_it_is_listed(ledger):
    fiona = Api(ledger.fiona)
    response = fiona.post(ACCOUNTS, _bank(ledger.world.branch_a))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["role"], body["unit_id"], body["bank_account_number"]) == (
        "bank",
        ledger.world.branch_a.pk,
        "7001234567",
    )
    assert body["type"] == "asset"
    listed = fiona.get("/accounts", role="bank").json()["items"]
    assert [a["code"] for a in listed] == ["1210.BRA"]
    assert AuditEvent.objects.filter(action="ledger.account_created", actor=ledger.fiona).exists()


def test_institution_finance_adds_a_shared_account_and_renames_and_deactivates_it(ledger):
    fatma = Api(ledger.fatma)
    body = {"code": "5199", "name": "Bantuan lain-lain", "role": "distribution", "fund_kind": "infak"}
    created = fatma.post(ACCOUNTS, body)
    assert created.status_code == 201, created.content
    assert created.json()["unit_id"] is None
    account_id = created.json()["id"]
    changed = fatma.patch(f"/accounts/{account_id}", {"name": "Bantuan umum", "is_active": False})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["is_active"]) == ("Bantuan umum", False)
    account = Account.objects.get(pk=account_id)
    assert (account.name, account.is_active) == ("Bantuan umum", False)


def test_a_branch_finance_may_not_add_a_shared_account(ledger):
    response = Api(ledger.fiona).post(
        ACCOUNTS, {"code": "5199", "name": "X", "role": "distribution", "fund_kind": "infak"}
    )
    assert response.status_code == 403
    assert not Account.objects.filter(code="5199").exists()


@pytest.mark.parametrize("persona", ["hank", "audrey", "frank"])
def test_roles_that_do_not_keep_accounts_are_refused(ledger, persona):
    user = getattr(ledger, persona, None) or getattr(ledger.world, persona)
    before = Account.objects.count()
    client = Api(user)
    assert client.post(ACCOUNTS, _bank(ledger.world.branch_a)).status_code == 403
    own = Account.objects.get(code=cash_code(ledger.world.branch_a), institution=ledger.world.alpha)
    assert client.patch(f"/accounts/{own.pk}", {"name": "Kas"}).status_code == 403
    assert Account.objects.count() == before
    assert Account.objects.get(pk=own.pk).name == own.name


def test_another_offices_or_institutions_accounts_are_not_found(ledger):
    w = ledger.world
    services.chart_create_default(actor=w.eve, institution=w.beta)
    fiona = Api(ledger.fiona)
    b_cash = Account.objects.get(code=cash_code(w.branch_b), institution=w.alpha)
    beta_shared = Account.objects.get(code="4110", institution=w.beta)
    for account in (b_cash, beta_shared):
        response = fiona.patch(f"/accounts/{account.pk}", {"name": "Taken"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert "SECRET" not in response.content.decode()
    # A bank account for an office outside the user's units: the office is not found, nothing is added.
    for unit in (w.branch_b, w.beta_branch):
        response = fiona.post(ACCOUNTS, _bank(unit, code="1210.X"))
        assert response.status_code == 404
    assert not Account.objects.filter(code="1210.X").exists()


def test_a_refused_account_names_the_request_field(ledger):
    fiona = Api(ledger.fiona)
    no_bank = _bank(ledger.world.branch_a, bank_name="", bank_account_number="")
    response = fiona.post(ACCOUNTS, no_bank)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["bank_account_number"]
    response = fiona.post(ACCOUNTS, {**_bank(ledger.world.branch_a), "unit_id": None})
    assert response.status_code == 403  # a shared bank account is the institution's: not a branch's finance
    fatma = Api(ledger.fatma)
    response = fatma.post(ACCOUNTS, {**_bank(ledger.world.branch_a), "unit_id": None})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["unit_id"]


def test_bad_account_input_lists_every_field_at_once(ledger):
    response = Api(ledger.fiona).post(
        ACCOUNTS, {"code": "X" * 21, "role": "pocket", "fund_kind": "gold", "unit_id": "here", "bank_name": 5}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"code", "name", "role", "fund_kind", "unit_id", "bank_name"}
    response = Api(ledger.fiona).patch("/accounts/1", {"code": "", "is_active": "maybe"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"code", "is_active"}


def test_finance_of_the_institution_sets_up_the_chart_again_and_only_missing_accounts_are_added(ledger):
    w = ledger.world
    new_office = Unit.objects.get(pk=w.branch_a_sub.pk)
    Account.objects.filter(unit=new_office).delete()
    response = Api(ledger.fatma).post("/chart", {})
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1}
    assert Api(ledger.fatma).post("/chart", {}).json() == {"created": 0}
    assert Api(ledger.fiona).post("/chart", {}).status_code == 403
    assert Api(w.audrey).post("/chart", {"unit_id": w.branch_a.pk}).status_code == 403
    assert Api(w.bob).post("/chart", {"unit_id": w.branch_a.pk}).status_code == 404


# --- amil rates -----------------------------------------------------------------------------------------


def test_everyone_who_reads_the_ledger_reads_the_amil_rates(ledger):
    for user in (ledger.fiona, ledger.world.audrey, ledger.hank):
        response = Api(user).get("/amil-rates")
        assert response.status_code == 200
        rates = {r["fund_kind"]: r["basis_points"] for r in response.json()}
        assert rates["zakat"] == 1250
    assert Api(ledger.world.frank).get("/amil-rates").status_code == 403
    assert Api(ledger.fiona).get("/amil-rates", unit_id=ledger.world.beta.pk).status_code == 404


def test_institution_finance_sets_an_amil_rate_within_its_cap(ledger):
    fatma = Api(ledger.fatma)
    response = fatma.post(RATES, {"fund_kind": "infak", "basis_points": 1500})
    assert response.status_code == 200, response.content
    assert (response.json()["fund_kind"], response.json()["basis_points"]) == ("infak", 1500)
    assert AmilRate.objects.get(institution=ledger.world.alpha, fund_kind="infak").basis_points == 1500
    too_high = fatma.post(RATES, {"fund_kind": "zakat", "basis_points": 1300})
    assert too_high.status_code == 400
    assert list(too_high.json()["error"]["fields"]) == ["basis_points"]
    assert AmilRate.objects.get(institution=ledger.world.alpha, fund_kind="zakat").basis_points == 1250


@pytest.mark.parametrize("persona", ["fiona", "hank", "audrey", "frank"])
def test_amil_rates_are_kept_by_the_institutions_admin_and_finance_only(ledger, persona):
    user = getattr(ledger, persona, None) or getattr(ledger.world, persona)
    response = Api(user).post(RATES, {"fund_kind": "infak", "basis_points": 0})
    assert response.status_code == 403
    assert AmilRate.objects.get(institution=ledger.world.alpha, fund_kind="infak").basis_points == 2000


def test_amil_rates_of_another_institution_are_out_of_reach(ledger):
    w = ledger.world
    services.chart_create_default(actor=w.eve, institution=w.beta)
    response = Api(ledger.fatma).post(RATES, {"unit_id": w.beta.pk, "fund_kind": "infak", "basis_points": 0})
    assert response.status_code == 404
    assert AmilRate.objects.get(institution=w.beta, fund_kind="infak").basis_points == 2000


def test_bad_amil_rate_input_lists_every_field_at_once(ledger):
    response = Api(ledger.fatma).post(RATES, {"unit_id": "x", "fund_kind": "gold", "basis_points": 10001})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"unit_id", "fund_kind", "basis_points"}


# --- the amil share batch ---------------------------------------------------------------------------------


def test_finance_posts_the_amil_share_of_a_month_once(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000_000)
    fiona = Api(ledger.fiona)
    first = fiona.post(AMIL_SHARE, {"unit_id": w.branch_a.pk, "month": "2025-03"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["posted"] is True
    assert body["entry"]["source"] == Source.AMIL_SHARE
    lines = {(line["account_code"], line["fund_kind"]): line for line in body["entry"]["lines"]}
    assert lines[("5103", "zakat")]["debit"] == 125_000
    again = fiona.post(AMIL_SHARE, {"unit_id": w.branch_a.pk, "month": "2025-03"})
    assert again.status_code == 200
    assert again.json() == {"posted": False, "message": again.json()["message"], "entry": None}
    assert JournalEntry.objects.filter(source=Source.AMIL_SHARE).count() == 1


@pytest.mark.parametrize("persona", ["hank", "audrey", "alice", "frank"])
def test_only_finance_posts_the_amil_share(ledger, persona):
    w = ledger.world
    donate(w.branch_a, 1_000_000)
    user = getattr(ledger, persona, None) or getattr(w, persona)
    response = Api(user).post(AMIL_SHARE, {"unit_id": w.branch_a.pk, "month": "2025-03"})
    assert response.status_code == 403
    assert not JournalEntry.objects.filter(source=Source.AMIL_SHARE).exists()


def test_the_amil_share_of_another_office_is_not_posted(ledger):
    w = ledger.world
    donate(w.branch_b, 1_000_000)
    for unit in (w.branch_b, w.beta_branch):
        response = Api(ledger.fiona).post(AMIL_SHARE, {"unit_id": unit.pk, "month": "2025-03"})
        assert response.status_code == 404
        assert "SECRET" not in response.content.decode()
    assert not JournalEntry.objects.filter(source=Source.AMIL_SHARE).exists()


def test_bad_amil_share_input_lists_every_field_at_once(ledger):
    response = Api(ledger.fiona).post(AMIL_SHARE, {"month": "2025-13"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"unit_id", "month"}


def test_nulls_in_an_account_change_leave_those_fields_as_they_are(ledger):
    """The account's columns are NOT NULL: a null sent for one is no change, never a 500."""
    own = Account.objects.get(code=cash_code(ledger.world.branch_a), institution=ledger.world.alpha)
    response = Api(ledger.fiona).patch(f"/accounts/{own.pk}", {"bank_name": None, "is_active": None, "name": "Kas"})
    assert response.status_code == 200, response.content
    own.refresh_from_db()
    assert (own.name, own.bank_name, own.is_active) == ("Kas", "", True)
