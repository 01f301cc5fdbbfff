"""The counter screen: find or register the donor, add lines, choose the channel, save once."""

import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from satuatap.collection.forms.counter import parse_rupiah
from satuatap.collection.models import Donation, DonationLine, Receipt
from satuatap.collection.services import accepted_kinds_set, campaign_save
from satuatap.collection.tests.conftest import give
from satuatap.donors.models import Donor
from satuatap.donors.services import donor_register
from satuatap.ledger.models import FundKind, JournalEntry
from tests.factories import UserFactory, grant

COUNTER = "/collection/counter/"
SEARCH = "/collection/counter/donors/"
REGISTER = "/collection/counter/donors/new/"
RATE = "/collection/counter/fitrah-rate/"


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages below are checked in English
    client.force_login(user)
    return client


def today():
    return timezone.localdate()


def counter_post(donor, *lines, key="key-1", channel="cash", day=None, **extra):
    """The POST the counter form sends: ``lines`` are dicts of a line's fields."""
    data = {
        "donor": donor.pk if donor else "",
        "channel": channel,
        "donation_date": (day or today()).isoformat(),
        "note": "",
        "bank_account": "",
        "bank_reference": "",
        "idempotency_key": key,
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": 1,
        "lines-MIN_NUM_FORMS": 0,
        "lines-MAX_NUM_FORMS": 20,
        "q": "",
        "new-full_name": "",
    }
    for index, line in enumerate(lines):
        for field in ("kind", "persons", "amount", "goods_description", "goods_quantity", "goods_unit"):
            data[f"lines-{index}-{field}"] = line.get(field, "")
    data.update(extra)
    return data


def line_errors(response, index):
    return response.context["lines"].forms[index].errors


# --- the page ------------------------------------------------------------------------------------


def test_front_office_opens_an_empty_counter_with_a_fresh_request_key_each_time(world, desk):
    client = as_user(world.frank)
    first = client.get(COUNTER)
    second = client.get(COUNTER)
    assert first.status_code == 200
    key1 = first.context["form"]["idempotency_key"].value()
    key2 = second.context["form"]["idempotency_key"].value()
    assert key1 and key2 and key1 != key2
    page = first.content.decode()
    assert f'value="{key1}"' in page
    assert 'id="donor-search"' in page and "js/counter.js" in page
    assert f'value="{today().isoformat()}"' in page  # today in the unit's zone


def test_counter_offers_only_the_kinds_the_unit_accepts_and_running_campaigns(world, desk):
    accepted_kinds_set(actor=desk.fiona, unit=world.branch_a, kinds=["zakat_maal", "infak"])
    running = campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="masjid",
        name="Renovasi Masjid",
        target=100_000_000,
        start_date=today() - timedelta(days=10),
        end_date=today() + timedelta(days=10),
    )
    campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="banjir-lama",
        name="Banjir Lama",
        target=5_000_000,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 2, 1),
    )
    kinds = dict(as_user(world.frank).get(COUNTER).context["lines"].forms[0].fields["kind"].choices)
    assert set(kinds) == {"", "zakat_maal", "infak", f"campaign-{running.pk}"}
    assert "Renovasi Masjid" in kinds[f"campaign-{running.pk}"]


def test_bank_accounts_offered_are_the_active_units_own_and_a_sole_one_is_preselected(world, desk):
    form = as_user(world.frank).get(COUNTER).context["form"]
    assert [value for value, _label in form.fields["bank_account"].choices] == ["", str(desk.bank.pk)]
    assert form["bank_account"].value() == str(desk.bank.pk)


# --- saving --------------------------------------------------------------------------------------


def test_counter_records_a_two_line_cash_donation_and_shows_its_receipt_number(world, desk):
    client = as_user(world.frank)
    data = counter_post(desk.donor, {"kind": "zakat_maal", "amount": "1.250.000"}, {"kind": "infak", "amount": "50000"})
    response = client.post(COUNTER, data)
    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{COUNTER}?saved={donation.pk}"
    assert donation.total == 1_300_000 and donation.channel == "cash" and donation.collector == world.frank
    assert donation.unit == world.branch_a and donation.donor == desk.donor
    assert [(line.kind, line.amount) for line in donation.lines.order_by("position")] == [
        ("zakat_maal", 1_250_000),
        ("infak", 50_000),
    ]
    page = client.get(response["Location"]).content.decode()
    assert donation.receipt.number in page and "Rp1.300.000" in page
    assert f"/collection/donations/{donation.pk}/" in page


