"""The distribution report's workbook: title block, bold frozen header, rupiah formatted, and
the sums of what adds up (amounts, payments) as formulas; people are not summed."""

import pytest
from django.urls import reverse

from satuatap.distribution import services
from satuatap.distribution.tests.conftest import apply_and_recommend
from tests.workbooks import header_row, row_of, value, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def test_the_report_workbook_is_titled_typed_and_totalled(world, books, login):
    for amount in (600_000, 250_000):
        application = services.application_decide(
            actor=books.hank,
            application=apply_and_recommend(world, books, amount),
            approve=True,
            override_reason="Second help this half-year, agreed by the head",
        )
        services.disbursement_pay(actor=books.fiona, application=application, amount=amount, money_account=books.cash)
    book = workbook(login(books.hank).get(reverse("distribution:report") + "?start=2020-01&end=2099-12&format=xlsx"))
    offices = book["Offices"]
    assert offices["A1"].value == "Distribution report" and offices["A1"].font.b
    assert offices["A4"].value.startswith("Made ") and str(books.hank) in offices["A4"].value
    top = header_row(offices, "Office")
    assert offices.freeze_panes == f"A{top + 1}" and all(c.font.b for c in offices[top])
    total = row_of(offices, "Total")
    paid = [offices[f"C{r}"].value or 0 for r in range(top + 1, total)]
    assert offices[f"C{top + 1}"].number_format == "#,##0"
    assert offices[f"C{total}"].value.startswith("=SUM(") and value(offices, f"C{total}") == sum(paid) == 850_000
    assert offices[f"E{total}"].value is None  # people helped by two offices would count twice
    funds = book["Funds"]
    total = row_of(funds, "Total")
    assert value(funds, f"C{total}") == 850_000
