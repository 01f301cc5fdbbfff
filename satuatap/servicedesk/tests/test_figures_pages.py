"""The figures page, the Friday evaluation (page, XLSX, PDF) and the figures API, on the hand-made
week of ``figures_data``."""

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from satuatap.api.services import api_token_create
from satuatap.servicedesk.tests import figures_data
from satuatap.servicedesk.tests.figures_data import MONDAY, TUESDAY

pytestmark = pytest.mark.django_db
FIGURES = "/api/v1/servicedesk/figures"


@pytest.fixture
def desk(world):
    return figures_data.build(world)


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION="Bearer " + api_token_create(actor=user, name="test")[1])


def sheet_values(response) -> list[list]:
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    return [[cell for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_figures_page_shows_the_period_by_day_with_charts(world, desk, login):
    client = login(world.alice)
    page = client.get(reverse("servicedesk:figures"), {"start": MONDAY, "end": TUESDAY, "by": "day"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="figures"' in html and "<canvas" in html
    assert page.context["result"].total.taken == 7
    assert figures_data.BRANCH_B and "SECRET" not in html


def test_the_figures_page_exports_its_table_to_xlsx(world, desk, login):
    client = login(world.alice)
    response = client.get(
        reverse("servicedesk:figures"), {"start": MONDAY, "end": TUESDAY, "by": "service", "format": "xlsx"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = sheet_values(response)
    assert any(row and row[0] == "Layanan S1" and row[1] == 5 for row in rows)


def test_bad_figures_input_falls_back_to_the_default_period_without_an_error_page(world, desk, login):
    client = login(world.alice)
    for query in ({"start": "junk"}, {"start": TUESDAY, "end": MONDAY}, {"by": "nonsense"}, {"unit": "999999"}):
        assert client.get(reverse("servicedesk:figures"), query).status_code == 200


def test_a_parent_chooses_a_unit_below_and_groups_by_unit(world, desk, login):
    client = login(world.carol)
    query = {"start": MONDAY, "end": TUESDAY, "by": "unit", "unit": world.area.pk}
    page = client.get(reverse("servicedesk:figures"), query)
    labels = [r.label for r in page.context["result"].rows]
    assert world.branch_a.name in labels and world.branch_b.name in labels
    page = client.get(reverse("servicedesk:figures"), {"start": MONDAY, "end": TUESDAY, "unit": world.branch_b.pk})
    assert page.context["unit"] == world.branch_b and page.context["result"].total.taken == 3


def test_the_evaluation_page_pdf_and_xlsx_of_a_week(world, desk, login):
    client = login(world.alice)
    url = reverse("servicedesk:evaluation")
    page = client.get(url, {"week": "2026-W49"})
    assert page.status_code == 200 and page.context["e"].total.taken == 7
    assert page.content.decode().count("<canvas") >= 4
    pdf = client.get(url, {"week": "2026-W49", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(url, {"week": "2026-W49", "format": "xlsx"})
    workbook = load_workbook(BytesIO(xlsx.content), read_only=True)
    assert len(workbook.sheetnames) == 6  # summary, days, weeks, services, counters, units (branch A has one below)
    assert client.get(url, {"week": "2026-W99"}).status_code == 200


def test_the_evaluation_consolidates_a_parent_with_one_row_per_child(world, desk, login):
    page = login(world.carol).get(reverse("servicedesk:evaluation"), {"week": "2026-W49", "unit": world.area.pk})
    assert [(r.label, r.taken) for r in page.context["e"].units] == [(world.branch_a.name, 7), (world.branch_b.name, 3)]


def test_an_outsider_gets_no_figures_page_of_units_not_theirs(world, desk, login):
    client = login(world.alice)
    page = client.get(reverse("servicedesk:figures"), {"start": MONDAY, "end": TUESDAY, "unit": world.branch_b.pk})
    assert page.context["unit"] == world.branch_a  # a unit outside the subtree is not a choice
    assert login(world.nina).get(reverse("servicedesk:evaluation")).status_code == 403


def test_the_figures_api_groups_as_asked_and_is_scoped(world, desk):
    client = api(world.alice)
    answer = client.get(FIGURES, {"start": MONDAY, "end": TUESDAY, "by": "day"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [r["taken"] for r in body["rows"]] == [5, 2] and body["total"]["wait_median_minutes"] == 4
    assert body["rows"][0]["key"] == MONDAY.isoformat() and body["rows"][0]["within_standard_share"] == 0.75
    assert client.get(FIGURES, {"by": "nonsense"}).status_code == 400
    assert client.get(FIGURES, {"start": TUESDAY, "end": MONDAY}).status_code == 400
    assert client.get(FIGURES, {"unit_id": world.branch_b.pk}).status_code == 404
    assert api(world.eve).get(FIGURES, {"unit_id": world.branch_a.pk}).status_code == 404


def test_the_week_api_answers_the_evaluation(world, desk):
    body = api(world.carol).get(FIGURES + "/week", {"unit_id": world.area.pk, "week": "2026-W49"}).json()
    assert body["week"] == "2026-W49" and body["total"]["taken"] == 10 and len(body["weeks"]) == 9
    assert [u["taken"] for u in body["units"]] == [7, 3]
    assert api(world.carol).get(FIGURES + "/week", {"week": "junk"}).status_code == 400


def test_the_home_page_shows_the_desk_today_for_a_unit_with_a_desk(world, desk, login):
    home = login(world.alice).get(reverse("core:home"))
    assert home.status_code == 200
    assert 'data-home-section="servicedesk"' in home.content.decode()
