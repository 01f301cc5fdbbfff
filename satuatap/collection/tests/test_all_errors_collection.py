"""Every collection staff form names every bad field in one round (issue 14 item 4): the settings
(zakat fitrah rate, gold price and receipt footer), the import upload and the zakat calculator; the
services behind them (and the fitrah-rate API) refuse every bad field at once too.

Personas from ``world`` and ``desk``: fiona = finance of branch A, carol = admin of the ALPHA root.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from satuatap.api.services import api_token_create
from satuatap.collection import imports, services
from satuatap.collection.models import CollectionSettings, FitrahRate, ImportJob

SETTINGS = "/collection/settings/"
IMPORT = "/collection/imports/new/"


def _english(user=None) -> Client:
    client = Client()
    client.cookies["satuatap_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _year() -> int:
    return services.hijri_year(timezone.localdate())


# --- zakat fitrah rate ----------------------------------------------------------------------------


def test_the_rate_form_shows_a_bad_year_and_a_missing_amount_together(world, desk):
    before = list(FitrahRate.objects.values_list("pk", "amount"))
    data = {"section": "fitrah", "hijri_year": "2026", "mode": "money", "amount": ""}
    response = _english(desk.fiona).post(SETTINGS, data)
    assert response.status_code == 200
    errors = response.context["rate_form"].errors
    assert "1600" in " ".join(errors["hijri_year"])
    assert "rupiah per person" in " ".join(errors["amount"])
    assert list(FitrahRate.objects.values_list("pk", "amount")) == before


def test_the_rate_form_shows_bad_rice_and_a_missing_rice_price_together(world, desk):
    before = FitrahRate.objects.count()
    data = {"section": "fitrah", "hijri_year": _year(), "mode": "rice", "rice_kg": "20", "rice_price_per_kg": ""}
    response = _english(desk.fiona).post(SETTINGS, data)
    assert response.status_code == 200
    assert set(response.context["rate_form"].errors) == {"rice_kg", "rice_price_per_kg"}
    assert FitrahRate.objects.count() == before


def test_the_rate_service_names_the_year_and_the_amount_at_once(world, desk):
    before = FitrahRate.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.fitrah_rate_set(actor=desk.fiona, unit=world.branch_a, hijri_year=2026, mode="money", amount=0)
    assert set(refused.value.message_dict) == {"hijri_year", "amount"}
    with pytest.raises(ValidationError) as refused:
        services.fitrah_rate_set(
            actor=desk.fiona, unit=world.branch_a, hijri_year=1300, mode="rice", rice_kg="20", rice_price_per_kg=None
        )
    assert set(refused.value.message_dict) == {"hijri_year", "rice_kg", "rice_price_per_kg"}
    assert FitrahRate.objects.count() == before


def test_the_rate_api_names_every_bad_field_in_one_answer(world, desk):
    key = api_token_create(actor=desk.fiona, name="test")[1]
    body = {"unit_id": world.branch_a.pk, "hijri_year": 1300, "mode": "money", "amount": 0}
    before = FitrahRate.objects.count()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
        "/api/v1/collection/fitrah-rates", json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422, response.content[:300]
    assert {"hijri_year", "amount"} <= set(response.json()["error"]["fields"])
    assert FitrahRate.objects.count() == before


# --- gold price and receipt footer ---------------------------------------------------------------


def test_the_institution_form_shows_a_bad_gold_price_and_a_long_footer_together(world, desk):
    data = {"section": "institution", "gold_price_per_gram": "0", "receipt_note": "x" * 301}
    response = _english(world.carol).post(SETTINGS, data)
    assert response.status_code == 200
    errors = response.context["institution_form"].errors
    assert set(errors) == {"gold_price_per_gram", "receipt_note"}, errors
    assert not CollectionSettings.objects.exists()


def test_the_settings_service_names_the_gold_price_and_the_footer_at_once(world):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.collection_settings_set(
            actor=world.carol, institution=world.alpha, gold_price_per_gram=0, receipt_note="x" * 301
        )
    assert set(refused.value.message_dict) == {"gold_price_per_gram", "receipt_note"}
    assert not CollectionSettings.objects.exists()


# --- import upload --------------------------------------------------------------------------------


def test_the_upload_form_shows_a_wrong_file_type_beside_a_missing_unit(world, desk):
    """The file type is the service's check: it used to come only once the unit was chosen."""
    upload = SimpleUploadedFile("donasi.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = _english(desk.fiona).post(IMPORT, {"kind": "donations", "unit": "", "file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"unit", "file"}, errors
    assert "Excel (.xlsx) or CSV" in " ".join(errors["file"])
    assert not ImportJob.objects.exists()


def test_the_upload_form_shows_a_wrong_file_type_beside_an_unknown_kind(world, desk):
    upload = SimpleUploadedFile("donasi.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = _english(desk.fiona).post(IMPORT, {"kind": "camels", "unit": world.branch_a.pk, "file": upload})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "file"}
    assert not ImportJob.objects.exists()


def test_the_upload_service_names_the_kind_and_the_file_at_once(world, desk):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        imports.import_upload(actor=desk.fiona, unit=world.branch_a, kind="camels", filename="a.pdf", content=b"x")
    assert set(refused.value.message_dict) == {"kind", "file"}
    assert not ImportJob.objects.exists()


def test_a_good_upload_still_keeps_the_whole_file(world, desk, django_capture_on_commit_callbacks):
    """The form peeks at the file to say whether it is empty; the job keeps every byte of it."""
    content = b"tanggal;jumlah\n2026-03-10;1000\n"
    upload = SimpleUploadedFile("donasi.csv", content, content_type="text/csv")
    response = _english(desk.fiona).post(IMPORT, {"kind": "donations", "unit": world.branch_a.pk, "file": upload})
    assert response.status_code == 302, response.context["form"].errors
    assert bytes(ImportJob.objects.get().content) == content


# --- zakat calculator (GET: nothing is saved) -----------------------------------------------------


def test_the_calculator_explains_two_bad_amounts_in_one_round(world):
    query = {"type": "maal", "calc": "1", "cash": "abc", "debts": "1.500,50"}
    response = _english().get("/zakat/kalkulator/ALPHA/", query)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"cash", "debts"}, errors
    assert "without cents" in " ".join(errors["debts"])
    assert response.context["result"] is None


# --- report and list filters (GET: nothing is saved) ----------------------------------------------


def test_the_report_form_names_a_bad_first_day_and_a_missing_comparison_day_together(world, desk):
    query = {"start": "31-02-2026", "end": "2026-03-31", "compare": "custom", "compare_start": "2025-03-01"}
    response = _english(desk.fiona).get("/collection/reports/", query)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"start", "compare_end"}


def test_the_donation_list_names_a_bad_date_and_an_unknown_channel_together(world, desk):
    response = _english(desk.fiona).get("/collection/donations/", {"date_from": "kemarin", "channel": "camel"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"date_from", "channel"}
