"""The distribution report draws each fund collected beside distributed, the pillars and asnaf, and
each program's budget beside what it paid; the PDF and workbook carry no chart."""

import pytest
from django.urls import reverse

from satuatap.distribution import services
from satuatap.distribution.tests.conftest import apply_and_recommend

pytestmark = pytest.mark.django_db


def test_the_report_charts_funds_programs_and_asnaf(world, books, login):
    application = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 600_000), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=application, amount=600_000, money_account=books.cash)
    response = login(books.hank).get(reverse("distribution:report") + "?start=2020-01&end=2099-12")
    charts = response.context["charts"]
    funds = charts["funds"]
    zakat = funds.labels.index(next(f.label for f in response.context["r"].funds if f.fund_kind == "zakat"))
    assert funds.datasets[0].data[zakat] == 20_000_000 and funds.datasets[1].data[zakat] == 600_000
    programs = charts["programs"]
    assert programs.labels == ["Santunan sembako"]
    assert [d.data for d in programs.datasets] == [[100_000_000], [600_000]]
    assert sum(charts["asnaf"].datasets[0].data) == 600_000
    assert response.content.count(b'data-chart="sa-chart-') == 3  # funds, asnaf, programs (no pillar paid)
