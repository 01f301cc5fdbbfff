"""The statements as an accountant receives them: XLSX with the statement's own structure
(title block, bold frozen header, rupiah formatted, totals as formulas) and PDFs in
"(dalam Rupiah)" with a total across funds."""

import subprocess
from datetime import datetime
from io import BytesIO

from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from satuatap.core.exports import xlsx_bytes
from satuatap.ledger import services
from satuatap.ledger.models import Account, Source
from satuatap.ledger.selectors import FundPositionRow
from satuatap.ledger.services import LineSpec
from satuatap.ledger.tests.conftest import DAY, cash_code, disburse, donate, next_key
from satuatap.ledger.views.sheets import fund_positions
from tests.workbooks import header_row, row_of, value, workbook

QUERY = f"?start={DAY.year}-01&end={DAY.year}-12"
MONEY = "#,##0"  # whole rupiah; Excel shows the separators of its locale


def as_user(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _books(ledger):
    w = ledger.world
    donate(w.branch_a, 3_000_000)
    donate(w.branch_a, 1_250_000, fund="infak", account="4210")
    disburse(w.branch_a, 400_000, account="5101")  # zakat to the poor (asnaf fakir)
    disburse(w.branch_a, 150_000, fund="infak", account="5201")  # infak through a pillar


def _amil_share_of_infak(unit, amount):
    """The amil fund's share of infak: no asnaf is involved (only zakat has asnaf)."""
    cash = cash_code(unit)
    services.entry_post(
        actor=None,
        unit=unit,
        entry_date=DAY,
        source=Source.DISBURSEMENT,  # the ledger posts real shares; the lines are what count here
        source_ref="test",
        idempotency_key=next_key("amil"),
        lines=[
            LineSpec("5290", "infak", debit=amount),
            LineSpec(cash, "infak", credit=amount),
            LineSpec(cash, "amil", debit=amount),
            LineSpec("4420", "amil", credit=amount),
        ],
    )


def _title_block(sheet, title, ledger):
    assert sheet["A1"].value == title and sheet["A1"].font.b
    assert sheet["A2"].value == ledger.world.branch_a.name
    assert str(DAY.year) in sheet["A3"].value
    made = sheet["A4"].value
    assert made.startswith("Made ") and "WIB" in made and str(ledger.fiona) in made


def test_changes_in_funds_workbook_has_a_column_per_fund_and_a_total_across_funds(ledger):
    _books(ledger)
    response = as_user(ledger.fiona).get(f"/ledger/reports/changes-in-funds/{QUERY}&format=xlsx")
    sheet = workbook(response).active
    _title_block(sheet, "Statement of changes in funds (Laporan Perubahan Dana)", ledger)
    top = header_row(sheet, "Item")
    header = [c.value for c in sheet[top]]
    assert header[:3] == ["Item", "Zakat", "Infak/sedekah (unrestricted)"] and header[-1] == "Total"
    assert all(c.font.b for c in sheet[top]) and sheet.freeze_panes == f"A{top + 1}"
    zakat, infak, total = "B", "C", chr(ord("A") + len(header) - 1)

    receipts = row_of(sheet, "Total receipts")
    assert sheet[f"{zakat}{receipts}"].value.startswith("=SUM(")
    assert value(sheet, f"{zakat}{receipts}") == 3_000_000 and value(sheet, f"{infak}{receipts}") == 1_250_000
    closing = row_of(sheet, "Closing balance")
    assert sheet[f"{zakat}{closing}"].number_format == MONEY and sheet[f"{zakat}{closing}"].font.b
    assert value(sheet, f"{zakat}{closing}") == 3_000_000 - 400_000
    assert value(sheet, f"{infak}{closing}") == 1_250_000 - 150_000
    assert sheet[f"{total}{closing}"].value.startswith("=")
    assert value(sheet, f"{total}{closing}") == 3_000_000 + 1_250_000 - 400_000 - 150_000
    # The asnaf line holds the zakat fund's figure only; the pillar line the infak fund's.
    asnaf = row_of(sheet, "Asnaf Fakir (destitute)")
    assert value(sheet, f"{zakat}{asnaf}") == 400_000 and sheet[f"{infak}{asnaf}"].value is None
    assert sheet[f"{zakat}{asnaf}"].number_format == MONEY and isinstance(sheet[f"{zakat}{asnaf}"].value, int)


def test_financial_position_workbook_balances_with_formulas(ledger):
    _books(ledger)
    sheet = workbook(as_user(ledger.fiona).get(f"/ledger/reports/financial-position/{QUERY}&format=xlsx")).active
    _title_block(sheet, "Statement of financial position (Laporan Posisi Keuangan)", ledger)
    assets = row_of(sheet, "Total assets")
    assert sheet[f"B{assets}"].value.startswith("=SUM(")
    assert value(sheet, f"B{assets}") == 3_000_000 + 1_250_000 - 400_000 - 150_000
    funds = row_of(sheet, "Total liabilities and fund balances")
    assert value(sheet, f"B{funds}") == value(sheet, f"B{assets}")
    zakat = row_of(sheet, "Zakat")
    assert sheet[f"B{zakat}"].value == 2_600_000 and sheet[f"B{zakat}"].number_format == MONEY


def test_trial_balance_workbook_totals_debits_and_credits_with_formulas(ledger):
    _books(ledger)
    sheet = workbook(as_user(ledger.fiona).get(f"/ledger/reports/trial-balance/{QUERY}&format=xlsx")).active
    top = header_row(sheet, "Code")
    total = row_of(sheet, "Total")
    debits = sum(sheet[f"D{r}"].value or 0 for r in range(top + 1, total))
    assert debits == 3_000_000 + 1_250_000 + 400_000 + 150_000
    assert sheet[f"D{total}"].value == f"=SUM(D{top + 1}:D{total - 1})"
    assert value(sheet, f"D{total}") == debits == value(sheet, f"E{total}")
    assert sheet[f"D{top + 1}"].number_format == MONEY


def _pdf_text(response) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()


def test_statement_pdf_is_in_rupiah_with_a_total_across_funds(ledger):
    _books(ledger)
    client = as_user(ledger.fiona)
    text = _pdf_text(client.get(f"/ledger/reports/changes-in-funds/{QUERY}&format=pdf"))
    assert "(in Rupiah)" in text
    assert "Rp" not in text.replace("(in Rupiah)", "")
    assert "4.250.000" in text  # receipts of all funds together, in the total column
    assert "3.700.000" in text  # closing balance across funds
    position = _pdf_text(client.get(f"/ledger/reports/financial-position/{QUERY}&format=pdf"))
    assert "(in Rupiah)" in position and "Rp" not in position.replace("(in Rupiah)", "")
    assert "3.700.000" in position


def test_asnaf_wording_stays_under_the_zakat_fund(ledger):
    _books(ledger)
    _amil_share_of_infak(ledger.world.branch_a, 50_000)
    text = _pdf_text(as_user(ledger.fiona).get(f"/ledger/reports/changes-in-funds/{QUERY}&format=pdf"))
    assert "Asnaf Fakir" in text
    assert "50.000" in text  # the infak fund's amil share is there ...
    assert "asnaf amil" not in text.lower()  # ... without calling it an asnaf, as infak has none


def test_general_ledger_workbook_has_real_dates_and_summed_debits(ledger):
    _books(ledger)
    w = ledger.world
    cash = Account.objects.get(institution=w.alpha, code=cash_code(w.branch_a))
    query = f"{QUERY}&unit={w.branch_a.pk}&account={cash.pk}&format=xlsx"
    sheet = workbook(as_user(ledger.fiona).get(f"/ledger/reports/general-ledger/{query}")).active
    top = header_row(sheet, "Date")
    assert sheet[f"A{top + 2}"].value == datetime(DAY.year, DAY.month, DAY.day)  # a date Excel can sort and filter
    total = row_of(sheet, "Total and closing balance")
    assert value(sheet, f"F{total}") == 3_000_000 + 1_250_000 and sheet[f"F{total}"].value.startswith("=SUM(")
    assert value(sheet, f"G{total}") == 400_000 + 150_000
    assert sheet[f"H{total}"].value == 3_700_000 and sheet[f"H{total}"].number_format == MONEY


def test_cash_flows_workbook_is_the_statement_by_activity_with_formulas(ledger):
    _books(ledger)
    query = f"?start={DAY.year}-01&end={DAY.year}-12&compare=on&format=xlsx"
    sheet = workbook(as_user(ledger.fiona).get(f"/ledger/reports/cash-flows/{query}")).active
    _title_block(sheet, "Statement of cash flows (Laporan Arus Kas)", ledger)
    top = header_row(sheet, "Item")
    header = [c.value for c in sheet[top]]
    assert len(header) == 3 and str(DAY.year) in header[1] and str(DAY.year - 1) in header[2]
    assert all(c.font.b for c in sheet[top]) and sheet.freeze_panes == f"A{top + 1}"
    labels = [sheet[f"A{r}"].value for r in range(top + 1, sheet.max_row + 1)]
    assert labels[0] == "All funds" and "Zakat" in labels and "Fund" not in header  # a block per fund

    # In the all-funds block (the first), the operating section sums its lines.
    operating = row_of(sheet, "Net cash from operating activities")
    assert sheet[f"B{operating}"].value.startswith("=SUM(") and sheet[f"B{operating}"].font.b
    section = max(r for r in range(top, operating) if sheet[f"A{r}"].font.b and sheet[f"B{r}"].value is None)
    lines = [sheet[f"B{r}"].value for r in range(section + 1, operating)]
    assert all(isinstance(v, int) for v in lines) and sheet[f"B{section + 1}"].number_format == MONEY
    assert value(sheet, f"B{operating}") == sum(lines) == 3_000_000 + 1_250_000 - 400_000 - 150_000

    net = row_of(sheet, "Net increase (decrease) in cash and bank")
    nets = [r for r in range(top, net) if str(sheet[f"A{r}"].value).startswith("Net ")]
    assert sheet[f"B{net}"].value == "=" + "+".join(f"B{r}" for r in nets)
    assert value(sheet, f"B{net}") == 3_700_000
    closing = row_of(sheet, "Cash and bank at the end of the period")
    opening = row_of(sheet, "Cash and bank at the beginning of the period")
    assert sheet[f"B{closing}"].value == f"=B{opening}+B{net}" and sheet[f"C{closing}"].value == f"=C{opening}+C{net}"
    assert value(sheet, f"B{closing}") == value(sheet, f"B{opening}") + 3_700_000
    assert value(sheet, f"C{closing}") == value(sheet, f"C{opening}") + value(sheet, f"C{net}")

    # The zakat block computes its own figures, not the all-funds block's.
    zakat = row_of(sheet, "Zakat")
    zakat_net = min(r for r in range(zakat, sheet.max_row + 1) if sheet[f"A{r}"].value == sheet[f"A{net}"].value)
    assert value(sheet, f"B{zakat_net}") == 3_000_000 - 400_000
    assert value(sheet, f"B{zakat_net + 2}") == value(sheet, f"B{zakat_net + 1}") + 3_000_000 - 400_000


def test_fund_positions_workbook_has_a_row_per_unit_and_a_column_per_fund(ledger):
    w = ledger.world
    donate(w.branch_a, 2_500_000)
    donate(w.branch_a, 700_000, fund="infak", account="4210")
    donate(w.branch_b, 999_000)
    book = workbook(as_user(ledger.rhea).get("/ledger/?format=xlsx"))
    sheet = book["Balance"]
    assert sheet["A1"].value == "Fund positions" and sheet["A1"].font.b
    top = header_row(sheet, "Unit code")
    header = [c.value for c in sheet[top]]
    assert header[:4] == ["Unit code", "Unit", "Zakat", "Infak/sedekah (unrestricted)"] and header[-1] == "Total"
    assert all(c.font.b for c in sheet[top]) and sheet.freeze_panes == f"A{top + 1}"
    a, b = row_of(sheet, w.branch_a.code), row_of(sheet, w.branch_b.code)
    assert (sheet[f"C{a}"].value, sheet[f"D{a}"].value, sheet[f"C{b}"].value) == (2_500_000, 700_000, 999_000)
    total = chr(ord("A") + len(header) - 1)
    assert sheet[f"{total}{a}"].value.startswith("=SUM(") and value(sheet, f"{total}{a}") == 3_200_000
    assert sheet.column_dimensions[total].width > len("4,199,000")  # the total across funds fits, the totals row too
    assert sheet[f"C{a}"].number_format == MONEY
    totals = row_of(sheet, "Total")
    assert sheet[f"C{totals}"].value == f"=SUM(C{top + 1}:C{totals - 1})"
    assert value(sheet, f"C{totals}") == 2_500_000 + 999_000
    assert value(sheet, f"{total}{totals}") == 2_500_000 + 700_000 + 999_000
    assert "Available to distribute" in book.sheetnames
    csv = as_user(ledger.rhea).get("/ledger/?format=csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == "Unit code,Unit,Fund,Balance,Available to distribute" and len(csv) == 4  # a line per unit and fund


def test_fund_positions_workbook_names_restricted_infak_programs():
    rows = [
        FundPositionRow(1, "A", "Kantor A", "zakat", 100, 80),
        FundPositionRow(
            1,
            "A",
            "Kantor A",
            "infak_restricted",
            500,
            500,
            {"program:7": 300, "program:8": 200},
            {"program:7": "Santunan Yatim", "program:8": "Beasiswa"},
        ),
        FundPositionRow(
            2, "B", "Kantor B", "infak_restricted", 50, 50, {"program:7": 50}, {"program:7": "Santunan Yatim"}
        ),
    ]
    book = load_workbook(BytesIO(xlsx_bytes(fund_positions(rows))))
    available = book["Available to distribute"]
    assert [c.value for c in available[1]] == ["Unit code", "Unit", "Zakat", "Infak/sedekah (restricted)", "Total"]
    assert [c.value for c in available[2]][:4] == ["A", "Kantor A", 80, 500]
    assert available["C3"].value is None and available["D3"].value == 50
    assert value(available, "E2") == 580 and value(available, "D4") == 550
    programs = book["Restricted infak by program"]
    assert [[c.value for c in row] for row in programs.iter_rows(min_row=2, max_row=4)] == [
        ["A", "Kantor A", "Santunan Yatim", 300],
        ["A", "Kantor A", "Beasiswa", 200],
        ["B", "Kantor B", "Santunan Yatim", 50],
    ]
    assert value(programs, "D5") == 550 and programs["D5"].value == "=SUM(D2:D4)"