def test_a_double_click_or_resubmission_records_one_donation(world, desk):
    client = as_user(world.frank)
    data = counter_post(desk.donor, {"kind": "infak", "amount": "100.000"}, key="double")
    first = client.post(COUNTER, data)
    second = client.post(COUNTER, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Donation.objects.count() == 1 and Receipt.objects.count() == 1
    assert JournalEntry.objects.filter(source_ref__startswith="donation:").count() == 1


def test_the_same_key_with_other_content_is_refused_then_saved_again_only_on_purpose(world, desk):
    client = as_user(world.frank)
    client.post(COUNTER, counter_post(desk.donor, {"kind": "infak", "amount": "100.000"}, key="same"))
    changed = counter_post(desk.donor, {"kind": "infak", "amount": "200.000"}, key="same")
    response = client.post(COUNTER, changed)
    assert response.status_code == 200
    assert any("different donation" in e for e in response.context["form"].non_field_errors())
    assert Donation.objects.count() == 1
    new_key = response.context["form"]["idempotency_key"].value()
    assert new_key != "same" and 'value="200.000"' in response.content.decode()
    changed["idempotency_key"] = new_key
    assert client.post(COUNTER, changed).status_code == 302
    assert sorted(Donation.objects.values_list("total", flat=True)) == [100_000, 200_000]


def test_goods_typed_before_switching_to_cash_are_not_sent(world, desk):
    line = {"kind": "infak", "amount": "10.000", "goods_description": "Beras", "goods_quantity": "5"}
    assert as_user(world.frank).post(COUNTER, counter_post(desk.donor, line)).status_code == 302
    assert DonationLine.objects.get().goods_description == ""


def test_zakat_fitrah_is_persons_times_the_units_rate(world, desk):
    client = as_user(world.frank)
    response = client.post(COUNTER, counter_post(desk.donor, {"kind": "zakat_fitrah", "persons": "3"}, day=desk.day))
    assert response.status_code == 302
    line = DonationLine.objects.get()
    assert (line.persons, line.fitrah_rate, line.amount) == (3, 45_000, 135_000)


def test_infak_for_a_campaign_is_restricted_to_it(world, desk):
    campaign = campaign_save(
        actor=desk.fiona,
        unit=world.branch_a,
        code="sumur",
        name="Sumur Wakaf",
        target=50_000_000,
        start_date=today() - timedelta(days=1),
        end_date=today() + timedelta(days=30),
    )
    client = as_user(world.frank)
    response = client.post(COUNTER, counter_post(desk.donor, {"kind": f"campaign-{campaign.pk}", "amount": "75.000"}))
    assert response.status_code == 302
    line = DonationLine.objects.get()
    assert line.campaign == campaign and line.kind == "infak" and line.fund_kind == FundKind.INFAK_RESTRICTED


def test_bank_transfer_without_the_bank_account_is_refused_next_to_it_and_nothing_is_lost(world, desk):
    client = as_user(world.frank)
    data = counter_post(
        desk.donor,
        {"kind": "zakat_maal", "amount": "1.250.000"},
        channel="bank_transfer",
        bank_reference="TRX-778899",
        note="Titipan keluarga",
    )
    response = client.post(COUNTER, data)
    assert response.status_code == 200
    assert response.context["form"].errors["bank_account"]
    assert not Donation.objects.exists()
    page = response.content.decode()
    assert 'value="1.250.000"' in page and 'value="TRX-778899"' in page and 'value="Titipan keluarga"' in page
    assert desk.donor.full_name in page and f'name="donor" value="{desk.donor.pk}"' in page
    assert f'value="{data["idempotency_key"]}"' in page  # the retry keeps the key: still one donation

    data["bank_account"] = desk.bank.pk
    assert client.post(COUNTER, data).status_code == 302
    donation = Donation.objects.get()
    assert donation.bank_account == desk.bank and donation.bank_reference == "TRX-778899"


def test_goods_in_kind_are_recorded_with_description_quantity_and_value(world, desk):
    client = as_user(world.frank)
    data = counter_post(
        desk.donor,
        {
            "kind": "infak",
            "amount": "600.000",
            "goods_description": "Beras premium",
            "goods_quantity": "50",
            "goods_unit": "kg",
        },
        channel="in_kind",
    )
    assert client.post(COUNTER, data).status_code == 302
    line = DonationLine.objects.get()
    assert (line.goods_description, line.goods_quantity, line.goods_unit, line.amount) == (
        "Beras premium",
        50,
        "kg",
        600_000,
    )


def test_a_line_refused_by_the_service_shows_its_message_next_to_that_line(world, desk):
    client = as_user(world.frank)
    # No zakat fitrah rate is set for the Ramadan of today's Hijri year.
    data = counter_post(desk.donor, {"kind": "infak", "amount": "10.000"}, {"kind": "zakat_fitrah", "persons": "2"})
    response = client.post(COUNTER, data)
    assert response.status_code == 200
    errors = line_errors(response, 1)
    assert "rate" in str(errors["kind"]) and "2" in str(errors["kind"])
    assert not line_errors(response, 0)
    assert not Donation.objects.exists()
    page = response.content.decode()
    assert 'value="10.000"' in page and 'value="2"' in page


def test_zero_amount_is_refused_next_to_the_amount(world, desk):
    response = as_user(world.frank).post(COUNTER, counter_post(desk.donor, {"kind": "infak", "amount": "0"}))
    assert response.status_code == 200
    assert "zero" in str(line_errors(response, 0)["amount"])
    assert not Donation.objects.exists()


@pytest.mark.parametrize("amount", ["12,5", "abc", "1.25", "-5000"])
def test_amounts_that_are_not_whole_rupiah_are_explained(world, desk, amount):
    response = as_user(world.frank).post(COUNTER, counter_post(desk.donor, {"kind": "infak", "amount": amount}))
    assert response.status_code == 200
    assert "whole rupiah" in str(line_errors(response, 0)["amount"])
    assert not Donation.objects.exists()


def test_a_line_without_kind_or_amount_is_explained_and_blank_lines_are_ignored(world, desk):
    client = as_user(world.frank)
    response = client.post(COUNTER, counter_post(desk.donor, {"amount": "10.000"}, {"kind": "infak"}, {}))
    assert line_errors(response, 0)["kind"] and line_errors(response, 1)["amount"]
    assert not line_errors(response, 2)
    response = client.post(COUNTER, counter_post(desk.donor, {}))
    assert "at least one line" in response.content.decode()
    assert client.post(COUNTER, counter_post(desk.donor, {"kind": "infak", "amount": "5.000"}, {})).status_code == 302


def test_a_date_in_the_future_is_refused_next_to_the_date(world, desk):
    data = counter_post(desk.donor, {"kind": "infak", "amount": "10.000"}, day=today() + timedelta(days=2))
    response = as_user(world.frank).post(COUNTER, data)
    assert "future" in str(response.context["form"].errors["donation_date"])
    assert not Donation.objects.exists()


def test_saving_without_a_donor_asks_to_find_one(world, desk):
    response = as_user(world.frank).post(COUNTER, counter_post(None, {"kind": "infak", "amount": "10.000"}))
    assert response.status_code == 200
    assert response.context["form"].errors["donor"]
    assert 'data-testid="donor-error"' in response.content.decode()
    assert not Donation.objects.exists()


def test_a_kind_the_unit_does_not_accept_cannot_be_posted(world, desk):
    accepted_kinds_set(actor=desk.fiona, unit=world.branch_a, kinds=["infak"])
    response = as_user(world.frank).post(COUNTER, counter_post(desk.donor, {"kind": "zakat_maal", "amount": "10.000"}))
    assert line_errors(response, 0)["kind"]
    assert not Donation.objects.exists()


def test_prefill_from_the_zakat_calculator_link(world, desk):
    url = f"{COUNTER}?donor={desk.donor.pk}&kind=zakat_maal&amount=2500000"
    page = as_user(world.frank).get(url).content.decode()
    assert desk.donor.full_name in page and f'name="donor" value="{desk.donor.pk}"' in page
    assert 'value="2.500.000"' in page
    assert '<option value="zakat_maal" selected>' in page


def test_prefill_with_nonsense_or_a_fitrah_line_is_handled(world, desk):
    client = as_user(world.frank)
    assert client.get(f"{COUNTER}?donor=abc&kind=bogus&amount=-1&persons=x").status_code == 200
    page = client.get(f"{COUNTER}?kind=zakat_fitrah&persons=4").content.decode()
    assert '<option value="zakat_fitrah" selected>' in page and 'value="4"' in page


# --- finding and registering the donor -----------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["moh nur", "Muhammad", "hidayat", "MOH. NOOR HIDAYAT", "0812-3456-7890", "+62 812 3456 7890", "3171011708450001"],
)
def test_donor_search_finds_by_name_variant_phone_or_nik(world, desk, query):
    response = as_user(world.frank).get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert [d.pk for d in response.context["donors"]] == [desk.donor.pk]
    assert f'name="donor" value="{desk.donor.pk}"' in response.content.decode()  # the chip to pick


