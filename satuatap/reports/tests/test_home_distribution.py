"""The program officer's, the head's and the auditor's home: applications by stage and overdue, the
zakat held and the distribution ratio, approvals waiting, overrides; each of its own subtree only."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from satuatap.beneficiaries.tests.conftest import english_messages, registry  # noqa: F401  (fixtures)
from satuatap.distribution import services
from satuatap.distribution.models import Application
from satuatap.distribution.tests.conftest import apply_and_recommend, books, fund  # noqa: F401  (fixture)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def page(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def chart_data(html: str) -> list[dict]:
    scripts = re.findall(r'<script id="sa-chart-\d+" type="application/json">(.*?)</script>', html, re.S)
    return [json.loads(s) for s in scripts]


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">\s*([^<]*)<', html).group(1).strip()


@pytest.fixture
def waiting(world, books):  # noqa: F811
    """Two recommended applications at branch A, one of them overdue, and one moved to branch B."""
    overdue = apply_and_recommend(world, books, 500_000)
    Application.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    fresh = apply_and_recommend(world, books, 400_000)
    sibling = apply_and_recommend(world, books, 300_000)
    Application.objects.filter(pk=sibling.pk).update(
        unit=world.branch_b, tracking_code="SECRETAPP", due_on=timezone.localdate() - timedelta(days=9)
    )
    return overdue, fresh


def test_program_home_counts_applications_by_stage_and_lists_the_overdue_of_its_subtree(client, world, books, waiting):  # noqa: F811
    overdue, fresh = waiting
    html = page(client, books.registry.paula)
    assert 'data-home-section="program"' in html
    assert figure(html, "open") == "2"
    assert figure(html, "overdue") == "1"
    assert overdue.tracking_code in html
    assert "SECRETAPP" not in html
    (stages,) = chart_data(html)
    counts = dict(zip(stages["labels"], stages["datasets"][0]["data"], strict=True))
    assert sum(counts.values()) == 2 and stages["money"] is False


def test_head_home_shows_zakat_held_ratio_and_approvals_waiting_of_its_subtree_only(client, world, books, waiting):  # noqa: F811
    fund(world.branch_b, 7_777_000, key="sibling")
    html = page(client, books.hank)
    assert 'data-home-section="head"' in html
    assert figure(html, "awaiting") == "2"  # the sibling's recommended application is not counted
    assert "Rp20.000.000" in html  # zakat held at branch A
    assert "7.777.000" not in html and "27.777.000" not in html
    assert figure(html, "ratio") == "0,0%"
    # The head of the region sees both branches.
    assert "Rp27.777.000" in page(client, books.rita)


def test_head_home_charts_collection_by_month_this_year_beside_last_year(client, world, books):  # noqa: F811
    from satuatap.collection.services import DonationLineSpec, donation_record
    from satuatap.donors.services import donor_register

    donor = donor_register(actor=world.frank, unit=world.branch_a, full_name="Hadi Santoso")
    today = timezone.localdate()
    donation_record(
        actor=world.frank,
        unit=world.branch_a,
        donor=donor,
        donation_date=today,
        channel="cash",
        lines=[DonationLineSpec("zakat_maal", 2_000_000)],
        idempotency_key="head-home-1",
    )
    html = page(client, books.hank)
    (months,) = chart_data(html)
    assert [d["label"] for d in months["datasets"]] == [str(today.year - 1), str(today.year)]
    assert months["datasets"][1]["data"][today.month - 1] == 2_000_000
    assert len(months["labels"]) == 12
    assert figure(html, "collected") == "Rp2.000.000"


def test_auditor_home_lists_fair_share_overrides_of_its_subtree(client, world, books):  # noqa: F811
    for amount in (600_000, 250_000):  # the second help within six months needs an override
        application = services.application_decide(
            actor=books.hank,
            application=apply_and_recommend(world, books, amount),
            approve=True,
            override_reason="Bantuan kedua semester ini, disetujui kepala",
        )
        services.disbursement_pay(actor=books.fiona, application=application, amount=amount, money_account=books.cash)
    auditor = UserFactory(username="aud_a")
    grant(auditor, world.branch_a, "auditor")
    outsider = UserFactory(username="aud_b")
    grant(outsider, world.branch_b, "auditor")
    assert "Bantuan kedua semester ini" in page(client, auditor)
    assert "Bantuan kedua semester ini" not in page(client, outsider)
