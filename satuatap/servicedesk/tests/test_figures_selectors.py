"""The desk's figures on a small hand-made set (``figures_data``): counts, waiting and service time
medians and p90s, the share within the standard, requests on time, appointments kept, the
consolidation over a subtree and the scoping."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from satuatap.servicedesk.figures.selectors import (
    TOTAL,
    desk_figures,
    iso_week,
    percentile,
    standard_periods,
    week_evaluation,
)
from satuatap.servicedesk.figures.selectors.aggregate import request_figures
from satuatap.servicedesk.tests import figures_data
from satuatap.servicedesk.tests.figures_data import MONDAY, TUESDAY, ZONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world):
    return figures_data.build(world)


def minutes(seconds):
    return None if seconds is None else round(seconds / 60, 3)


def test_percentile_interpolates_between_ranks_as_percentile_cont_does():
    assert percentile([1, 2, 3, 4, 10], 0.5) == 3
    assert percentile([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)
    assert percentile([7], 0.9) == 7
    assert percentile([], 0.5) is None


def test_figures_by_day_count_tickets_and_give_waiting_and_service_medians_and_p90s(world, desk):
    figures = desk_figures(world.alice, world.branch_a, MONDAY, TUESDAY, "day")
    monday, tuesday = figures.rows
    assert (monday.key, monday.taken, monday.served, monday.no_show) == (MONDAY, 5, 4, 1)
    assert minutes(monday.wait_median) == 3 and minutes(monday.wait_p90) == pytest.approx(7.6)
    assert minutes(monday.service_median) == 8.5 and minutes(monday.service_p90) == pytest.approx(11.1)
    assert (monday.within, monday.with_standard) == (3, 4) and monday.within_share == 0.75
    assert minutes(tuesday.wait_median) == 7 and minutes(tuesday.wait_p90) == pytest.approx(7.8)
    assert minutes(tuesday.service_median) == 25 and minutes(tuesday.service_p90) == pytest.approx(29)
    # S2's standard takes effect only in 2027: Tuesday's tickets count neither way.
    assert tuesday.with_standard == 0 and tuesday.within_share is None
    total = figures.total
    assert (total.taken, total.served, total.no_show) == (7, 6, 1)
    assert minutes(total.wait_median) == 4 and minutes(total.wait_p90) == pytest.approx(8.8)


def test_requests_received_are_on_time_or_overdue_against_their_due_moment(world, desk):
    rows = request_figures([world.branch_a.pk], MONDAY, TUESDAY, "day", ZONE, now=desk.now)
    assert (rows[MONDAY].requests, rows[MONDAY].requests_on_time, rows[MONDAY].requests_overdue) == (2, 1, 1)
    # Tuesday: one still open past its due moment (overdue), one open and not yet due.
    assert (rows[TUESDAY].requests, rows[TUESDAY].requests_on_time, rows[TUESDAY].requests_overdue) == (2, 0, 1)
    assert rows[TOTAL].on_time_share == pytest.approx(1 / 3)


def test_appointments_booked_kept_and_missed_by_the_slot_day(world, desk):
    monday = desk_figures(world.alice, world.branch_a, MONDAY, MONDAY, "day").rows[0]
    assert (monday.booked, monday.kept, monday.appointment_no_show) == (4, 2, 1)


def test_figures_by_service_counter_and_officer_name_their_rows(world, desk):
    by_service = {r.label: r for r in desk_figures(world.alice, world.branch_a, MONDAY, TUESDAY, "service").rows}
    assert by_service["Layanan S1"].taken == 5 and by_service["Layanan S1"].requests == 4
    assert by_service["Layanan S2"].served == 2
    by_counter = {r.label: r.taken for r in desk_figures(world.alice, world.branch_a, MONDAY, TUESDAY, "counter").rows}
    assert by_counter == {"Loket 1": 3, "Loket 2": 4} or sorted(by_counter.values()) == [3, 4]
    by_officer = desk_figures(world.alice, world.branch_a, MONDAY, TUESDAY, "officer").rows
    assert [(r.label, r.taken) for r in by_officer if r.taken] == [("Petugas Anggrek", 7)]


def test_figures_by_week_put_each_ticket_in_its_iso_week(world, desk):
    rows = desk_figures(world.alice, world.branch_a, MONDAY - timedelta(days=7), TUESDAY, "week").rows
    assert [(r.key, r.taken) for r in rows] == [(MONDAY - timedelta(days=7), 1), (MONDAY, 7)]
    assert rows[1].label.startswith("2026-W49")


def test_the_standard_in_force_is_the_latest_published_by_the_day(world, desk):
    periods = standard_periods([desk.services["S1"].pk, desk.services["S2"].pk])
    assert (desk.services["S1"].pk, date(2026, 1, 1), None, 10) in periods
    assert (desk.services["S2"].pk, date(2027, 1, 1), None, 60) in periods
    assert len(periods) == 2  # the draft is not a period


def test_a_parent_consolidates_its_subtree_with_one_row_per_child_unit(world, desk):
    figures = desk_figures(world.carol, world.area, MONDAY, TUESDAY, "unit")
    rows = {r.label: r.taken for r in figures.rows}
    assert rows[world.branch_a.name] == 7 and rows[world.branch_b.name] == 3
    assert figures.total.taken == 10


def test_the_week_evaluation_sets_the_week_beside_the_eight_before(world, desk):
    evaluation = week_evaluation(world.alice, world.branch_a, MONDAY)
    assert evaluation.label == "2026-W49" and evaluation.end == MONDAY + timedelta(days=6)
    assert len(evaluation.weeks) == 9 and evaluation.weeks[-1].taken == 7 and evaluation.weeks[-2].taken == 1
    assert [d.taken for d in evaluation.days] == [5, 2, 0, 0, 0, 0, 0]
    assert evaluation.total.taken == 7 and evaluation.total.requests == 4 and evaluation.total.booked == 4
    assert {s.label for s in evaluation.services} == {"Layanan S1", "Layanan S2"}
    assert sum(c.taken for c in evaluation.counters) == 7
    # Branch A has a service unit below it: one row for it (nothing yet) and one for branch A itself.
    assert [u.taken for u in evaluation.units] == [0, 7]
    parent = week_evaluation(world.carol, world.area, MONDAY)
    assert [(u.label, u.taken) for u in parent.units] == [(world.branch_a.name, 7), (world.branch_b.name, 3)]
    assert parent.total.taken == 10


def test_an_outsider_sees_none_of_the_figures(world, desk):
    with pytest.raises(PermissionDenied):
        desk_figures(world.eve, world.branch_a, MONDAY, TUESDAY, "day")
    with pytest.raises(PermissionDenied):
        week_evaluation(world.alice, world.branch_b, MONDAY)
    # alice's own figures never count branch B's tickets.
    assert desk_figures(world.alice, world.branch_a, MONDAY, MONDAY, "day").total.taken == 5


def test_iso_weeks_are_read_from_their_name():
    assert iso_week("2026-W49") == MONDAY
    assert iso_week("2026-w01") == date(2025, 12, 29)
    assert iso_week("junk") is None and iso_week("2026-W60") is None


def test_the_python_percentile_agrees_with_duckdb_quantile_cont():
    import random

    duckdb = pytest.importorskip("duckdb")
    rng = random.Random(17)
    values = [round(rng.expovariate(1 / 540), 3) for _ in range(997)]
    db = duckdb.connect()
    db.execute("CREATE TABLE t (v DOUBLE)")
    db.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
    median, p90 = db.execute("SELECT quantile_cont(v, 0.5), quantile_cont(v, 0.9) FROM t").fetchone()
    assert percentile(values, 0.5) == pytest.approx(median) and percentile(values, 0.9) == pytest.approx(p90)


def test_a_finished_week_is_kept_once_and_read_back_from_the_rollup(world, desk):
    from satuatap.servicedesk.models import WeekFigures

    week_evaluation(world.alice, world.branch_a, MONDAY)
    kept = WeekFigures.objects.get(unit=world.branch_a, week=MONDAY)
    assert (kept.taken, kept.served, round(kept.wait_median / 60, 3)) == (7, 6, 4)
    assert WeekFigures.objects.filter(unit=world.branch_a).count() == 9  # the week and the eight before
    WeekFigures.objects.filter(pk=kept.pk).update(taken=999)
    assert week_evaluation(world.alice, world.branch_a, MONDAY).weeks[-1].taken == 999
