"""The collection reports page: chooser, tables with totals, CSV/XLSX/PDF downloads, scope.

Personas from ``world`` and ``desk``; the ``season`` fixture (from test_reports) records March
2026 at branch A and its service unit, March 2025 at branch A, one void, and a SECRET donor's
gift at branch B.
"""

from io import BytesIO

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from satuatap.collection.tests.test_reports import season  # noqa: F401  (fixture)
from tests.scoping import response_text
from tests.workbooks import header_row, row_of, value

URL = "/collection/reports/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def as_user(user, language="en"):
    """A logged-in client reading the pages in English (the messages the tests match on)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def workbook(response):
    return load_workbook(BytesIO(response.content), read_only=True)


def test_overview_shows_headline_figures_and_void_apart(world, season):  # noqa: F811
    page = as_user(world.frank).get(URL, MARCH).content.decode()
    assert "Rp1.340.000" in page  # collected in March at branch A and its service unit
    assert "Rp777.000" in page  # the void donation, apart
    assert "SECRET" not in page


def test_every_table_has_a_total_and_downloads_as_csv_and_xlsx(world, season):  # noqa: F811
    client = as_user(world.frank)
    for slug in ("units", "funds", "kinds", "channels", "campaigns", "donors", "days", "months"):
        page = client.get(URL, {**MARCH, "report": slug, "compare": "previous_year"})
        assert page.status_code == 200
        assert 'data-testid="report-table"' in page.content.decode()
        csv = client.get(URL, {**MARCH, "report": slug, "format": "csv"})
        assert csv["Content-Type"].startswith("text/csv")
        assert csv.content.decode("utf-8-sig").splitlines()[-1].startswith("Total,"), slug
        xlsx = client.get(URL, {**MARCH, "report": slug, "compare": "previous_year", "format": "xlsx"})
        sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
        header = [c.value for c in sheet[int(sheet.freeze_panes[1:]) - 1]]  # the row frozen under the title
        assert len(header) == (10 if slug in ("days", "months") else 9), slug
        assert b"SECRET" not in response_text(xlsx)


def test_funds_table_lists_amounts_per_fund(world, season):  # noqa: F811
    xlsx = as_user(world.frank).get(URL, {**MARCH, "report": "funds", "format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=header_row(sheet, "Fund") + 1, values_only=True))
    amounts = {row[0]: row[1] for row in rows}
    assert amounts["Zakat"] == 1_000_000
    assert value(sheet, f"B{row_of(sheet, 'Total')}") == 1_340_000  # the total row (a formula)


def test_all_tables_download_as_one_workbook(world, season):  # noqa: F811
    xlsx = as_user(world.carol).get(URL, {**MARCH, "unit": world.area.pk, "format": "xlsx-all"})
    book = workbook(xlsx)
    assert len(book.worksheets) == 10  # the overview and each table, by regency/city too
    assert b"Xenon" not in response_text(xlsx)


def test_pdf_of_a_table(world, season):  # noqa: F811
    response = as_user(world.frank).get(URL, {**MARCH, "report": "kinds", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_bad_dates_are_explained_next_to_the_field(world, season):  # noqa: F811
    client = as_user(world.frank)
    page = client.get(URL, {"start": "2026-03-31", "end": "2026-03-01"}).content.decode()
    assert "The last day must not be before the first." in page
    assert 'data-testid="report-body"' not in page
    custom = client.get(URL, {**MARCH, "compare": "custom"}).content.decode()
    assert "Enter the first day of the comparison range." in custom
    junk = client.get(URL, {"start": "kemarin", "end": "2026-03-01"})
    assert junk.status_code == 200 and 'data-testid="report-body"' not in junk.content.decode()


@pytest.mark.parametrize("compare", ["", "previous_period", "previous_year", "custom"])
def test_dates_far_from_now_are_explained_next_to_the_field(world, compare):
    """Year 1 (the calendar's edge, where the comparison cannot be computed) or year 9999: a message."""
    client = as_user(world.frank)
    for start, end in (("0001-01-01", "0001-01-05"), ("1899-12-31", "1900-01-05"), ("9999-12-25", "9999-12-31")):
        query = {"start": start, "end": end, "compare": compare}
        if compare == "custom":
            query.update(compare_start=start, compare_end=end)
        page = client.get(URL, query)
        assert page.status_code == 200, (start, compare)
        html = page.content.decode()
        assert "Choose a date between 1900 and 2200." in html and 'data-testid="report-body"' not in html
    edge = {"start": "1900-01-01", "end": "1900-01-05", "compare": compare or "previous_year"}
    if compare == "custom":
        edge.update(compare_start="1900-01-01", compare_end="1900-01-05")
    edge = client.get(URL, edge)
    assert 'data-testid="report-body"' in edge.content.decode()


def test_another_branch_cannot_be_chosen(world, season):  # noqa: F811
    client = as_user(world.frank)
    page = client.get(URL, {**MARCH, "unit": world.branch_b.pk, "format": "xlsx"})
    assert page["Content-Type"].startswith("text/html")  # the form refuses the unit: no download
    assert b"SECRET" not in page.content and b"5.000.000" not in page.content
    beta = client.get(URL, {**MARCH, "unit": world.beta.pk})
    assert b"Xenon" not in beta.content


def test_people_without_a_role_and_anonymous_visitors_are_refused(world):
    assert as_user(world.nina).get(URL).status_code == 403
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_table_or_format_is_not_found(world):
    client = as_user(world.frank)
    assert client.get(URL, {"report": "secrets"}).status_code == 404
    assert client.get(URL, {"format": "docx"}).status_code == 404


def test_the_page_costs_the_same_queries_however_many_donations(world, season, django_assert_max_num_queries):  # noqa: F811
    from datetime import date

    from satuatap.collection.tests.conftest import give

    client = as_user(world.carol)
    query = {**MARCH, "unit": world.alpha.pk, "report": "units", "compare": "previous_year"}
    client.get(URL, query)
    for i in range(5):
        give(world.branch_a, season.donor, world.frank, ("infak", 1_000 + i), day=date(2026, 3, 2 + i))
    # session and user, memberships, scope, the headline figures (totals, new donors of each range),
    # the units table (figures, units) and what the page around them reads: a fixed number.
    with django_assert_max_num_queries(13):
        assert client.get(URL, query).status_code == 200
