"""The staff pages of the ledger: what finance, heads and auditors do in the browser."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from satuatap.audit.models import AuditEvent
from satuatap.ledger.models import Account, AmilRate, EntryStatus, FundPosition, JournalEntry, Period
from satuatap.ledger.tests.conftest import DAY, cash_code, disburse, donate, posted_manual
from tests.scoping import response_text


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def test_overview_shows_fund_positions_of_the_subtree(ledger):
    donate(ledger.world.branch_a, 2_500_000)
    donate(ledger.world.branch_b, 999_000)
    page = as_user(ledger.fiona).get("/ledger/").content.decode()
    assert "Rp2.500.000" in page
    assert "Rp999.000" not in page
    region = as_user(ledger.rhea).get("/ledger/").content.decode()
    assert "Rp999.000" in region and "Rp2.500.000" in region


def test_an_institution_without_chart_is_offered_the_standard_chart(world):
    client = as_user(world.eve)
    assert "PSAK 109" in client.get("/ledger/").content.decode()
    response = client.post("/ledger/setup/")
    assert response.status_code == 302
    assert Account.objects.filter(institution=world.beta).count() > 50
    assert AuditEvent.objects.filter(action="ledger.chart_created", actor=world.eve).exists()


def test_manual_entry_from_draft_to_posting_by_another_person(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000_000)
    finance = as_user(ledger.fiona)
    form = {
        "unit": w.branch_a.pk,
        "entry_date": DAY.isoformat(),
        "memo": "Koreksi salah catat",
        "lines-TOTAL_FORMS": 3,
        "lines-INITIAL_FORMS": 0,
        "lines-MIN_NUM_FORMS": 2,
        "lines-MAX_NUM_FORMS": 200,
        "lines-0-account": "4110",
        "lines-0-fund": "zakat",
        "lines-0-debit": 10_000,
        "lines-1-account": cash_code(w.branch_a),
        "lines-1-fund": "zakat",
        "lines-1-credit": 10_000,
    }
    response = finance.post("/ledger/entries/new/", form)
    assert response.status_code == 302, response.context["form"].errors
    draft = JournalEntry.objects.get(memo="Koreksi salah catat")
    assert draft.status == EntryStatus.DRAFT
    # The maker cannot approve (no approve role); the head can.
    assert finance.post(f"/ledger/entries/{draft.pk}/approve/").status_code in (302, 403)
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT
    as_user(ledger.hank).post(f"/ledger/entries/{draft.pk}/approve/")
    draft.refresh_from_db()
    assert draft.status == EntryStatus.POSTED and draft.approved_by == ledger.hank
    detail = as_user(ledger.hank).get(f"/ledger/entries/{draft.pk}/").content.decode()
    assert "Rp10.000" in detail


def test_unbalanced_manual_entry_is_refused_and_nothing_is_saved(ledger):
    w = ledger.world
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
    assert response.context["form"].non_field_errors()
    assert JournalEntry.objects.count() == before


def test_reversing_an_entry_and_refusing_a_second_reversal(ledger):
    entry = posted_manual(ledger, 400_000)
    client = as_user(ledger.fiona)
    assert 'data-testid="reverse"' in client.get(f"/ledger/entries/{entry.pk}/").content.decode()
    response = client.post(f"/ledger/entries/{entry.pk}/reverse/", {"reason": "salah input"})
    assert response.status_code == 302
    assert JournalEntry.objects.filter(reverses=entry).exists()
    assert 'data-testid="reverse"' not in client.get(f"/ledger/entries/{entry.pk}/").content.decode()
    again = client.post(f"/ledger/entries/{entry.pk}/reverse/", {"reason": "lagi"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert JournalEntry.objects.filter(reverses=entry).count() == 1


@pytest.mark.parametrize("made_by", ["collection", "distribution"])
def test_the_page_does_not_reverse_a_donation_or_disbursement_and_offers_no_button(ledger, made_by):
    w = ledger.world
    entry = donate(w.branch_a, 400_000)
    if made_by == "distribution":
        entry = disburse(w.branch_a, 150_000)
    client = as_user(ledger.fiona)
    assert 'data-testid="reverse"' not in client.get(f"/ledger/entries/{entry.pk}/").content.decode()
    told = ("void the receipt", "batalkan kuitansi")  # the page speaks Indonesian unless asked otherwise
    form = client.get(f"/ledger/entries/{entry.pk}/reverse/", follow=True)
    assert any(text in form.content.decode() for text in told)
    refused = client.post(f"/ledger/entries/{entry.pk}/reverse/", {"reason": "salah input"})
    assert refused.status_code == 200
    assert any(text in " ".join(refused.context["form"].non_field_errors()) for text in told)
    assert not JournalEntry.objects.filter(reverses=entry).exists()
    assert FundPosition.objects.get(unit=w.branch_a, fund__kind="zakat").available == (
        400_000 if made_by == "collection" else 250_000
    )


def test_outsiders_cannot_open_or_post_the_reverse_page(ledger):
    w = ledger.world
    entry = posted_manual(ledger, 400_000)
    for user in (ledger.felix, w.audrey, w.eve):  # another branch, an auditor, another institution
        client = as_user(user)
        assert client.get(f"/ledger/entries/{entry.pk}/reverse/").status_code in (403, 404)
        assert client.post(f"/ledger/entries/{entry.pk}/reverse/", {"reason": "x"}).status_code in (403, 404)
    anonymous = Client().post(f"/ledger/entries/{entry.pk}/reverse/", {"reason": "x"})
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert not JournalEntry.objects.filter(reverses=entry).exists()


def test_transfer_more_than_available_is_refused_with_a_message(ledger):
    w = ledger.world
    donate(w.branch_a, 100_000)
    client = as_user(ledger.fiona)
    form = {
        "from_unit": w.branch_a.pk,
        "to_unit": w.area.pk,
        "fund": "zakat",
        "amount": 500_000,
        "entry_date": DAY.isoformat(),
        "memo": "setor",
        "idempotency_key": "t1",
    }
    refused = client.post("/ledger/transfers/new/", form)
    assert refused.status_code == 200
    assert "Rp100.000" in refused.content.decode()
    form["amount"] = 60_000
    posted = client.post("/ledger/transfers/new/", form)
    assert posted.status_code == 302
    # A double-clicked form (same hidden key) posts once.
    client.post("/ledger/transfers/new/", form)
    assert JournalEntry.objects.filter(source="transfer").count() == 1


def test_amil_rate_above_cap_is_refused_and_a_month_is_allocated_once(ledger):
    w = ledger.world
    donate(w.branch_a, 1_000_000)
    head_admin = as_user(w.carol)
    refused = head_admin.post("/ledger/amil/", {"action": "rate", "fund_kind": "zakat", "percent": "15"})
    assert refused.status_code == 200 and refused.context["rate_form"].errors
    assert (
        head_admin.post("/ledger/amil/", {"action": "rate", "fund_kind": "zakat", "percent": "10"}).status_code == 302
    )
    assert AmilRate.objects.get(institution=w.alpha, fund_kind="zakat").basis_points == 1000
    client = as_user(ledger.fiona)
    run = {"action": "run", "unit": w.branch_a.pk, "month": f"{DAY.year}-{DAY.month:02d}"}
    assert client.post("/ledger/amil/", run).status_code == 302
    client.post("/ledger/amil/", run)
    amil = JournalEntry.objects.filter(source="amil_share")
    assert amil.count() == 1 and amil.get().total == 200_000  # 10% out of zakat, into the amil fund


def test_closing_a_month_blocks_posting_into_it(ledger):
    client = as_user(ledger.hana)
    response = client.post("/ledger/periods/", {"year": DAY.year, "month": DAY.month})
    assert response.status_code == 302
    assert Period.objects.get(institution=ledger.world.alpha, year=DAY.year, month=DAY.month).is_closed
    with pytest.raises(Exception, match="closed|ditutup"):
        donate(ledger.world.branch_a, 1000)


def test_opening_balances_import_once_with_row_errors(ledger):
    w = ledger.world
    client = as_user(ledger.fiona)
    good = f"account_code,fund,debit,credit\n{cash_code(w.branch_a)},zakat,5000000,0\n3100,zakat,0,5000000\n"
    bad = "account_code,fund,debit,credit\n1100,zakat,lima,0\n"
    response = client.post(
        "/ledger/opening/",
        {"unit": w.branch_a.pk, "as_of": "2025-01-01", "file": SimpleUploadedFile("o.csv", bad.encode())},
    )
    assert "Row 2" in response.content.decode() or "Baris 2" in response.content.decode()
    account = Account.objects.filter(institution=w.alpha, role="fund_balance", fund_kind="zakat").first()
    good = good.replace("3100", account.code)
    ok = client.post(
        "/ledger/opening/",
        {"unit": w.branch_a.pk, "as_of": "2025-01-01", "file": SimpleUploadedFile("o.csv", good.encode())},
    )
    assert ok.status_code == 302
    again = client.post(
        "/ledger/opening/",
        {"unit": w.branch_a.pk, "as_of": "2025-01-01", "file": SimpleUploadedFile("o.csv", good.encode())},
    )
    assert again.status_code == 200
    assert JournalEntry.objects.filter(source="opening").count() == 1


REPORTS = ["trial-balance", "financial-position", "changes-in-funds", "cash-flows", "managed-assets"]


@pytest.mark.parametrize("slug", REPORTS)
def test_each_report_renders_as_page_pdf_and_excel(ledger, slug):
    w = ledger.world
    donate(w.branch_a, 3_000_000)
    donate(w.branch_b, 1_000_000)
    client = as_user(ledger.rhea)
    query = f"?unit={w.region.pk}&start={DAY.year}-01&end={DAY.year}-12&consolidated=on&compare=on"
    page = client.get(f"/ledger/reports/{slug}/{query}")
    assert page.status_code == 200
    assert page.context["result"] is not None
    pdf = client.get(f"/ledger/reports/{slug}/{query}&format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/ledger/reports/{slug}/{query}&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    if slug in ("trial-balance", "changes-in-funds"):
        assert b"4000000" in response_text(xlsx)


def test_changes_in_funds_page_shows_consolidated_receipts(ledger):
    w = ledger.world
    donate(w.branch_a, 3_000_000)
    donate(w.branch_b, 1_000_000)
    query = f"?unit={w.region.pk}&start={DAY.year}-01&end={DAY.year}-12&consolidated=on"
    page = as_user(ledger.rhea).get(f"/ledger/reports/changes-in-funds/{query}").content.decode()
    assert "Rp4.000.000" in page


def test_general_ledger_lists_lines_with_running_balance(ledger):
    w = ledger.world
    donate(w.branch_a, 300_000)
    donate(w.branch_a, 200_000, entry_date=date(DAY.year, DAY.month, DAY.day + 1))
    cash = Account.objects.get(institution=w.alpha, code=cash_code(w.branch_a))
    query = f"?unit={w.branch_a.pk}&start={DAY.year}-01&end={DAY.year}-12&account={cash.pk}"
    page = as_user(ledger.fiona).get(f"/ledger/reports/general-ledger/{query}").content.decode()
    assert "Rp300.000" in page and "Rp500.000" in page


@pytest.mark.parametrize(
    "query", ["?start=2025-13&end=2025-12", "?start=abc&end=2025-01", "?start=2025-06&end=2025-01"]
)
def test_bad_report_months_get_a_message_not_an_error(ledger, query):
    response = as_user(ledger.fiona).get(f"/ledger/reports/trial-balance/{query}&unit={ledger.world.branch_a.pk}")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_chart_of_accounts_exports_and_edits(ledger):
    client = as_user(ledger.fatma)
    xlsx = client.get("/ledger/accounts/?format=xlsx")
    assert b"4110" in response_text(xlsx)
    account = Account.objects.get(institution=ledger.world.alpha, code="4110")
    response = client.post(f"/ledger/accounts/{account.pk}/edit/", {"code": "4110", "name": "Zakat maal (perorangan)"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "Zakat maal (perorangan)"
    assert AuditEvent.objects.filter(action="ledger.account_updated").exists()


def test_journal_list_filters_and_exports(ledger):
    donate(ledger.world.branch_a, 123_000)
    client = as_user(ledger.fiona)
    page = client.get("/ledger/entries/?status=posted&source=donation")
    assert "Rp123.000" in page.content.decode()
    bad = client.get("/ledger/entries/?from=not-a-date")
    assert bad.status_code == 200 and "not-a-date" in bad.content.decode()
    assert b"123000" in response_text(client.get("/ledger/entries/?format=xlsx"))


def test_transfer_and_amil_share_show_the_money_moved_not_both_sides(ledger):
    w = ledger.world
    donate(w.branch_a, 3_000_000)
    client = as_user(ledger.fiona)
    form = {
        "from_unit": w.branch_a.pk,
        "to_unit": w.area.pk,
        "fund": "zakat",
        "amount": 2_000_000,
        "entry_date": DAY.isoformat(),
        "memo": "setor",
        "idempotency_key": "t-amount",
    }
    assert client.post("/ledger/transfers/new/", form).status_code == 302
    transfer = JournalEntry.objects.get(source="transfer")
    for page in (client.get(f"/ledger/entries/{transfer.pk}/"), client.get("/ledger/entries/?source=transfer")):
        text = page.content.decode()
        assert "Rp2.000.000" in text and "Rp4.000.000" not in text
    AmilRate.objects.filter(institution=w.alpha, fund_kind="zakat").update(basis_points=1000)
    run = {"action": "run", "unit": w.branch_a.pk, "month": f"{DAY.year}-{DAY.month:02d}"}
    done = client.post("/ledger/amil/", run, follow=True)
    (message,) = [m.message for m in done.context["messages"]]
    assert "Rp300.000" in message and "Rp600.000" not in message  # 10% of Rp3.000.000, taken once