def test_donor_search_finds_by_donor_number_and_shows_identifiers_masked(world, desk):
    page = as_user(world.frank).get(SEARCH, {"q": desk.donor.number}).content.decode()
    assert desk.donor.full_name in page
    assert "3171011708450001" not in page and desk.donor.nik_masked in page


def test_a_short_name_does_not_match_every_donor_number(world, desk):
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Ali Akbar")
    names = [d.full_name for d in as_user(world.frank).get(SEARCH, {"q": "al"}).context["donors"]]
    assert names == ["Ali Akbar"]  # every number starts with ALPHA-, but "al" is a name


def test_donor_search_says_when_nothing_matches(world, desk):
    page = as_user(world.frank).get(SEARCH, {"q": "zzzz"}).content.decode()
    assert 'data-testid="no-donor"' in page
    assert as_user(world.frank).get(SEARCH, {"q": "z"}).content.decode().strip() == ""


def test_inline_registration_chooses_the_new_donor(world, desk):
    response = as_user(world.frank).post(
        REGISTER, {"new-full_name": "Siti Aminah", "new-phone": "0813 1111 2222", "new-nik": "", "new-npwp": ""}
    )
    assert response.status_code == 200
    donor = Donor.objects.get(full_name="Siti Aminah")
    assert donor.registered_unit == world.branch_a and donor.phone == "+6281311112222"
    page = response.content.decode()
    assert 'hx-swap-oob="innerHTML"' in page and f'name="donor" value="{donor.pk}"' in page
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"counter:donor-picked": {"donor": donor.pk}}


