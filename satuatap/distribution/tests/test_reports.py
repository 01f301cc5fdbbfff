import pytest
from django.utils import timezone

from satuatap.distribution import services
from satuatap.distribution.reports import distribution_report
from satuatap.distribution.tests.conftest import apply_and_recommend
from satuatap.ledger.reports import MonthRange

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def test_the_report_reads_collection_and_distribution_by_fund_pillar_asnaf_and_program(world, books):
    paid = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 2_000_000), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=paid, amount=2_000_000, money_account=books.cash)
    apply_and_recommend(world, books, 100_000)  # still waiting
    today = timezone.localdate()
    report = distribution_report(world.alpha, MonthRange.year(today.year))
    zakat = next(row for row in report.funds if row.fund_kind == "zakat")
    assert (zakat.collected, zakat.distributed) == (20_000_000, 2_000_000)
    assert zakat.ratio == pytest.approx(0.1)
    assert report.asnaf == [("fakir", 2_000_000)]
    assert report.people == 1 and report.households == 1 and report.payments == 1
    sembako = next(row for row in report.programs if row.program == books.program)
    assert sembako.paid == 2_000_000 and sembako.people == 1 and sembako.used == pytest.approx(0.02)
    assert report.zakat_held == 18_000_000 and report.zakat_held_over_a_year == 0
    assert report.open_applications == 1 and report.overdue_applications == 0
    # Branch B's subtree saw none of it.
    other = distribution_report(world.branch_b, MonthRange.year(today.year))
    assert other.distributed == 0 and other.people == 0 and other.open_applications == 0
