"""The registry pages: list and search, register with duplicate candidates, the record, edit, status,
consents, documents, duplicates, aid, privacy; and who may not see or do what."""

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries import services
from satuatap.beneficiaries.models import Beneficiary, Consent, Document, NotDuplicate, Status
from satuatap.beneficiaries.tests.conftest import KK_SITI, NIK_BUDI, NIK_SITI, person
from satuatap.beneficiaries.views import registry as registry_views
from tests.scoping import response_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MASKED_NIK = "3318••••••••0003"
MASKED_KK = "••••••••••••0002"


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def text_of(response) -> str:
    text = response_text(response)
    return text.decode() if isinstance(text, bytes) else text


def register_form(**overrides):
    data = {
        "kind": "person",
        "full_name": "Budi Santoso",
        "nik": NIK_BUDI,
        "birth_date": "1975-11-02",
        "sex": "M",
        "phone": "0813 2222 3333",
        "village": "Kayen",
        "district": "Kayen",
        "regency": "Pati",
        "province": "Jawa Tengah",
        "rt": "3",
        "rw": "1",
        "latitude": "-6.9012",
        "longitude": "111.0023",
        "consent_method": "thumbprint",
        "consent_purpose": "assistance",
        "consent_given_on": "2026-01-05",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def twin(world, registry):
    """A second record of Siti, registered again without her NIK: the duplicate to find."""
    return person(
        world.frank,
        world.branch_a,
        "Siti Aminah",
        birth_date=date(1980, 5, 12),
        sex="F",
        village="Kayen",
        phone="0812-3456-7890",
    )


# --- list, search, export --------------------------------------------------------------------------------


def test_the_list_shows_the_units_beneficiaries_masked_and_filters_them(world, registry, django_assert_max_num_queries):
    client = as_user(world.frank)
    with django_assert_max_num_queries(8):
        response = client.get("/beneficiaries/")
    text = text_of(response)
    assert response.status_code == 200
    assert "Hj. Siti Aminah" in text and registry.siti.number in text and MASKED_NIK in text and "Kayen" in text
    assert NIK_SITI not in text and "SECRET" not in text
    assert "Siti Aminah" not in text_of(client.get("/beneficiaries/", {"status": "active"}))
    assert "Siti Aminah" not in text_of(client.get("/beneficiaries/", {"asnaf": "fakir"}))
    assert "Siti Aminah" in text_of(client.get("/beneficiaries/", {"status": "applicant", "asnaf": "nonsense"}))


def test_the_search_answers_as_you_type_by_name_nik_and_phone_and_keeps_the_address(world, registry):
    client = as_user(world.frank)
    response = client.get("/beneficiaries/search/", {"q": "aminah", "status": "applicant"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Hj. Siti Aminah" in text_of(response)
    assert "<html" not in text_of(response)
    assert response["HX-Replace-Url"] == "/beneficiaries/?q=aminah&status=applicant"
    for q in (NIK_SITI, "0812-3456-7890"):
        assert registry.siti.number in text_of(client.get("/beneficiaries/search/", {"q": q}))
    assert "No beneficiary matches" in text_of(client.get("/beneficiaries/search/", {"q": "zaenal"}))


def test_a_long_list_is_paginated(world, registry, monkeypatch):
    monkeypatch.setattr(registry_views, "PAGE", 2)
    for name in ("Ahmad", "Bambang"):
        person(world.frank, world.branch_a, name)
    client = as_user(world.frank)
    first = text_of(client.get("/beneficiaries/"))
    assert "Ahmad" in first and "Bambang" in first and "Siti" not in first and "page=2" in first
    assert "Siti Aminah" in text_of(client.get("/beneficiaries/", {"page": 2}))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_holds_what_the_user_sees_masked(world, registry, fmt):
    response = as_user(world.frank).get("/beneficiaries/", {"format": fmt})
    body = text_of(response)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "Hj. Siti Aminah" in body and MASKED_NIK in body and MASKED_KK in body
    assert NIK_SITI not in body and KK_SITI not in body and "SECRET" not in body


# --- register ----------------------------------------------------------------------------------------------


def test_front_office_registers_a_person_with_consent_at_the_active_unit(world, registry):
    response = as_user(world.frank).post("/beneficiaries/new/", register_form(kk=KK_SITI, relation="spouse"))
    budi = Beneficiary.objects.get(full_name="Budi Santoso")
    assert response.status_code == 302 and response["Location"] == f"/beneficiaries/{budi.pk}/"
    assert budi.registered_unit == world.branch_a and budi.nik == NIK_BUDI and budi.phone == "+6281322223333"
    assert budi.household_id == registry.siti.household_id and budi.relation == "spouse"
    assert (budi.rt, budi.rw, str(budi.latitude)) == ("003", "001", "-6.901200")
    consent = budi.consents.get()
    assert consent.method == "thumbprint" and consent.given_on == date(2026, 1, 5)


def test_an_organisation_registers_without_a_persons_consent(world, registry):
    response = as_user(world.frank).post(
        "/beneficiaries/new/",
        {"kind": "organisation", "organisation_type": "mosque", "full_name": "Masjid Al-Ikhlas", "village": "Kayen"},
    )
    assert response.status_code == 302
    mosque = Beneficiary.objects.get(full_name="Masjid Al-Ikhlas")
    assert mosque.kind == "organisation" and mosque.organisation_type == "mosque" and not mosque.consents.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nik": "12345"}, "nik", "16 digits"),
        ({"consent_method": ""}, "consent_method", "consented"),
        ({"birth_date": "1976-11-02"}, "birth_date", "does not match the NIK"),
        ({"nik": NIK_SITI, "birth_date": "1980-05-12", "sex": "F"}, "nik", "ALPHA-M"),
        ({"nik": "", "birth_date": "2015-03-01", "guardian_name": ""}, "guardian_name", "guardian"),
        ({"birth_date": "31-02-2020"}, "birth_date", "valid date"),
        ({"rt": "12a"}, "rt", "RT and RW"),
        ({"kk": KK_SITI, "relation": "head"}, "relation", "already has a head"),
        ({"latitude": "north"}, "latitude", "decimal"),
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_lost(world, registry, overrides, field, message):
    before = Beneficiary.objects.count()
    response = as_user(world.frank).post("/beneficiaries/new/", register_form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    text = text_of(response)
    assert 'value="Budi Santoso"' in text and f'id="id_{field}_error"' in text
    assert Beneficiary.objects.count() == before


def test_the_form_is_indonesian_by_default(world, registry):
    client = Client()
    client.force_login(world.frank)
    text = text_of(client.post("/beneficiaries/new/", register_form(nik="12345")))
    assert "16 digit" in text and 'lang="id"' in text


def test_duplicate_candidates_appear_while_typing_with_score_and_reasons(world, registry):
    client = as_user(world.frank)
    response = client.post(
        "/beneficiaries/candidates/", {"full_name": "Siti Aminah", "kk": KK_SITI, "village": "kayen"}
    )
    text = text_of(response)
    assert response.status_code == 200 and "<html" not in text
    assert registry.siti.number in text and "Hj. Siti Aminah" in text
    assert "same KK" in text and "same village" in text and "%" in text
    assert 'data-testid="no-candidates"' in text_of(client.post("/beneficiaries/candidates/", {"full_name": "Zaenal"}))
    assert "appear here as you type" in text_of(client.post("/beneficiaries/candidates/", {"nik": "123"}))


def test_a_candidate_of_another_branch_shows_only_where_the_match_is(world, registry):
    text = text_of(
        as_user(world.frank).post(
            "/beneficiaries/candidates/", {"full_name": "Bakung Mustahik", "birth_date": "1975-11-02", "sex": "M"}
        )
    )
    assert f"A match exists at {world.branch_b.name}." in text
    assert "Mustahik" not in text and registry.secret.number not in text
    assert f"/beneficiaries/{registry.secret.pk}/" not in text


# --- the record ---------------------------------------------------------------------------------------------


def test_the_record_shows_its_sections_with_identifiers_masked(world, registry, twin, django_assert_max_num_queries):
    services.aid_record(
        actor=registry.bella,
        beneficiary=registry.siti,
        unit=world.branch_b,
        given_on=date(2025, 3, 1),
        program="Santunan Ramadan",
        amount=750_000,
    )
    client = as_user(registry.paula)
    with django_assert_max_num_queries(32):
        response = client.get(f"/beneficiaries/{registry.siti.pk}/")
    text = text_of(response)
    assert response.status_code == 200
    assert MASKED_NIK in text and MASKED_KK in text and NIK_SITI not in text and KK_SITI not in text
    assert 'data-testid="show-identifiers"' in text
    assert "Registered" in text and "Santunan Ramadan" in text and "Rp750.000" in text
    assert twin.number in text and "Merge into this one" in text and "Not a duplicate" in text
    assert "Head of household" in text and "Assessing and providing assistance" in text


def test_full_identifiers_only_for_roles_that_need_them_and_each_read_is_audited(world, registry):
    url = f"/beneficiaries/{registry.siti.pk}/identifiers/"
    assert as_user(world.frank).post(url).status_code == 403
    assert 'data-testid="show-identifiers"' not in text_of(
        as_user(world.frank).get(f"/beneficiaries/{registry.siti.pk}/")
    )
    response = as_user(registry.paula).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and NIK_SITI in text_of(response) and KK_SITI in text_of(response)
    assert "<html" not in text_of(response)
    assert (
        AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_IDENTIFIERS_VIEWED, actor=registry.paula).count() == 1
    )
    assert as_user(registry.paula).get(url).status_code == 405


def test_documents_are_uploaded_opened_with_an_audit_and_refused_to_front_office(world, registry):
    paula, frank = as_user(registry.paula), as_user(world.frank)
    upload = SimpleUploadedFile("ktp sití.png", PNG, content_type="image/png")
    response = paula.post(f"/beneficiaries/{registry.siti.pk}/documents/new/", {"kind": "ktp", "file": upload})
    assert response.status_code == 302
    document = Document.objects.get()
    link = f"/beneficiaries/documents/{document.pk}/"
    assert link in text_of(paula.get(f"/beneficiaries/{registry.siti.pk}/"))
    front = text_of(frank.get(f"/beneficiaries/{registry.siti.pk}/"))
    assert "ktp sití.png" in front and link not in front
    assert frank.get(link).status_code == 403
    opened = paula.get(link)
    assert opened.status_code == 200 and opened["Content-Type"] == "image/png"
    assert b"".join(opened.streaming_content) == PNG
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_DOCUMENT_VIEWED).count() == 1
    assert as_user(registry.bella).get(link).status_code == 404


def test_a_file_of_the_wrong_type_is_refused_with_a_message(world, registry):
    client = as_user(registry.paula)
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = client.post(
        f"/beneficiaries/{registry.siti.pk}/documents/new/", {"kind": "ktp", "file": upload}, follow=True
    )
    assert response.status_code == 200 and "PDF, JPEG, PNG or WebP" in text_of(response)
    assert "Choose a file to upload" in text_of(
        client.post(f"/beneficiaries/{registry.siti.pk}/documents/new/", {"kind": "ktp"}, follow=True)
    )
    assert not Document.objects.exists()


def test_consents_are_recorded_and_withdrawn(world, registry):
    client = as_user(world.frank)
    response = client.post(
        f"/beneficiaries/{registry.siti.pk}/consents/new/",
        {"consent_method": "written", "consent_purpose": "publication", "consent_given_on": "2026-01-02"},
    )
    assert response.status_code == 302
    publication = Consent.objects.get(purpose="publication")
    client.post(f"/beneficiaries/consents/{publication.pk}/withdraw/")
    publication.refresh_from_db()
    assert publication.withdrawn_on is not None
    again = client.post(f"/beneficiaries/consents/{publication.pk}/withdraw/", follow=True)
    assert "already withdrawn" in text_of(again)
    assert as_user(world.audrey).post(f"/beneficiaries/consents/{publication.pk}/withdraw/").status_code == 403


def test_a_pair_marked_as_different_people_is_no_longer_proposed(world, registry, twin):
    client = as_user(world.frank)
    response = client.post(f"/beneficiaries/{registry.siti.pk}/not-duplicate/", {"other": twin.pk})
    assert response.status_code == 302 and NotDuplicate.objects.count() == 1
    page = text_of(client.get(f"/beneficiaries/{registry.siti.pk}/"))
    assert f'data-testid="not-duplicate-{twin.pk}"' not in page and 'data-testid="no-duplicates"' in page


def test_a_program_officer_merges_a_duplicate_after_the_confirm_page(world, registry, twin):
    client = as_user(registry.paula)
    preview = client.get(f"/beneficiaries/{registry.siti.pk}/merge/", {"other": twin.pk})
    text = text_of(preview)
    assert preview.status_code == 200 and twin.number in text and registry.siti.number in text
    assert MASKED_NIK in text and NIK_SITI not in text
    twin.refresh_from_db()
    assert twin.merged_into_id is None  # looking merges nothing
    response = client.post(f"/beneficiaries/{registry.siti.pk}/merge/", {"other": twin.pk})
    assert response.status_code == 302 and response["Location"] == f"/beneficiaries/{registry.siti.pk}/"
    twin.refresh_from_db()
    assert twin.merged_into_id == registry.siti.pk
    page = text_of(client.get(f"/beneficiaries/{twin.pk}/"))
    assert 'data-testid="merged-banner"' in page and f"/beneficiaries/{registry.siti.pk}/" in page
    again = client.post(f"/beneficiaries/{registry.siti.pk}/merge/", {"other": twin.pk})
    assert again.status_code == 200 and "already merged" in text_of(again)
    assert as_user(world.frank).get(f"/beneficiaries/{registry.siti.pk}/merge/?other={twin.pk}").status_code == 403


def test_merging_a_record_into_itself_is_refused_with_a_message(world, registry):
    response = as_user(registry.paula).post(f"/beneficiaries/{registry.siti.pk}/merge/", {"other": registry.siti.pk})
    assert response.status_code == 200 and "cannot be merged into themself" in text_of(response)


# --- edit and status --------------------------------------------------------------------------------------


def test_editing_changes_only_what_changed_keeps_nik_and_kk_and_classifies_the_asnaf(world, registry):
    client = as_user(registry.paula)
    form = client.get(f"/beneficiaries/{registry.siti.pk}/edit/")
    page = text_of(form)
    assert NIK_SITI not in page and KK_SITI not in page and MASKED_NIK in page and MASKED_KK in page
    data = {k: v for k, v in form.context["form"].initial.items() if v not in (None, False)}
    data.update({"street": "Jl. Melati 3", "asnaf": "miskin", "asnaf_reason": "Income below the standard"})
    response = client.post(f"/beneficiaries/{registry.siti.pk}/edit/", data)
    assert response.status_code == 302
    siti = Beneficiary.objects.get(pk=registry.siti.pk)
    assert siti.street == "Jl. Melati 3" and siti.asnaf == "miskin" and siti.nik == NIK_SITI
    assert siti.household.kk == KK_SITI and siti.relation == "head"
    event = AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_UPDATED).get()
    assert set(event.changes) == {"street", "asnaf", "asnaf_reason"}
    data.update({"asnaf": "fakir", "asnaf_reason": ""})
    refused = client.post(f"/beneficiaries/{registry.siti.pk}/edit/", data)
    assert refused.status_code == 200 and "reason for this asnaf" in " ".join(
        refused.context["form"].errors["asnaf_reason"]
    )


def test_the_status_form_offers_the_next_statuses_and_needs_a_reason(world, registry):
    client = as_user(registry.paula)
    url = f"/beneficiaries/{registry.siti.pk}/status/"
    page = client.get(url)
    offered = [value for value, _label in page.context["form"].fields["to_status"].choices]
    assert offered == ["assessed", "rejected", "deceased"]
    assert client.post(url, {"to_status": "assessed"}).context["form"].errors["reason"]
    assert "statuses offered" in text_of(client.post(url, {"to_status": "active", "reason": "x"}))
    assert client.post(url, {"to_status": "assessed", "reason": "Visited"}).status_code == 302
    siti = Beneficiary.objects.get(pk=registry.siti.pk)
    assert siti.status == Status.ASSESSED and siti.status_changes.first().reason == "Visited"
    refused = client.post(url, {"to_status": "verified", "reason": "ok"})
    assert refused.status_code == 200 and "Classify the person" in text_of(refused)
    assert as_user(world.audrey).get(url).status_code == 403


# --- aid and privacy ------------------------------------------------------------------------------------


def test_aid_given_outside_the_system_is_recorded_and_bad_amounts_explained(world, registry):
    client = as_user(world.frank)
    url = f"/beneficiaries/{registry.siti.pk}/aid/new/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"given_on": "2025-02-01", "program": "Sembako", "amount": "12,5"})
    assert bad.status_code == 200 and "amount" in bad.context["form"].errors
    future = client.post(url, {"given_on": "2999-01-01", "program": "Sembako", "amount": "1"})
    assert "not in the future" in " ".join(future.context["form"].errors["given_on"])
    assert (
        client.post(url, {"given_on": "2025-02-01", "program": "Sembako", "amount": "Rp 1.250.000"}).status_code == 302
    )
    record = registry.siti.aid.get()
    assert record.amount == 1_250_000 and record.unit == world.branch_a
    assert "Rp1.250.000" in text_of(client.get(f"/beneficiaries/{registry.siti.pk}/"))


def test_an_admin_exports_and_erases_a_persons_data_at_their_request(world, registry):
    client = as_user(world.alice)
    url = f"/beneficiaries/{registry.siti.pk}/privacy/"
    assert client.get(url).status_code == 200
    export = client.post(url, {"action": "export"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/json")
    assert "attachment" in export["Content-Disposition"]
    data = export.json()
    assert data["nik"] == NIK_SITI and data["kk"] == KK_SITI and data["full_name"] == "Hj. Siti Aminah"
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_EXPORTED).count() == 1
    unconfirmed = client.post(url, {"action": "erase", "reason": "Request by letter 2026-01-03"})
    assert unconfirmed.status_code == 200 and unconfirmed.context["form"].errors["confirm"]
    assert Beneficiary.objects.get(pk=registry.siti.pk).erased_at is None
    erased = client.post(url, {"action": "erase", "reason": "Request by letter 2026-01-03", "confirm": "on"})
    assert erased.status_code == 302
    page = text_of(client.get(f"/beneficiaries/{registry.siti.pk}/"))
    assert 'data-testid="erased-banner"' in page and "Siti Aminah" not in page and MASKED_NIK not in page
    assert client.get(f"/beneficiaries/{registry.siti.pk}/edit/").status_code == 302
    for who in (world.frank, registry.paula):
        assert as_user(who).get(url).status_code == 403


# --- outsiders --------------------------------------------------------------------------------------------


def _urls(b):
    return [
        ("get", f"/beneficiaries/{b.pk}/"),
        ("get", f"/beneficiaries/{b.pk}/edit/"),
        ("get", f"/beneficiaries/{b.pk}/status/"),
        ("post", f"/beneficiaries/{b.pk}/identifiers/"),
        ("get", f"/beneficiaries/{b.pk}/assess/"),
        ("get", f"/beneficiaries/{b.pk}/aid/new/"),
        ("get", f"/beneficiaries/{b.pk}/privacy/"),
        ("post", f"/beneficiaries/{b.pk}/privacy/?action=export"),
        ("post", f"/beneficiaries/{b.pk}/documents/new/"),
        ("post", f"/beneficiaries/{b.pk}/consents/new/"),
        ("get", f"/beneficiaries/{b.pk}/merge/?other={b.pk}"),
        ("post", f"/beneficiaries/{b.pk}/not-duplicate/"),
    ]


@pytest.mark.parametrize("who", ["bob", "eve", "bella"])
def test_outsiders_get_nothing_of_another_branchs_or_institutions_beneficiary(world, registry, who):
    outsider = getattr(registry, who, None) or getattr(world, who)
    client = as_user(outsider)
    siti = registry.siti
    consent = siti.consents.get()
    assessment = services.assessment_record(
        actor=registry.paula,
        beneficiary=siti,
        unit=world.branch_a,
        household_size=3,
        monthly_income=500_000,
        housing="rented",
        housing_condition="poor",
    )
    document = services.document_add(
        actor=registry.paula, beneficiary=siti, kind="ktp", upload=SimpleUploadedFile("k.png", PNG)
    )
    urls = [
        *_urls(siti),
        ("get", f"/beneficiaries/assessments/{assessment.pk}/"),
        ("get", f"/beneficiaries/documents/{document.pk}/"),
        ("post", f"/beneficiaries/consents/{consent.pk}/withdraw/"),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), url
        assert "Aminah" not in text_of(response), url
    listing = text_of(client.get("/beneficiaries/", {"q": "siti"}))
    assert "Aminah" not in listing
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_branch_a_never_sees_branch_bs_person(world, registry):
    client = as_user(registry.paula)
    assert client.get(f"/beneficiaries/{registry.secret.pk}/").status_code == 404
    assert client.get(f"/beneficiaries/{registry.siti.pk}/merge/", {"other": registry.secret.pk}).status_code == 404
    assert (
        client.post(f"/beneficiaries/{registry.siti.pk}/not-duplicate/", {"other": registry.secret.pk}).status_code
        == 404
    )
    for url in ("/beneficiaries/", "/beneficiaries/?format=csv", "/beneficiaries/search/?q=bakung"):
        assert "SECRET" not in text_of(client.get(url)), url


def test_an_account_without_a_role_gets_nothing_and_visitors_must_log_in(world, registry):
    client = as_user(world.nina)
    pages = [
        *_urls(registry.siti),
        ("get", "/beneficiaries/"),
        ("get", "/beneficiaries/new/"),
        ("post", "/beneficiaries/candidates/"),
        ("get", "/beneficiaries/standards/"),
        ("get", "/beneficiaries/duplicates/"),
    ]
    for method, url in pages:
        assert getattr(client, method)(url).status_code in (403, 404), url
    response = Client().get("/beneficiaries/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_auditor_reads_but_cannot_register_change_or_assess(world, registry):
    client = as_user(world.audrey)
    assert client.get("/beneficiaries/").status_code == 200
    assert client.get(f"/beneficiaries/{registry.siti.pk}/").status_code == 200
    for method, url in [
        ("get", "/beneficiaries/new/"),
        ("post", "/beneficiaries/new/"),
        ("post", "/beneficiaries/candidates/"),
        ("get", f"/beneficiaries/{registry.siti.pk}/edit/"),
        ("get", f"/beneficiaries/{registry.siti.pk}/assess/"),
        ("get", f"/beneficiaries/{registry.siti.pk}/aid/new/"),
        ("post", f"/beneficiaries/{registry.siti.pk}/documents/new/"),
    ]:
        assert getattr(client, method)(url).status_code == 403, url
    assert Beneficiary.objects.count() == 2


def test_a_bad_date_a_bad_nik_and_a_bad_phone_are_all_explained_in_one_round(world, registry):
    response = as_user(world.frank).post(
        "/beneficiaries/new/", register_form(birth_date="31-02-2020", nik="12345", phone="0812", rt="12a")
    )
    assert {"birth_date", "nik", "phone", "rt"} <= set(response.context["form"].errors)
