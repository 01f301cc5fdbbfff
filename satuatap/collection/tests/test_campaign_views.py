"""Campaigns: the staff list with live totals, create/edit with per-field errors, detail, export, public page."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from satuatap.collection.models import Campaign
from satuatap.collection.selectors.campaigns import progress
from satuatap.collection.services import DonationLineSpec, campaign_save, donation_void
from satuatap.collection.tests.conftest import give
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant
from tests.scoping import response_text

LIST = "/collection/campaigns/"
NEW = "/collection/campaigns/new/"


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def english(client):
    client.cookies["satuatap_language"] = "en"
    return client


def campaign_form(**overrides):
    data = {
        "unit": "",
        "code": "sumur-2026",
        "name": "Wakaf Sumur Desa",
        "description": "Sumur bor untuk desa kering.",
        "target": "10.000.000",
        "start_date": "2026-03-01",
        "end_date": "2026-04-30",
        "is_public": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def drive(world, desk):
    """A public campaign of branch A with two live donations (one mixed with zakat) and one void;
    a campaign of branch B and one of BETA carry the SECRET marker."""
    well = campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="sumur-2026",
        name="Wakaf Sumur Desa",
        description="Sumur bor untuk desa kering.",
        target=10_000_000,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 4, 30),
        is_public=True,
    )
    quiet = campaign_save(
        actor=desk.fiona,
        unit=world.branch_a_sub,
        code="internal-drive",
        name="Internal staff drive",
        target=1_000_000,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        is_public=False,
    )
    secret_b = campaign_save(
        actor=desk.felix,
        unit=world.branch_b,
        code="secret-b",
        name="SECRET Bakung drive",
        target=5_000_000,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
    )
    beta = campaign_save(
        actor=world.eve,
        unit=world.beta_branch,
        code="sumur-2026",
        name="SECRET Xenon well",
        target=7_000_000,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 4, 30),
    )
    first = give(world.branch_a, desk.donor, world.frank, DonationLineSpec("infak", 250_000, campaign=well))
    mixed = give(
        world.branch_a,
        desk.donor,
        world.frank,
        ("zakat_maal", 1_000_000),
        DonationLineSpec("infak", 750_000, campaign=well),
    )
    voided = give(world.branch_a, desk.donor, world.frank, DonationLineSpec("infak", 99_000, campaign=well))
    donation_void(actor=desk.fiona, donation=voided, reason="salah input")
    return SimpleNamespace(
        well=well, quiet=quiet, secret_b=secret_b, beta=beta, first=first, mixed=mixed, voided=voided
    )


def test_list_shows_target_collected_progress_and_donors_of_the_subtree(world, desk, drive):
    response = english(as_user(world.frank)).get(LIST)
    assert response.status_code == 200
    rows = {c.code: c for c in response.context["page"].object_list}
    assert set(rows) == {"sumur-2026", "internal-drive"}
    well = rows["sumur-2026"]
    assert well.collected == 1_000_000  # the zakat line and the void donation are not counted
    assert well.donor_count == 1 and well.progress.percent == 10
    page = response.content.decode()
    assert "Rp1.000.000" in page and "Rp10.000.000" in page
    assert 'role="progressbar"' in page and 'aria-valuenow="10"' in page
    assert "SECRET" not in page


def test_list_reads_a_fixed_number_of_queries(world, desk, drive, django_assert_max_num_queries):
    client = as_user(world.frank)
    client.get(LIST)
    for n in range(5):
        campaign_save(
            actor=desk.fiona,
            unit=world.branch_a,
            code=f"extra-{n}",
            name=f"Extra {n}",
            target=1_000,
            start_date=date(2026, 3, 1),
            end_date=date(2026, 3, 2),
        )
    with django_assert_max_num_queries(5):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 7


def test_branch_staff_see_only_their_subtree_and_region_staff_see_both_branches(world, desk, drive):
    regional = UserFactory(username="rina")
    grant(regional, world.region, Role.FINANCE)
    codes = {c.code for c in as_user(regional).get(LIST).context["page"].object_list}
    assert codes == {"sumur-2026", "internal-drive", "secret-b"}
    assert {c.code for c in as_user(world.eve).get(LIST).context["page"].object_list} == {"sumur-2026"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_the_same_rows_and_no_other_units(world, desk, drive, fmt):
    response = english(as_user(world.frank)).get(LIST, {"format": fmt})
    assert response.status_code == 200
    text = response_text(response).decode()
    assert "sumur-2026" in text and "internal-drive" in text and "1000000" in text
    assert "SECRET" not in text


def test_finance_creates_a_campaign_and_it_is_audited(world, desk):
    response = as_user(desk.fiona).post(NEW, campaign_form(unit=world.branch_a_sub.pk))
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="sumur-2026", institution=world.alpha)
    assert campaign.unit == world.branch_a_sub and campaign.target == 10_000_000 and campaign.is_public
    assert response["Location"] == f"/collection/campaigns/{campaign.pk}/"
    from satuatap.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="campaign.saved", actor=desk.fiona).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"code": "Sumur 2026!"}, "code", "lower-case"),
        ({"target": "0"}, "target", "at least"),
        ({"target": "1.000,50"}, "target", "without cents"),
        ({"end_date": "2026-02-01"}, "end_date", "cannot end before"),
        ({"start_date": "1 Maret"}, "start_date", "valid date"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_bad_campaign_input_is_explained_next_to_the_field_and_nothing_is_saved(world, desk, overrides, field, message):
    data = campaign_form(unit=world.branch_a.pk, **overrides)
    response = english(as_user(desk.fiona)).post(NEW, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Campaign.objects.exists()
    # What was typed is still there.
    assert "Wakaf Sumur Desa" in response.content.decode() or field == "name"


def test_a_code_used_by_another_campaign_of_the_institution_is_refused_with_a_message(world, desk, drive):
    response = english(as_user(desk.fiona)).post(NEW, campaign_form(unit=world.branch_a.pk))
    assert "already uses this code" in " ".join(response.context["form"].errors["code"])


def test_finance_cannot_create_a_campaign_for_a_unit_outside_their_subtree(world, desk):
    response = english(as_user(desk.fiona)).post(NEW, campaign_form(unit=world.branch_b.pk))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Campaign.objects.exists()
    assert "SECRET" not in response.content.decode()


def test_front_office_and_auditors_cannot_create_or_edit_campaigns(world, desk, drive):
    for user in (world.frank, world.audrey, world.nina):
        client = as_user(user)
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, campaign_form(unit=world.branch_a.pk, code="other")).status_code == 403
        edit = f"/collection/campaigns/{drive.well.pk}/edit/"
        assert client.post(edit, campaign_form(name="Changed")).status_code in (403, 404)
    drive.well.refresh_from_db()
    assert drive.well.name == "Wakaf Sumur Desa"
    assert not Campaign.objects.filter(code="other").exists()


def test_editing_keeps_the_code_once_donations_name_it(world, desk, drive):
    client = english(as_user(desk.fiona))
    edit = f"/collection/campaigns/{drive.well.pk}/edit/"
    assert client.get(edit).status_code == 200
    refused = client.post(edit, campaign_form(code="sumur-baru"))
    assert "cannot change" in " ".join(refused.context["form"].errors["code"])
    saved = client.post(edit, campaign_form(name="Wakaf Sumur Desa Kering", target="12.000.000"))
    assert saved.status_code == 302
    drive.well.refresh_from_db()
    assert drive.well.name == "Wakaf Sumur Desa Kering" and drive.well.target == 12_000_000


def test_detail_lists_the_donations_with_the_amount_to_the_campaign(world, desk, drive):
    response = english(as_user(world.frank)).get(f"/collection/campaigns/{drive.well.pk}/")
    assert response.status_code == 200
    rows = {d.pk: d for d in response.context["page"].object_list}
    assert rows[drive.mixed.pk].to_campaign == 750_000  # not the zakat line of the same donation
    assert rows[drive.first.pk].to_campaign == 250_000
    assert rows[drive.voided.pk].is_void
    page = response.content.decode()
    assert drive.mixed.receipt.number in page and "Muhammad Nur Hidayat" in page
    assert "/kampanye/ALPHA/sumur-2026/" in page
    assert "3171011708450001" not in page


def test_detail_does_not_list_donations_recorded_outside_the_users_units(world, desk, drive):
    give(world.branch_b, desk.donor, desk.felix, DonationLineSpec("infak", 5_000, campaign=drive.well))
    response = as_user(world.frank).get(f"/collection/campaigns/{drive.well.pk}/")
    assert response.context["campaign"].collected == 1_005_000
    assert {d.unit_id for d in response.context["page"].object_list} == {world.branch_a.pk}


def test_outsiders_get_not_found_for_campaigns_of_other_units(world, desk, drive):
    client = as_user(world.alice)
    for campaign in (drive.secret_b, drive.beta):
        for url in (f"/collection/campaigns/{campaign.pk}/", f"/collection/campaigns/{campaign.pk}/edit/"):
            for method in ("get", "post"):
                response = getattr(client, method)(url, campaign_form(name="leak") if method == "post" else None)
                assert response.status_code == 404, url
                assert b"SECRET" not in response.content
    drive.secret_b.refresh_from_db()
    assert drive.secret_b.name == "SECRET Bakung drive"


def test_campaign_pages_need_a_login(world, drive):
    for url in (LIST, NEW, f"/collection/campaigns/{drive.well.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert as_user(world.nina).get(LIST).status_code == 403


# --- public page -------------------------------------------------------------------------------


def test_public_page_shows_progress_and_total_without_donor_data(world, desk, drive):
    response = english(Client()).get("/kampanye/ALPHA/sumur-2026/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wakaf Sumur Desa" in page and "Rp1.000.000" in page and "Rp10.000.000" in page
    assert 'role="progressbar"' in page and 'aria-valuenow="10"' in page and 'aria-valuemax="100"' in page
    assert "Muhammad" not in page and desk.donor.number not in page and "0812" not in page
    assert drive.mixed.receipt.number not in page
    assert "<script>" not in page


def test_public_total_follows_donations_as_they_post_and_are_voided(world, desk, drive):
    url = "/kampanye/ALPHA/sumur-2026/"
    assert Client().get(url).context["campaign"].collected == 1_000_000
    extra = give(world.branch_a, desk.donor, world.frank, DonationLineSpec("infak", 4_000_000, campaign=drive.well))
    assert Client().get(url).context["campaign"].collected == 5_000_000
    donation_void(actor=desk.fiona, donation=extra, reason="batal")
    fragment = Client().get(url, headers={"HX-Request": "true"})
    assert fragment.context["campaign"].collected == 1_000_000
    assert "<html" not in fragment.content.decode() and 'hx-trigger="every 60s"' in fragment.content.decode()


def test_public_page_of_a_campaign_of_another_institution_is_its_own(world, desk, drive):
    response = Client().get("/kampanye/BETA/sumur-2026/")
    assert response.status_code == 200 and response.context["campaign"] == drive.beta


@pytest.mark.parametrize(
    "url", ["/kampanye/ALPHA/internal-drive/", "/kampanye/ALPHA/nope/", "/kampanye/NOPE/sumur-2026/"]
)
def test_private_or_unknown_campaigns_are_not_found_publicly(world, desk, drive, url):
    response = Client().get(url)
    assert response.status_code == 404 and b"Internal staff drive" not in response.content


def test_public_page_reads_few_queries(world, desk, drive, django_assert_max_num_queries):
    # The institution and the campaign, then where to give: the bank accounts and the office's lineage,
    # and the office's week of hours.
    with django_assert_max_num_queries(5):
        Client().get("/kampanye/ALPHA/sumur-2026/")


def test_progress_counts_the_last_day_and_caps_the_bar_but_not_the_percent(world, desk, drive):
    well = drive.well
    well.collected = 25_000_000
    assert progress(well, well.end_date).days_left == 1
    assert progress(well, well.end_date + timedelta(days=1)).state == "ended"
    assert progress(well, well.start_date - timedelta(days=3)).days_left == 3
    over = progress(well, timezone.localdate())
    assert over.percent == 250 and over.bar == 100


def test_a_taken_code_and_a_bad_target_are_refused_together(world, desk, drive):
    """The service names every bad field at once (the API shows them in one answer)."""
    from django.core.exceptions import ValidationError

    before = Campaign.objects.count()
    with pytest.raises(ValidationError) as refused:
        campaign_save(
            actor=desk.fiona, unit=world.branch_a, code="sumur-2026", name="Lain", target=0,
            start_date=date(2026, 3, 1), end_date=date(2026, 4, 30),
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"code", "target"}
    assert Campaign.objects.count() == before


def test_the_form_shows_a_taken_code_with_a_bad_target_and_dates_in_one_round(world, desk, drive):
    """The taken code used to appear only after the other mistakes were fixed (the form never reached
    the service while a field was wrong)."""
    before = Campaign.objects.count()
    data = campaign_form(unit=world.branch_a.pk, target="0", end_date="2026-02-01")
    response = english(as_user(desk.fiona)).post(NEW, data)
    errors = response.context["form"].errors
    assert set(errors) == {"code", "target", "end_date"}, errors
    assert "already uses this code" in " ".join(errors["code"])
    assert Campaign.objects.count() == before
