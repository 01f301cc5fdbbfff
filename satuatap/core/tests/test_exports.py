"""The one workbook writer every XLSX goes through: title block, bold frozen header, typed
columns, totals as formulas, widths from the content."""

import zoneinfo
from datetime import date, datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from satuatap.core.exports import DATE, MONEY, Column, Heading, Row, Sheet, heading_for, xlsx_bytes
from tests.workbooks import value


def _sheet(content: bytes, name=None):
    book = load_workbook(BytesIO(content))
    return book[name] if name else book.active


def test_a_list_gets_a_title_block_a_frozen_bold_header_and_a_summed_money_column():
    heading = Heading("Donations", "Cabang Anggrek", "March 2026", "Made 7 December 2026, 10.42 WIB by Frank")
    rows = [["A-1", date(2026, 3, 1), 1_250_000], ["A-2", date(2026, 3, 2), 75_500]]
    columns = ["Receipt", Column("Date", DATE), Column("Amount", MONEY, summed=True)]
    sheet = _sheet(xlsx_bytes([Sheet("Donations", columns, rows)], heading))
    assert [sheet[f"A{r}"].value for r in range(1, 5)] == [
        "Donations",
        "Cabang Anggrek",
        "March 2026",
        "Made 7 December 2026, 10.42 WIB by Frank",
    ]
    assert sheet["A1"].font.b and sheet["A6"].value == "Receipt" and all(c.font.b for c in sheet[6])
    assert sheet.freeze_panes == "A7"
    assert sheet["C7"].value == 1_250_000 and sheet["C7"].number_format == "#,##0"
    assert sheet["B7"].value == datetime(2026, 3, 1) and sheet["B7"].number_format == "dd/mm/yyyy"
    assert sheet["A9"].value == "Total" and sheet["C9"].value == "=SUM(C7:C8)" and sheet["C9"].font.b
    assert value(sheet, "C9") == 1_250_000 + 75_500
    assert sheet.column_dimensions["A"].width >= len("Receipt") and sheet.column_dimensions["C"].width >= 9


def test_a_statement_keeps_sections_subtotals_and_a_total_across_funds():
    columns = [Column("Item"), Column("Zakat", MONEY), Column("Infak", MONEY), Column("Total", MONEY, across=(1, 2))]
    rows = [
        Row(["Opening balance", 100, 50], "total", key="opening"),
        Row(["Receipts"], "section"),
        Row(["Zakat maal", 1_000, None], indent=1),
        Row(["Infak", None, 400], indent=1),
        Row(["Total receipts"], "subtotal", key="receipts"),
        Row(["Closing balance"], "total", formula="{opening}+{receipts}"),
    ]
    sheet = _sheet(xlsx_bytes([Sheet("Changes", columns, rows)]))
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "Item"
    assert sheet["B6"].value == "=SUM(B4:B5)" and value(sheet, "B6") == 1_000
    assert sheet["D6"].value == "=SUM(B6,C6)" and value(sheet, "D6") == 1_400
    assert sheet["B7"].value == "=B2+B6" and value(sheet, "C7") == 450 and value(sheet, "D7") == 1_550
    assert sheet["A3"].font.b and not sheet["A4"].font.b and sheet["A4"].alignment.indent == 1


def test_a_plain_table_is_typed_from_its_values_and_an_empty_one_still_has_its_header():
    content = xlsx_bytes([("Plain", ["Code", "Year"], [["X1", 2026]]), ("Empty", ["Code"], [])])
    plain, empty = _sheet(content, "Plain"), _sheet(content, "Empty")
    assert plain["B2"].value == 2026 and plain["B2"].number_format == "General"  # a year, not 2.026
    assert plain.freeze_panes == "A2" and empty["A1"].value == "Code" and empty["A2"].value is None


def test_the_made_line_is_in_the_units_zone():
    unit = SimpleNamespace(name="Kantor Jayapura", tzinfo=zoneinfo.ZoneInfo("Asia/Jayapura"))
    with translation.override("en"):
        heading = heading_for("Donors", unit=unit, period="", user="Frank")
    assert heading.unit == "Kantor Jayapura" and heading.made.startswith("Made ") and "WIT by Frank" in heading.made


@pytest.mark.django_db
def test_the_donor_list_downloads_with_its_title_block(world):
    client = Client()
    client.force_login(world.frank)
    response = client.get("/donors/", {"format": "xlsx"})
    sheet = _sheet(response.content)
    assert sheet["A2"].value == world.branch_a.name and str(world.frank) in sheet["A3"].value  # no period
    header = int(sheet.freeze_panes[1:]) - 1
    assert sheet[f"A{header}"].font.b and sheet[f"A{header}"].value
