"""The collection report page draws its table (the overview: its days or months) as a chart,
beside the comparison range when one is chosen; the downloads carry no chart."""

import pytest

from satuatap.collection.tests.conftest import DAY, give

pytestmark = pytest.mark.django_db


def report(client, user, **params):
    client.force_login(user)
    return client.get("/collection/reports/", params)


def test_a_table_is_drawn_with_the_comparison_beside_it(client, world, desk):
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_000_000), ("infak", 250_000))
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 400_000), day=DAY.replace(year=DAY.year - 1))
    response = report(
        client, desk.fiona, report="funds", start=DAY.isoformat(), end=DAY.isoformat(), compare="previous_year"
    )
    chart = response.context["chart"]
    assert chart.horizontal and len(chart.datasets) == 2
    zakat = chart.labels.index(response.context["table"].rows[0].label)
    assert chart.datasets[0].data[zakat] == 1_000_000 and chart.datasets[1].data[zakat] == 400_000
    assert b'data-chart="sa-chart-' in response.content


def test_the_overview_draws_the_days_of_a_short_range(client, world, desk):
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_000_000))
    start = DAY.replace(day=1)
    response = report(client, desk.fiona, start=start.isoformat(), end=DAY.isoformat())
    chart = response.context["chart"]
    assert len(chart.labels) == DAY.day and not chart.horizontal
    assert chart.datasets[0].data[DAY.day - 1] == 1_000_000
    assert response.context["overview"] and response.context["table"] is None


def test_a_download_has_no_chart(client, world, desk):
    give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_000_000))
    response = report(client, desk.fiona, report="months", start=DAY.isoformat(), end=DAY.isoformat(), format="csv")
    assert response.status_code == 200 and b"sa-chart" not in response.content
