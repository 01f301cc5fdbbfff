"""The one chart component: its data goes to the page as JSON for Chart.js, and the same figures
always as a table, so they are readable without the canvas."""

import json
import re

import pytest
from django.template import Context, Template

from satuatap.core.charts import chart


def render(source: str, **context) -> str:
    return Template("{% load charts %}" + source).render(Context(context))


def test_a_chart_renders_its_canvas_its_data_and_a_table_of_the_same_figures():
    spec = chart("bar", "Penghimpunan per bulan", ["Jan", "Feb"], [("2026", [1_250_000, 300])], label_heading="Bulan")
    html = render("{% chart spec %}", spec=spec)
    canvas = re.search(r'<canvas data-chart="(sa-chart-\d+)" role="img" aria-label="[^"]+"', html)
    assert canvas
    script = re.search(rf'<script id="{canvas.group(1)}" type="application/json">(.*?)</script>', html)
    data = json.loads(script.group(1))
    assert data["kind"] == "bar" and data["labels"] == ["Jan", "Feb"]
    assert data["datasets"] == [{"label": "2026", "data": [1_250_000, 300]}]
    assert data["money"] is True
    table = re.search(r"<details.*?</details>", html, re.S).group(0)
    assert '<th scope="col">Bulan</th>' in table
    assert "Rp1.250.000" in table and "Rp300" in table


def test_the_tag_also_takes_the_parts_of_a_chart():
    html = render("{% chart 'line' 'Jumlah' labels sets money=False %}", labels=["A"], sets=[("Orang", [7])])
    assert '"money": false' in html and '<td class="text-end">7</td>' in html


def test_an_empty_chart_says_so_and_draws_nothing():
    html = render("{% chart spec %}", spec=chart("doughnut", "Hari ini", [], [("Rp", [])]))
    assert "<canvas" not in html and "application/json" not in html


def test_a_dataset_needs_a_value_for_each_label():
    with pytest.raises(ValueError):
        chart("bar", "x", ["a", "b"], [("s", [1])])
    with pytest.raises(ValueError):
        chart("radar", "x", [], [])


def test_two_charts_on_one_page_have_their_own_data():
    spec = chart("bar", "t", ["a"], [("s", [1])])
    html = render("{% chart spec %}{% chart spec %}", spec=spec)
    ids = re.findall(r'data-chart="(sa-chart-\d+)"', html)
    assert len(set(ids)) == 2
