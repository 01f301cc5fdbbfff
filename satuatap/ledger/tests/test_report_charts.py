"""The fund ledger's overview and statements carry a chart of their figures (core's chart component)."""

import json
import re

import pytest

from satuatap.ledger.tests.conftest import DAY, disburse, donate

pytestmark = pytest.mark.django_db


def charts(html: str) -> list[dict]:
    scripts = re.findall(r'<script id="sa-chart-\d+" type="application/json">(.*?)</script>', html, re.S)
    return [json.loads(s) for s in scripts]


def test_the_overview_charts_each_funds_balance_and_what_is_available(client, world, ledger):
    donate(world.branch_a, 5_000_000)
    donate(world.branch_b, 9_000_000)
    client.force_login(ledger.fiona)
    (chart,) = charts(client.get("/ledger/").content.decode())
    balance = dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))
    assert balance["Zakat"] == 5_000_000  # branch B's 9.000.000 is not fiona's


def test_changes_in_funds_charts_receipts_beside_distributions_per_fund(client, world, ledger):
    donate(world.branch_a, 5_000_000)
    disburse(world.branch_a, 1_200_000)
    client.force_login(ledger.fiona)
    response = client.get(
        "/ledger/reports/changes-in-funds/",
        {"unit": world.branch_a.pk, "start": f"{DAY.year}-01", "end": f"{DAY.year}-12"},
    )
    chart = response.context["chart"]
    assert chart is not None
    zakat = chart.labels.index("Zakat")
    assert [d.data[zakat] for d in chart.datasets] == [5_000_000, 1_200_000]
    assert charts(response.content.decode())


def test_the_trial_balance_has_no_chart(client, world, ledger):
    donate(world.branch_a, 5_000_000)
    client.force_login(ledger.fiona)
    period = {"unit": world.branch_a.pk, "start": f"{DAY.year}-01", "end": f"{DAY.year}-12"}
    response = client.get("/ledger/reports/trial-balance/", period)
    assert response.status_code == 200 and response.context["chart"] is None