def test_inline_registration_shows_each_fields_error_and_registers_nothing(world, desk):
    before = Donor.objects.count()
    client = as_user(world.frank)
    response = client.post(REGISTER, {"new-full_name": "Budi", "new-nik": "12345", "new-phone": "", "new-npwp": ""})
    assert response.status_code == 200
    assert "16 digits" in str(response.context["register_form"].errors["nik"])
    assert 'value="Budi"' in response.content.decode()
    response = client.post(REGISTER, {"new-full_name": "", "new-nik": "", "new-phone": "12", "new-npwp": ""})
    assert response.context["register_form"].errors["full_name"]
    response = client.post(REGISTER, {"new-full_name": "Budi", "new-phone": "0812", "new-nik": "", "new-npwp": ""})
    assert response.context["register_form"].errors["phone"]
    duplicate = {"new-full_name": "Hidayat Lagi", "new-nik": "3171011708450001", "new-phone": "", "new-npwp": ""}
    response = client.post(REGISTER, duplicate)
    assert desk.donor.number in str(response.context["register_form"].errors["nik"])
    assert Donor.objects.count() == before


def test_fitrah_rate_follows_the_date(world, desk):
    client = as_user(world.frank)
    assert client.get(RATE, {"date": desk.day.isoformat()}).json() == {"per_person": 45_000}
    assert client.get(RATE, {"date": today().isoformat()}).json() == {"per_person": None}
    assert client.get(RATE, {"date": "2026-02-31"}).json() == {"per_person": None}
    assert client.get(RATE, {"date": "nonsense"}).json() == {"per_person": None}


def test_parse_rupiah_takes_the_ways_people_write_amounts():
    assert parse_rupiah("Rp1.250.000") == 1_250_000
    assert parse_rupiah(" 1.250.000,00 ") == 1_250_000
    assert parse_rupiah("1,250,000") == 1_250_000
    assert parse_rupiah("50000") == 50_000
    assert parse_rupiah("") is None


# --- who may use it ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["nina", "audrey", "alice", "eve"])
def test_people_who_may_not_record_donations_are_refused_everywhere_on_the_counter(world, desk, persona):
    client = as_user(getattr(world, persona))
    assert client.get(COUNTER).status_code == 403
    assert client.post(COUNTER, counter_post(desk.donor, {"kind": "infak", "amount": "10.000"})).status_code == 403
    assert client.get(SEARCH, {"q": "hidayat"}).status_code == 403
    assert client.post(REGISTER, {"new-full_name": "Penyusup"}).status_code == 403
    assert client.get(RATE, {"date": desk.day.isoformat()}).status_code == 403
    assert not Donation.objects.exists() and not Donor.objects.filter(full_name="Penyusup").exists()


def test_anonymous_visitors_are_sent_to_log_in(world, desk):
    for url in (COUNTER, SEARCH, RATE):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(REGISTER, {"new-full_name": "X"}).status_code == 302


