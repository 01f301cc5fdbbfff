"""Collection reports: totals by unit, fund, type, channel, campaign, donor type, day and month.

Personas from ``world`` and ``desk``: frank = front office of branch A, fiona = finance of
branch A, felix = finance of branch B, carol = admin of the ALPHA root, bob = admin of branch B,
eve = admin of BETA.
"""

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from satuatap.collection.reports import DateRange, collection_report
from satuatap.collection.services import DonationLineSpec, campaign_save, donation_void
from satuatap.collection.tests.conftest import give
from satuatap.donors.services import donor_register

MARCH = DateRange(date(2026, 3, 1), date(2026, 3, 31))
ALL_TABLES = ("units", "funds", "kinds", "channels", "campaigns", "donors", "days", "months")


def table(report, slug):
    return next(t for t in report.tables if t.slug == slug)


def by_key(tbl):
    return {row.key: row for row in tbl.rows}


@pytest.fixture
def season(world, desk):
    """March 2026 at branch A (and its service unit) and branch B; March 2025 at branch A; one void."""
    hidayat = desk.donor
    siti = donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Aminah")
    budi = donor_register(actor=desk.felix, unit=world.branch_b, full_name="Budi SECRET")
    campaign = campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="banjir",
        name="Peduli Banjir",
        target=50_000_000,
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
    )
    a, a_sub, frank = world.branch_a, world.branch_a_sub, world.frank
    # Last year Hidayat gave once, so in March 2026 he is a returning donor; Siti is new.
    give(a, hidayat, frank, ("zakat_maal", 300_000), day=date(2025, 3, 10))
    give(a, hidayat, frank, ("zakat_maal", 1_000_000), ("infak", 50_000), day=date(2026, 3, 10))
    give(a_sub, siti, frank, DonationLineSpec("infak", 200_000, campaign=campaign), day=date(2026, 3, 11))
    give(a, siti, frank, ("fidyah", 90_000), channel="bank_transfer", bank_account=desk.bank, day=date(2026, 3, 12))
    voided = give(a, siti, frank, ("infak", 777_000), day=date(2026, 3, 12))
    donation_void(actor=desk.fiona, donation=voided, reason="Salah input")
    give(world.branch_b, budi, desk.felix, ("zakat_maal", 5_000_000), day=date(2026, 3, 10))
    desk.siti, desk.budi, desk.campaign = siti, budi, campaign
    return desk


def test_headline_figures_leave_void_donations_out_and_count_them_apart(world, season):
    report = collection_report(world.frank, world.branch_a, MARCH)
    assert report.current.amount == 1_050_000 + 200_000 + 90_000
    assert report.current.donations == 3
    assert report.current.donors == 2
    assert (report.current.void_donations, report.current.void_amount) == (1, 777_000)
    assert report.current.average == 446_667
    assert report.comparison is None


def test_new_donors_gave_first_in_the_range_and_returning_ones_before(world, season):
    report = collection_report(world.frank, world.branch_a, MARCH, tables=["donors"])
    assert (report.current.new_donors, report.current.returning_donors) == (1, 1)
    rows = by_key(table(report, "donors"))
    assert (rows["new"].current.amount, rows["new"].current.donations) == (290_000, 2)
    assert (rows["returning"].current.amount, rows["returning"].current.donations) == (1_050_000, 1)
    last_year = collection_report(world.frank, world.branch_a, MARCH.previous_year())
    assert (last_year.current.new_donors, last_year.current.returning_donors) == (1, 0)


def test_a_donor_whose_only_earlier_gift_was_void_is_still_new(world, season):
    early = give(world.branch_a, season.budi, world.frank, ("infak", 10_000), day=date(2026, 2, 1))
    donation_void(actor=season.fiona, donation=early, reason="Batal")
    give(world.branch_a, season.budi, world.frank, ("infak", 20_000), day=date(2026, 3, 20))
    report = collection_report(world.frank, world.branch_a, MARCH)
    assert (report.current.new_donors, report.current.returning_donors) == (2, 1)


def test_a_donor_who_gave_first_at_another_branch_returns_here(world, season):
    give(world.branch_a, season.budi, world.frank, ("infak", 20_000), day=date(2026, 3, 20))
    report = collection_report(world.frank, world.branch_a, DateRange(date(2026, 3, 20), date(2026, 3, 31)))
    assert (report.current.new_donors, report.current.returning_donors) == (0, 1)


def test_funds_types_and_channels_add_up_to_the_total(world, season):
    report = collection_report(world.frank, world.branch_a, MARCH, tables=["funds", "kinds", "channels"])
    funds = {key: row.current.amount for key, row in by_key(table(report, "funds")).items()}
    assert funds == {"zakat": 1_000_000, "infak": 50_000, "infak_restricted": 200_000, "dskl": 90_000}
    kinds = {key: row.current.amount for key, row in by_key(table(report, "kinds")).items()}
    assert kinds == {"zakat_maal": 1_000_000, "infak": 250_000, "fidyah": 90_000}
    channels = by_key(table(report, "channels"))
    assert channels["cash"].current.amount == 1_250_000 and channels["cash"].current.donations == 2
    assert channels["bank_transfer"].current.amount == 90_000
    for slug in ("funds", "kinds", "channels"):
        tbl = table(report, slug)
        assert sum(row.current.amount for row in tbl.rows) == tbl.total.amount == report.current.amount
    assert by_key(table(report, "kinds"))["infak"].current.donations == 2


