"""Collection reports as workbooks an accountant can hand over: title block, bold frozen header,
rupiah formatted, and the total of a column that adds up as a formula."""

from django.conf import settings
from django.test import Client

from satuatap.collection.tests.test_reports import season  # noqa: F401  (fixture)
from tests.workbooks import header_row, row_of, value, workbook

URL = "/collection/reports/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def as_user(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_funds_table_workbook_totals_the_amounts_with_a_formula(world, season):  # noqa: F811
    sheet = workbook(as_user(world.frank).get(URL, {**MARCH, "report": "funds", "format": "xlsx"})).active
    assert sheet["A1"].value == "Collection report: By fund" and sheet["A1"].font.b
    assert sheet["A2"].value == world.branch_a.name
    assert "March 2026" in sheet["A3"].value
    assert sheet["A4"].value.startswith("Made ") and str(world.frank) in sheet["A4"].value
    top = header_row(sheet, "Fund")
    assert sheet.freeze_panes == f"A{top + 1}" and all(c.font.b for c in sheet[top] if c.value)
    total = row_of(sheet, "Total")
    amounts = [sheet[f"B{r}"].value for r in range(top + 1, total)]
    assert all(isinstance(a, int) for a in amounts) and sheet[f"B{top + 1}"].number_format == "#,##0"
    assert sheet[f"B{total}"].value == f"=SUM(B{top + 1}:B{total - 1})"
    assert value(sheet, f"B{total}") == sum(amounts) == 1_340_000
    # Donors are counted once however many funds they gave to: their total is a figure, not a sum.
    assert isinstance(sheet[f"D{total}"].value, int)
