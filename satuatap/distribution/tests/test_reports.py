from datetime import timedelta

import pytest
from django.utils import timezone

from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.tests.conftest import person
from satuatap.distribution import services
from satuatap.distribution.batches import services as batch_services
from satuatap.distribution.models import Application, Loan
from satuatap.distribution.selectors import distribution_report, regency_breakdown
from satuatap.distribution.tests.conftest import apply_and_recommend
from satuatap.ledger.selectors import MonthRange

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


def _paid(world, books, amount):
    recommended = apply_and_recommend(world, books, amount)
    approved = services.application_decide(actor=books.hank, application=recommended, approve=True, override_reason="x")
    return services.disbursement_pay(actor=books.fiona, application=approved, amount=amount, money_account=books.cash)


def test_the_report_breaks_down_by_the_offices_below_with_open_and_overdue_work(world, books):
    _paid(world, books, 2_000_000)
    waiting = apply_and_recommend(world, books, 100_000)
    Application.objects.filter(pk=waiting.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    year = MonthRange.year(timezone.localdate().year)
    area = distribution_report(world.area, year)
    rows = {row.unit.code: row for row in area.regions}
    assert list(rows) == ["BRA", "BRB"]  # the area itself has nothing: no row of its own
    a, b = rows["BRA"], rows["BRB"]
    assert (a.distributed, a.payments, a.people, a.households) == (2_000_000, 1, 1, 1)
    assert (a.open_applications, a.overdue_applications) == (1, 1)
    assert (b.distributed, b.people, b.open_applications) == (0, 0, 0)
    assert (area.open_applications, area.overdue_applications) == (1, 1)
    # The institution sees its one region with everything under it; branch A sees itself and its service unit.
    top = distribution_report(world.alpha, year)
    assert [(r.unit.code, r.distributed, r.open_applications) for r in top.regions] == [("R1", 2_000_000, 1)]
    branch = distribution_report(world.branch_a, year)
    assert [(r.unit.code, r.is_self, r.distributed) for r in branch.regions] == [
        ("BRA", True, 2_000_000),
        ("BRAS1", False, 0),
    ]
    # A unit with no office below it has no breakdown, and still counts its own work.
    leaf = distribution_report(world.branch_a_sub, year)
    assert leaf.regions == [] and leaf.open_applications == 0


def test_the_report_reads_loans_still_being_repaid(world, books):
    paid = _paid(world, books, 1_500_000)
    common = {"institution": world.alpha, "unit": world.branch_a, "beneficiary": books.siti, "started_on": paid.paid_on}
    Loan.objects.create(disbursement=paid, principal=1_500_000, repaid=500_000, **common)
    Loan.objects.create(disbursement=_paid(world, books, 200_000), principal=200_000, repaid=200_000, **common)
    year = MonthRange.year(timezone.localdate().year)
    report = distribution_report(world.area, year)
    assert (report.loans, report.loans_outstanding) == (1, 1_000_000)
    assert distribution_report(world.branch_b, year).loans == 0


def test_the_regencies_where_people_live_top_twenty_then_the_others(world, books):
    paula, hana = books.registry.paula, books.registry.hana
    places = [f"Kabupaten {n:02d}" for n in range(22)] + ["Kota Semarang", "KOTA  SEMARANG ", ""]
    people = []
    for n, place in enumerate(places):
        p = person(paula, world.branch_a, f"Warga {n}", asnaf="miskin", asnaf_reason="x", regency=place)
        registry_services.status_change(actor=paula, beneficiary=p, to_status="assessed", reason="x")
        registry_services.status_change(actor=hana, beneficiary=p, to_status="verified", reason="x")
        people.append(p)
    # Kabupaten 00 gets most of the regencies, 21 least; the two spellings of Semarang are one place, first.
    rows = [(p, 100_000 + 1_000 * (30 - n), "x") for n, p in enumerate(people)]
    batch = batch_services.batch_prepare(actor=paula, unit=world.branch_a, program=books.program, name="B", rows=rows)
    batch_services.batch_pay(
        actor=books.fiona, batch=batch_services.batch_decide(actor=books.rita, batch=batch, approve=True),
        money_account=books.cash,
    )  # fmt: skip
    found = regency_breakdown(world.area, MonthRange.year(timezone.localdate().year))
    assert len(found) == 22  # 20 named, the others, the unknown
    semarang, first = found[0], found[1]
    assert semarang.name.lower() in ("kota semarang", "kota  semarang")
    assert (semarang.distributed, semarang.payments, semarang.people) == (108_000 + 107_000, 2, 2)
    assert first.name == "Kabupaten 00" and (first.distributed, first.people) == (130_000, 1)
    other, unknown = found[-2], found[-1]
    assert other.name is None and (other.payments, other.people) == (3, 3)
    assert unknown.name == "" and unknown.distributed == 106_000
    assert sum(r.distributed for r in found) == batch.total
    assert regency_breakdown(world.branch_b, MonthRange.year(timezone.localdate().year)) == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_report_reads_at_once_and_finds_the_same(world, books, parallel_threads):
    from django.db import connection, transaction

    _paid(world, books, 2_000_000)
    apply_and_recommend(world, books, 100_000)
    year = MonthRange.year(timezone.localdate().year)
    at_once = distribution_report(world.alpha, year)
    with transaction.atomic():
        in_turn = distribution_report(world.alpha, year)
    assert at_once == in_turn
    assert (at_once.people, at_once.payments, at_once.open_applications) == (1, 1, 1)
    assert [(r.unit.code, r.distributed) for r in at_once.regions] == [("R1", 2_000_000)]
    expected = 6 if connection.vendor == "postgresql" else 0  # money, totals, programs, regions twice, zakat held
    assert len(parallel_threads) == expected and all(name.startswith("parallel-read") for name in parallel_threads)