def test_units_table_shows_each_child_with_its_subtree(world, season, desk):
    carol = world.carol
    report = collection_report(carol, world.area, MARCH, tables=["units"])
    rows = by_key(table(report, "units"))
    assert list(rows) == ["BRA", "BRB"]
    assert rows["BRA"].current.amount == 1_340_000  # branch A with its service unit
    assert rows["BRB"].current.amount == 5_000_000
    assert table(report, "units").total.amount == 6_340_000
    branch = by_key(table(collection_report(carol, world.branch_a, MARCH, tables=["units"]), "units"))
    assert list(branch) == ["BRA", "BRAS1"]
    assert branch["BRA"].current.amount == 1_140_000 and branch["BRAS1"].current.amount == 200_000


def test_campaign_table_counts_only_campaign_gifts(world, season):
    report = collection_report(world.frank, world.branch_a, MARCH, tables=["campaigns"])
    tbl = table(report, "campaigns")
    assert [(r.label, r.current.amount, r.current.donors) for r in tbl.rows] == [("Peduli Banjir", 200_000, 1)]
    assert (tbl.total.amount, tbl.total.donations) == (200_000, 1)


def test_comparison_range_is_reported_beside_the_range(world, season):
    report = collection_report(
        world.frank, world.branch_a, MARCH, comparison=MARCH.previous_year(), tables=["kinds", "months", "days"]
    )
    assert report.comparison.amount == 300_000
    kinds = by_key(table(report, "kinds"))
    assert kinds["zakat_maal"].comparison.amount == 300_000
    assert kinds["zakat_maal"].change == 700_000 and str(kinds["zakat_maal"].change_percent) == "233.3"
    assert kinds["fidyah"].comparison.amount == 0 and kinds["fidyah"].change_percent is None
    months = table(report, "months")
    assert [(r.key, r.current.amount, r.comparison.amount) for r in months.rows] == [("2026-03-01", 1_340_000, 300_000)]
    days = table(report, "days").rows
    assert len(days) == 31
    assert days[9].key == "2026-03-10" and days[9].current.amount == 1_050_000
    assert days[9].comparison.amount == 300_000 and "2025" in days[9].comparison_label


def test_previous_period_has_as_many_days_just_before():
    assert MARCH.previous_period() == DateRange(date(2026, 1, 29), date(2026, 2, 28))
    assert DateRange(date(2024, 2, 29), date(2024, 3, 1)).previous_year() == DateRange(
        date(2023, 2, 28), date(2023, 3, 1)
    )
    with pytest.raises(ValueError):
        DateRange(date(2026, 3, 2), date(2026, 3, 1))


def test_daily_table_is_refused_for_more_than_a_year(world, season):
    long = DateRange(date(2025, 1, 1), date(2026, 6, 30))
    tbl = table(collection_report(world.frank, world.branch_a, long, tables=["days", "months"]), "days")
    assert tbl.rows == [] and "366" in tbl.note


def test_outsiders_get_not_found(world, season):
    for user, unit in ((world.bob, world.branch_a), (world.eve, world.branch_a), (world.nina, world.branch_a)):
        with pytest.raises(Http404):
            collection_report(user, unit, MARCH)
    # Frank of branch A cannot read the area above him either.
    with pytest.raises(Http404):
        collection_report(world.frank, world.area, MARCH)


def test_branch_report_shows_nothing_of_another_branch(world, season):
    report = collection_report(world.frank, world.branch_a, MARCH, tables=ALL_TABLES)
    text = repr(report)
    assert "SECRET" not in text and "5000000" not in text


def test_every_table_is_one_query_however_many_donations(world, season):
    def count():
        with CaptureQueriesContext(connection) as queries:
            collection_report(world.carol, world.alpha, MARCH, comparison=MARCH.previous_year(), tables=ALL_TABLES)
        return len(queries)

    count()  # the user's memberships are read once and kept
    few = count()
    for i in range(6):
        give(world.branch_a, season.siti, world.frank, ("infak", 1_000 + i), day=date(2026, 3, 1 + i))
    assert count() == few
    # scope 1, headline figures 3 (totals, new donors of each range; returning donors are the rest),
    # units 2 (figures, units), campaigns 2 (rows, totals), the other tables 1 each
    assert few == 1 + 3 + 2 + 2 + 5


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tables_are_read_at_once_in_the_users_language(world, season, parallel_threads):
    from django.db import transaction
    from django.utils import translation

    def report():
        return collection_report(world.carol, world.alpha, MARCH, comparison=MARCH.previous_year(), tables=ALL_TABLES)

    with translation.override("en"):
        at_once = report()
        with transaction.atomic():
            in_turn = report()
    assert at_once == in_turn
    assert [t.title for t in at_once.tables][:3] == ["By unit", "By fund", "By type"]
    assert at_once.current.amount == 1_000_000 + 50_000 + 200_000 + 90_000 + 5_000_000
    expected = len(ALL_TABLES) if connection.vendor == "postgresql" else 0
    assert len(parallel_threads) == expected and all(name.startswith("parallel-read") for name in parallel_threads)
