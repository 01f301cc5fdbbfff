"""The collection settings page: zakat fitrah rates per Hijri year, accepted kinds, gold price and receipt footer."""

import pytest
from django.test import Client
from django.utils import timezone

from satuatap.audit.models import AuditEvent
from satuatap.collection import services
from satuatap.collection.models import AcceptedFunds, CollectionSettings, FitrahRate
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant

URL = "/collection/settings/"


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def english(client):
    client.cookies["satuatap_language"] = "en"
    return client


def this_year():
    return services.hijri_year(timezone.localdate())


@pytest.fixture
def root_finance(world):
    user = UserFactory(username="fatma")
    grant(user, world.alpha, Role.FINANCE)
    return user


def test_page_shows_the_current_hijri_year_and_the_inherited_rate(world, desk, root_finance):
    services.fitrah_rate_set(actor=root_finance, unit=world.alpha, hijri_year=this_year(), mode="money", amount=47_000)
    response = english(as_user(desk.fiona)).get(URL)
    assert response.status_code == 200
    assert response.context["hijri_year"] == this_year()
    assert response.context["current_inherited"] and response.context["current_rate"].unit == world.alpha
    page = response.content.decode()
    assert f"{this_year()} H" in page and "Rp47.000" in page and "follows LAZ Alpha" in page


def test_finance_sets_a_rate_in_rupiah_for_this_year(world, desk):
    client = english(as_user(desk.fiona))
    data = {"section": "fitrah", "hijri_year": this_year(), "mode": "money", "amount": "50.000"}
    response = client.post(URL, data)
    assert response.status_code == 302
    rate = FitrahRate.objects.get(unit=world.branch_a, hijri_year=this_year())
    assert rate.per_person == 50_000
    page = client.get(URL).content.decode()
    assert "This office&#x27;s rate" in page or "This office's rate" in page
    assert AuditEvent.objects.filter(action="collection.configured", actor=desk.fiona).exists()


def test_finance_sets_a_rate_as_rice_times_price(world, desk):
    data = {
        "section": "fitrah",
        "hijri_year": this_year(),
        "mode": "rice",
        "rice_kg": "2,7",
        "rice_price_per_kg": "15.500",
    }
    response = as_user(desk.fiona).post(URL, data)  # Indonesian: 2,7 kg
    assert response.status_code == 302, response.context["rate_form"].errors
    rate = FitrahRate.objects.get(unit=world.branch_a, hijri_year=this_year())
    assert rate.mode == "rice" and rate.per_person == 41_850


