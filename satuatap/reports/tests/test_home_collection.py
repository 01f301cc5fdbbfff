"""Each role's home (Beranda) shows its figures of the active unit's subtree, never a sibling's."""

import json
import re

import pytest
from django.utils import timezone

from satuatap.collection import services
from satuatap.collection.tests.conftest import desk, give  # noqa: F401  (fixture)
from satuatap.ledger import services as ledger
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def today_at(unit):
    return timezone.localdate(timezone=unit.tzinfo)


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def chart_data(html: str) -> list[dict]:
    """The JSON of every chart the page draws."""
    scripts = re.findall(r'<script id="sa-chart-\d+" type="application/json">(.*?)</script>', html, re.S)
    return [json.loads(s) for s in scripts]


@pytest.fixture
def day(world, desk):  # noqa: F811
    """Today at branch A (1.250.000 zakat + 300.000 infak) and at its sibling branch B (7.777.000)."""
    today = today_at(world.branch_a)
    mine = give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 1_250_000), ("infak", 300_000), day=today)
    sibling = give(world.branch_b, desk.donor, desk.felix, ("zakat_maal", 7_777_000), day=today)
    return mine, sibling


def test_front_office_home_shows_todays_donations_receipts_and_funds_of_its_unit_only(client, world, desk, day):  # noqa: F811
    mine, sibling = day
    html = home(client, world.frank).content.decode()
    assert 'data-home-section="front_office"' in html
    assert re.search(r'data-figure="donations">\s*1<', html)
    assert "Rp1.550.000" in html
    assert mine.receipt.number in html
    assert sibling.receipt.number not in html
    assert "7.777.000" not in html
    (by_fund,) = chart_data(html)
    assert by_fund["kind"] == "doughnut"
    assert sorted(by_fund["datasets"][0]["data"]) == [300_000, 1_250_000]
    # Only the front office's section: no finance, program, head or auditor figures.
    assert 'data-home-section="finance"' not in html
    assert 'data-home-section="auditor"' not in html


def test_finance_home_shows_each_funds_position_and_the_drafts_waiting(client, world, desk, day):  # noqa: F811
    cash = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_a.pk))
    ledger.manual_entry_draft(
        actor=desk.fiona,
        unit=world.branch_a,
        entry_date=today_at(world.branch_a),
        memo="Beli beras untuk disalurkan",
        lines=[ledger.LineSpec("1300", "zakat", debit=100_000), ledger.LineSpec(cash, "zakat", credit=100_000)],
    )
    html = home(client, desk.fiona).content.decode()
    assert 'data-home-section="finance"' in html
    assert re.search(r'data-figure="drafts">1<', html)
    assert "Beli beras untuk disalurkan" in html
    zakat = re.search(r'<tr data-fund="zakat">(.*?)</tr>', html, re.S).group(1)
    assert "Rp1.250.000" in zakat
    assert "7.777.000" not in html  # branch B's zakat
    (positions,) = chart_data(html)
    available = dict(zip(positions["labels"], positions["datasets"][1]["data"], strict=True))
    assert available["Zakat"] == 1_250_000


def test_auditor_home_lists_the_voids_of_its_subtree_and_not_a_siblings(client, world, desk, day):  # noqa: F811
    mine, sibling = day
    services.donation_void(actor=desk.fiona, donation=mine, reason="Salah input nominal kasir")
    services.donation_void(actor=desk.felix, donation=sibling, reason="SECRET alasan cabang lain")
    html = home(client, world.audrey).content.decode()
    assert 'data-home-section="auditor"' in html
    assert "Salah input nominal kasir" in html
    assert "SECRET" not in html


def test_a_user_with_two_roles_sees_the_sections_of_both(client, world, desk, day):  # noqa: F811
    both = UserFactory(username="dua_peran")
    grant(both, world.branch_a, Role.FRONT_OFFICE)
    grant(both, world.branch_a, Role.AUDITOR)
    html = home(client, both).content.decode()
    assert 'data-home-section="front_office"' in html
    assert 'data-home-section="auditor"' in html


def test_the_home_reads_its_figures_in_few_queries(client, world, desk, day, django_assert_max_num_queries):  # noqa: F811
    client.force_login(world.frank)
    with django_assert_max_num_queries(15):
        assert client.get("/").status_code == 200