def test_another_institutions_clerk_cannot_find_or_use_our_donors(world, desk):
    client = as_user(desk.evan)  # front office of BETA
    assert not client.get(SEARCH, {"q": "hidayat"}).context["donors"]
    assert not client.get(SEARCH, {"q": "3171011708450001"}).context["donors"]
    response = client.post(COUNTER, counter_post(desk.donor, {"kind": "infak", "amount": "10.000"}))
    assert response.status_code == 200 and response.context["form"].errors["donor"]
    page = client.get(f"{COUNTER}?donor={desk.donor.pk}").content.decode()
    assert desk.donor.full_name not in page
    assert not Donation.objects.exists()


def test_our_clerk_cannot_find_or_use_another_institutions_donor(world, desk):
    client = as_user(world.frank)
    assert not client.get(SEARCH, {"q": "SECRET Xenon"}).context["donors"]
    response = client.post(COUNTER, counter_post(desk.secret_donor, {"kind": "infak", "amount": "10.000"}))
    assert response.context["form"].errors["donor"]
    assert "SECRET" not in client.get(f"{COUNTER}?donor={desk.secret_donor.pk}").content.decode()


def test_the_saved_panel_of_another_units_donation_is_not_found(world, desk):
    theirs = give(world.beta_branch, desk.secret_donor, desk.evan, ("infak", 10_000))
    felix_donation = give(world.branch_b, desk.donor, desk.felix, ("infak", 20_000))
    client = as_user(world.frank)
    assert client.get(f"{COUNTER}?saved={theirs.pk}").status_code == 404
    assert client.get(f"{COUNTER}?saved={felix_donation.pk}").status_code == 404
    assert client.get(f"{COUNTER}?saved=nonsense").status_code == 404


def test_a_clerk_of_a_unit_below_records_at_their_own_unit(world, desk):
    clerk = UserFactory(username="sub-clerk")
    grant(clerk, world.branch_a_sub, "front_office")
    client = as_user(clerk)
    assert client.post(COUNTER, counter_post(desk.donor, {"kind": "infak", "amount": "10.000"})).status_code == 302
    assert Donation.objects.get().unit == world.branch_a_sub


def register_post(**fields):
    data = {"new-full_name": "", "new-phone": "", "new-nik": "", "new-npwp": "", "new-email": ""}
    data.update({f"new-{k}": v for k, v in fields.items()})
    return data


def test_inline_registration_shows_a_bad_nik_and_a_bad_phone_in_one_round(world, desk):
    response = as_user(world.frank).post(REGISTER, register_post(full_name="Budi", nik="12345", phone="0812"))
    errors = response.context["register_form"].errors
    assert set(errors) == {"nik", "phone"}
    response = as_user(world.frank).post(REGISTER, register_post(nik="12345", phone="0812"))
    assert set(response.context["register_form"].errors) == {"full_name", "nik", "phone"}


def test_inline_registration_of_a_registered_donor_offers_that_donor_and_creates_nothing(world, desk):
    before = Donor.objects.count()
    client = as_user(world.frank)
    response = client.post(REGISTER, register_post(full_name="Muhammad Nur Hidayat", phone="0812-3456-7890"))
    assert response.status_code == 200 and "HX-Trigger-After-Settle" not in response
    assert Donor.objects.count() == before
    page = response.content.decode()
    assert 'data-testid="register-duplicates"' in page and 'data-testid="register-confirm"' in page
    assert [(c.donor, pickable) for c, pickable in response.context["duplicates"]] == [(desk.donor, desk.donor)]
    assert f'name="donor" value="{desk.donor.pk}"' in page  # the chip to choose that donor instead
    # The clerk confirms it is another person with the same phone (a family number).
    response = client.post(
        REGISTER, register_post(full_name="Siti Hidayat", phone="0812-3456-7890", confirm_duplicate="on")
    )
    assert Donor.objects.filter(full_name="Siti Hidayat").exists()
    assert "HX-Trigger-After-Settle" in response


def test_inline_registration_asks_and_keeps_the_donors_consent(world, desk):
    client = as_user(world.frank)
    page = client.get(COUNTER).content.decode()
    assert 'name="new-consent_whatsapp"' in page and 'name="new-consent_email"' in page
    client.post(REGISTER, register_post(full_name="Rina", phone="0813 5555 1111", consent_whatsapp="on"))
    client.post(REGISTER, register_post(full_name="Rudi", phone="0813 5555 2222"))
    rina, rudi = Donor.objects.get(full_name="Rina"), Donor.objects.get(full_name="Rudi")
    assert (rina.consent_whatsapp, rina.consent_email, rina.preferred_channel) == (True, False, "whatsapp")
    assert (rudi.consent_whatsapp, rudi.preferred_channel) == (False, "none")