def test_changing_an_existing_years_rate_prefills_the_form(world, desk):
    response = as_user(desk.fiona).get(URL, {"year": "1447"})
    form = response.context["rate_form"]
    assert form.initial["hijri_year"] == 1447 and form.initial["amount"] == 45_000


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"mode": "money", "amount": ""}, "amount", "rupiah per person"),
        ({"mode": "money", "amount": "0"}, "amount", "at least"),
        ({"mode": "rice", "rice_price_per_kg": ""}, "rice_price_per_kg", "price of one kg"),
        ({"mode": "rice", "rice_kg": "20", "rice_price_per_kg": "15000"}, "rice_kg", "10"),
        ({"mode": "gold", "amount": "5"}, "mode", "valid choice"),
        ({"mode": "money", "amount": "5", "hijri_year": "2026"}, "hijri_year", "1600"),
    ],
)
def test_bad_rate_input_is_explained_next_to_the_field_and_nothing_is_saved(world, desk, data, field, message):
    before = FitrahRate.objects.count()
    response = english(as_user(desk.fiona)).post(URL, {"section": "fitrah", "hijri_year": this_year(), **data})
    assert response.status_code == 200
    errors = response.context["rate_form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert FitrahRate.objects.count() == before


def test_accepted_kinds_are_saved_for_the_unit_and_shown_as_own(world, desk):
    client = english(as_user(desk.fiona))
    response = client.post(URL, {"section": "kinds", "kinds": ["zakat_maal", "infak"]})
    assert response.status_code == 302
    assert AcceptedFunds.objects.get(unit=world.branch_a).kinds == ["infak", "zakat_maal"]
    assert services.accepted_kinds(world.branch_a_sub) == ["infak", "zakat_maal"]
    page = client.get(URL).content.decode()
    assert "This office has its own list." in page


def test_no_accepted_kind_is_refused_with_a_message(world, desk):
    response = english(as_user(desk.fiona)).post(URL, {"section": "kinds"})
    assert response.status_code == 200 and "kinds" in response.context["kinds_form"].errors
    assert not AcceptedFunds.objects.exists()


def test_unknown_kind_is_refused(world, desk):
    response = as_user(desk.fiona).post(URL, {"section": "kinds", "kinds": ["bitcoin"]})
    assert response.status_code == 200 and "kinds" in response.context["kinds_form"].errors
    assert not AcceptedFunds.objects.exists()


def test_a_branch_cannot_change_the_institutions_gold_price(world, desk):
    response = english(as_user(desk.fiona)).get(URL)
    assert response.context["institution_form"] is None
    assert 'data-testid="institution-readonly"' in response.content.decode()
    post = as_user(desk.fiona).post(URL, {"section": "institution", "gold_price_per_gram": "1"})
    assert post.status_code == 403
    assert not CollectionSettings.objects.exists()


def test_institution_finance_sets_the_gold_price_and_receipt_footer(world, root_finance):
    client = english(as_user(root_finance))
    data = {
        "section": "institution",
        "gold_price_per_gram": "1.650.000",
        "gold_price_date": "2026-11-01",
        "receipt_note": "Semoga Allah memberkahi harta Anda.",
    }
    assert client.post(URL, data).status_code == 302
    row = CollectionSettings.objects.get(institution=world.alpha)
    assert row.gold_price_per_gram == 1_650_000 and row.receipt_note.startswith("Semoga")
    assert "Rp1.650.000" in Client().get("/zakat/kalkulator/ALPHA/").content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"gold_price_per_gram": ""}, "gold_price_per_gram"),
        ({"gold_price_per_gram": "0"}, "gold_price_per_gram"),
        ({"gold_price_per_gram": "1000", "receipt_note": "x" * 301}, "receipt_note"),
        ({"gold_price_per_gram": "1000", "gold_price_date": "besok"}, "gold_price_date"),
    ],
)
def test_bad_institution_settings_are_explained_and_nothing_is_saved(world, root_finance, data, field):
    response = as_user(root_finance).post(URL, {"section": "institution", **data})
    assert response.status_code == 200 and field in response.context["institution_form"].errors
    assert not CollectionSettings.objects.exists()


def test_front_office_auditors_and_people_without_a_role_are_refused(world, desk):
    for user in (world.frank, world.audrey, world.nina):
        client = as_user(user)
        assert client.get(URL).status_code == 403
        response = client.post(URL, {"section": "fitrah", "hijri_year": this_year(), "mode": "money", "amount": "1"})
        assert response.status_code == 403
        assert client.post(URL, {"section": "kinds", "kinds": ["infak"]}).status_code == 403
    assert not AcceptedFunds.objects.exists()
    assert not FitrahRate.objects.filter(hijri_year=this_year()).exists()


def test_settings_need_a_login(world):
    response = Client().get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_settings_only_ever_touch_the_active_unit(world, desk):
    """bob (admin of branch B) sets rates and kinds on branch B only, and never sees branch A's."""
    client = as_user(world.bob)
    client.post(URL, {"section": "fitrah", "hijri_year": 1447, "mode": "money", "amount": "30.000"})
    client.post(URL, {"section": "kinds", "kinds": ["infak"]})
    assert FitrahRate.objects.get(unit=world.branch_a, hijri_year=1447).amount == 45_000
    assert FitrahRate.objects.get(unit=world.branch_b, hijri_year=1447).amount == 30_000
    assert not AcceptedFunds.objects.filter(unit=world.branch_a).exists()
    page = client.get(URL).content.decode()
    assert "Rp45.000" not in page and "Cabang Anggrek" not in page


def test_settings_page_reads_few_queries(world, desk, django_assert_max_num_queries):
    client = as_user(desk.fiona)
    client.get(URL)
    with django_assert_max_num_queries(9):
        client.get(URL)
