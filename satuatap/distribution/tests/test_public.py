"""The public aid application: a family applies online from a phone, the person goes into the
registry (or is found by NIK), the documents count for the program, a tracking code leads to a
status page that shows nothing about the person; bad input, spam and floods are refused."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditEvent
from satuatap.beneficiaries.models import Beneficiary, Consent, Document
from satuatap.beneficiaries.tests.conftest import NIK_SITI
from satuatap.core.throttle import Rate
from satuatap.core.uploads import HELD_FOLDER
from satuatap.distribution import selectors, services
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Application, ApplicationStep, AppStatus, Channel
from satuatap.distribution.public import selectors as public_selectors
from satuatap.distribution.public import services as public_services
from satuatap.distribution.tests.conftest import books, english_messages, registry  # noqa: F401  (fixtures)

# A man born 1990-03-15 and a woman born the same day (40 added to the day), both of Pati (3318).
NIK_NEW = "3318011503900001"
NIK_WOMAN = "3318015503900002"
FUTURE = (date.today() + timedelta(days=3)).isoformat()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64

APPLICANT = {
    "full_name": "Ahmad Fauzi",
    "nik": NIK_NEW,
    "birth_place": "Pati",
    "birth_date": "1990-03-15",
    "sex": "M",
    "phone": "0812-3456-7001",
    "province": "Jawa Tengah",
    "regency": "Pati",
    "district": "Kayen",
    "village": "Sundoluhur",
    "street": "Jl. Melati 5, Dukuh Krajan",
    "rt": "2",
    "rw": "3",
    "need": "Biaya sekolah anak pertama, SPP tiga bulan tertunggak",
    "requested_amount": "1.500.000",
    "consent": "on",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the rate limit's counters
    yield
    cache.clear()


@pytest.fixture
def program(world, books):  # noqa: F811
    today = timezone.localdate()
    return services.program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="beasiswa",
        name="Beasiswa Pelajar Dhuafa",
        pillar="education",
        fund_kind="infak",
        budget=50_000_000,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=60),
        required_documents=["ktp", "kk"],
        is_public=True,
    )


def files(**overrides):
    documents = {
        "document_ktp": SimpleUploadedFile("ktp.png", PNG, content_type="image/png"),
        "document_kk": SimpleUploadedFile("kk.pdf", PDF, content_type="application/pdf"),
    }
    documents.update(overrides)
    return {k: v for k, v in documents.items() if v is not None}


def apply_url(program):
    return f"/bantuan/{program.institution.code.lower()}/{program.code}/"


def post(client, program, **changes):
    data = {**APPLICANT, **{k: v for k, v in changes.items() if not k.startswith("document_")}}
    data = {k: v for k, v in data.items() if v is not None}
    uploads = files(**{k: v for k, v in changes.items() if k.startswith("document_")})
    return client.post(apply_url(program), {**data, **uploads})


def kept_files() -> list[Path]:
    """Files kept for good (not those held for a form's next round, which expire: ``core.uploads``)."""
    root = Path(storages["private"].location)
    held = root / HELD_FOLDER
    return sorted(p for p in root.rglob("*") if p.is_file() and held not in p.parents) if root.exists() else []


def snapshot():
    return (
        Beneficiary.objects.count(),
        Application.objects.count(),
        Document.objects.count(),
        Consent.objects.count(),
        ApplicationStep.objects.count(),
        len(kept_files()),
    )


# --- the form, end to end ---------------------------------------------------------------------------


def test_a_public_application_registers_the_person_with_documents_and_a_tracking_code(client, world, program):
    response = post(client, program)
    assert response.status_code == 302
    application = Application.objects.get(program=program)
    assert response["Location"] == f"/bantuan/terkirim/{application.tracking_code}/"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", application.tracking_code)
    assert application.status == AppStatus.SUBMITTED
    assert application.channel == Channel.PUBLIC
    assert application.unit == world.branch_a and application.created_by is None
    assert application.requested_amount == 1_500_000
    person = application.beneficiary
    assert person.full_name == "Ahmad Fauzi" and person.nik == NIK_NEW and person.phone == "+6281234567001"
    assert person.registered_unit == world.branch_a and person.status == "applicant"
    assert (person.rt, person.rw, person.village) == ("002", "003", "Sundoluhur")
    assert sorted(person.documents.values_list("kind", flat=True)) == ["kk", "ktp"]
    assert set(person.documents.values_list("uploaded_by", flat=True)) == {None}
    assert person.consents.get().method == "digital"
    # The registry's documents satisfy the program's required-documents check the staff see later.
    assert selectors.missing_documents(person, program) == []
    step = application.steps.get()
    assert (step.to_status, step.actor) == (AppStatus.SUBMITTED, None)
    assert AuditEvent.objects.filter(action="application.step", target_id=str(application.pk), actor=None).exists()

    sent = client.get(response["Location"])
    assert sent.status_code == 200
    text = sent.content.decode()
    assert application.tracking_code[:5] in text and application.tracking_code[5:] in text
    assert f"/bantuan/status/?code={application.tracking_code}" in text
    for personal in ("Ahmad Fauzi", NIK_NEW, "7001", "Melati", "1.500.000", person.number):
        assert personal not in text


def test_a_known_nik_attaches_the_application_to_the_registered_person_and_tells_nobody(
    client,
    world,
    program,
    books,  # noqa: F811
):
    siti = books.siti
    people = Beneficiary.objects.count()
    response = post(
        client, program, full_name="Siti Aminah", nik=NIK_SITI, birth_date="1980-05-12", sex="F", phone="081299990000"
    )
    assert response.status_code == 302
    application = Application.objects.get(program=program)
    assert application.beneficiary == siti
    assert Beneficiary.objects.count() == people  # no duplicate
    assert selectors.missing_documents(siti, program) == []
    # The staff learn what the form said differently; the public learns nothing about the record.
    note = application.steps.get().note
    assert "NIK matched" in note and "Siti Aminah" in note and "+6281299990000" in note
    text = client.get(response["Location"]).content.decode()
    for personal in ("Hj. Siti Aminah", siti.number, "Cabang Anggrek", "Kayen"):
        assert personal not in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nik": "33180115039"}, "nik", "A NIK has 16 digits"),
        ({"nik": "3318013203900001"}, "nik", "not valid"),
        ({"phone": "12345"}, "phone", "phone number"),
        ({"birth_date": FUTURE}, "birth_date", "between 1900 and today"),
        ({"birth_date": "1991-03-15"}, "birth_date", "does not match the NIK"),
        ({"sex": "F"}, "sex", "does not match the NIK"),
        ({"full_name": ""}, "full_name", "Enter the full name"),
        ({"village": ""}, "village", "Enter the village"),
        ({"requested_amount": "0"}, "requested_amount", "at least"),
        ({"need": ""}, "need", "Describe the need"),
        ({"consent": None}, "consent", "Agree to the processing"),
        ({"rt": "12a"}, "rt", "RT and RW are numbers"),
        ({"nik": NIK_WOMAN, "sex": "F", "birth_date": "2015-03-15"}, "birth_date", "does not match the NIK"),
        ({"document_kk": None}, "document_kk", "Upload the KK"),
        ({"document_ktp": SimpleUploadedFile("ktp.exe", b"MZ\x90\x00" * 20)}, "document_ktp", "PDF, JPEG, PNG"),
        ({"document_ktp": SimpleUploadedFile("ktp.png", b"")}, "document_ktp", "empty"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(client, world, program, changes, field, message):
    before = snapshot()
    response = post(client, program, **changes)
    assert response.status_code == 400
    text = response.content.decode()
    errors = re.search(rf'id="id_{field}_error">([^<]*)<', text)
    assert errors, f"no message next to {field}"
    assert message in errors.group(1).replace("&#x27;", "'")
    assert snapshot() == before


def test_an_oversized_file_is_refused_by_its_field(client, world, program, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    before = snapshot()
    response = post(client, program, document_kk=SimpleUploadedFile("kk.pdf", PDF + b"0" * 2048))
    assert response.status_code == 400
    assert "a document may be at most" in response.content.decode()
    assert snapshot() == before


def test_a_child_needs_a_guardian_for_consent(client, world, program):
    nik_child = "3318011503150001"  # a boy born 2015-03-15
    before = snapshot()
    response = post(client, program, nik=nik_child, birth_date="2015-03-15", full_name="Rafi")
    assert response.status_code == 400 and "guardian" in response.content.decode()
    assert snapshot() == before
    response = post(
        client, program, nik=nik_child, birth_date="2015-03-15", full_name="Rafi", guardian_name="Ahmad Fauzi",
        guardian_relation="Ayah",
    )  # fmt: skip
    assert response.status_code == 302
    assert Application.objects.get().beneficiary.consents.get().guardian_name == "Ahmad Fauzi"


def test_a_file_refused_after_others_were_kept_leaves_no_file_and_no_row(world, program, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    before = snapshot()
    applicant = {k: v for k, v in APPLICANT.items() if k not in ("need", "requested_amount", "consent")}
    applicant["birth_date"] = date(1990, 3, 15)
    with pytest.raises(DistributionRefused) as refused:
        public_services.public_application_submit(
            program=program,
            applicant=applicant,
            need="Biaya sekolah",
            requested_amount=1_000_000,
            documents={  # the KTP is kept first, then the KK is too large
                "ktp": SimpleUploadedFile("ktp.png", PNG),
                "kk": SimpleUploadedFile("kk.pdf", PDF + b"0" * 2048),
            },
            consent=True,
        )
    assert "document_kk" in refused.value.message_dict
    assert snapshot() == before


# --- spam and floods --------------------------------------------------------------------------------


def test_a_filled_honeypot_saves_nothing(client, world, program):
    before = snapshot()
    response = post(client, program, leave_empty="http://spam.example")
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert snapshot() == before


def test_too_many_applications_from_one_address_are_throttled_with_429(client, world, program, settings):
    settings.SATUATAP_PUBLIC_APPLICATIONS_PER_HOUR = 2
    assert post(client, program, nik="x").status_code == 400
    assert post(client, program, nik="x").status_code == 400
    before = snapshot()
    response = post(client, program)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many requests" in response.content.decode()
    assert snapshot() == before
    # The API shares the budget of the address.
    api = Client().post("/api/v1/public/aid-applications", {**APPLICANT, "program_id": program.pk, **files()})
    assert api.status_code == 429 and api.json()["error"]["code"] == "throttled"
    # Another address is not affected.
    assert Client(REMOTE_ADDR="10.9.8.7").post(apply_url(program), {**APPLICANT, **files()}).status_code == 302


def test_status_lookups_are_throttled_too(client, world, program, monkeypatch):
    monkeypatch.setattr(public_selectors, "STATUS_RATE", Rate(count=3, seconds=600))
    for _ in range(3):
        assert client.get("/bantuan/status/?code=ABCDE23456").status_code == 404
    assert client.get("/bantuan/status/?code=ABCDE23456").status_code == 429
    assert client.get("/api/v1/public/aid-applications/ABCDE23456").status_code == 429


# --- which programs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"is_public": False},
        {"is_active": False},
        {"end_date": "yesterday"},
        {"start_date": "tomorrow"},
    ],
)
def test_a_closed_or_private_program_cannot_be_applied_to(client, world, program, change):
    today = timezone.localdate()
    values = {"yesterday": today - timedelta(days=1), "tomorrow": today + timedelta(days=1)}
    for name, value in change.items():
        setattr(program, name, values.get(value, value))
    if "start_date" in change:
        program.end_date = today + timedelta(days=10)
    if "end_date" in change:
        program.start_date = today - timedelta(days=10)
    program.save()
    before = snapshot()
    assert client.get(apply_url(program)).status_code == 404
    response = post(client, program)
    assert response.status_code == 404
    assert "not open" in response.content.decode()
    assert program.code not in client.get("/bantuan/alpha/").content.decode()
    api = Client().post("/api/v1/public/aid-applications", {**APPLICANT, "program_id": program.pk, **files()})
    assert api.status_code == 400 and "program_id" in api.json()["error"]["fields"]
    assert snapshot() == before
    with pytest.raises(DistributionRefused):
        public_services.public_application_submit(
            program=program, applicant={}, need="x", requested_amount=1, documents={}, consent=True
        )


def test_the_programs_page_lists_only_open_public_programs_of_the_institution(client, world, program):
    text = client.get("/bantuan/alpha/").content.decode()
    assert "Beasiswa Pelajar Dhuafa" in text and apply_url(program) in text
    assert "Santunan sembako" not in text  # the fixture's program is not public
    assert client.get("/bantuan/").status_code == 302  # one institution with open programs: straight to it
    assert client.get("/bantuan/nope/").status_code == 404
    assert client.get("/bantuan/beta/beasiswa/").status_code == 404  # another institution's code


# --- the status page --------------------------------------------------------------------------------


def test_the_status_page_shows_the_step_and_dates_without_personal_data(client, world, program, books):  # noqa: F811
    post(client, program)
    application = Application.objects.get()
    code = application.tracking_code
    response = client.get(f"/bantuan/status/?code={code[:5].lower()} {code[5:].lower()}")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    text = response.content.decode()
    assert "Beasiswa Pelajar Dhuafa" in text and "Submitted" in text and code in text
    for personal in ("Ahmad Fauzi", NIK_NEW, "7001", "Sundoluhur", "Melati", "1.500.000"):
        assert personal not in text
    # No amount in rupiah (a bare "Rp" may sit inside the page's random CSRF token).
    assert not re.search(r"Rp\s?\d", text)
    services.application_screen(
        actor=books.registry.paula, application=application, note="SECRETNOTE KTP tidak terbaca", reject=True
    )
    text = client.get(f"/bantuan/status/?code={code}").content.decode()
    assert "Rejected" in text and "not approved" in text
    assert "SECRETNOTE" not in text and "Screened" not in text


def test_an_unknown_tracking_code_says_not_found(client, world):
    for code in ("ABCDE23456", "not a code", "I0O1IO01IO"):
        response = client.get(f"/bantuan/status/?code={code}")
        assert response.status_code == 404
        assert "No application has this tracking code" in response.content.decode()
    assert client.get("/bantuan/terkirim/ABCDE23456/").status_code == 404
    assert client.get("/bantuan/status/").status_code == 200


# --- the API, anonymously ---------------------------------------------------------------------------


def test_the_api_lists_programs_takes_an_application_and_tells_its_status(world, program):
    api = Client()
    programs = api.get("/api/v1/public/aid-programs").json()
    assert [p["code"] for p in programs] == ["beasiswa"]
    assert [d["kind"] for d in programs[0]["required_documents"]] == ["ktp", "kk"]
    assert api.get("/api/v1/public/aid-programs?institution=BETA").json() == []
    assert api.get("/api/v1/public/aid-programs?institution=NOPE").status_code == 404

    created = api.post("/api/v1/public/aid-applications", {**APPLICANT, "program_id": programs[0]["id"], **files()})
    assert created.status_code == 201, created.content
    body = created.json()
    application = Application.objects.get(tracking_code=body["tracking_code"])
    assert application.channel == Channel.PUBLIC and application.beneficiary.documents.count() == 2
    assert body["status"]["status"] == "submitted" and body["status_url"].endswith(f"?code={body['tracking_code']}")

    status = api.get(f"/api/v1/public/aid-applications/{body['tracking_code']}")
    assert status.status_code == 200
    assert status.json()["program"] == "Beasiswa Pelajar Dhuafa"
    assert [s["status"] for s in status.json()["steps"]][:2] == ["submitted", "screened"]
    assert status.json()["steps"][1]["on"] is None
    for personal in ("Ahmad", NIK_NEW, "7001", "Sundoluhur", "1500000"):
        assert personal not in status.content.decode()
    missing = api.get("/api/v1/public/aid-applications/ABCDE23456")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_api_refuses_bad_input_per_field_and_saves_nothing(world, program):
    api = Client()
    before = snapshot()
    response = api.post("/api/v1/public/aid-applications", {"program_id": program.pk, "full_name": "A"})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"nik", "phone", "need", "consent", "document_ktp", "document_kk"} <= set(fields)
    wrong_date = {**APPLICANT, "birth_date": "1990-03-16", "program_id": program.pk, **files()}
    response = api.post("/api/v1/public/aid-applications", wrong_date)
    assert response.status_code == 400 and "birth_date" in response.json()["error"]["fields"]
    assert snapshot() == before


def test_the_public_api_form_refuses_a_staff_token(world, program):
    _token, raw = api_token_create(actor=world.frank, name="counter")
    before = snapshot()
    response = Client().post(
        "/api/v1/public/aid-applications",
        {**APPLICANT, "program_id": program.pk, **files()},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403 and "/distribution/applications" in response.json()["error"]["message"]
    assert snapshot() == before


# --- the staff see it, within their units -----------------------------------------------------------


def test_staff_see_the_online_application_in_their_units_and_outsiders_do_not(client, world, program):
    post(client, program)
    application = Application.objects.get()
    staff = Client()
    staff.cookies["satuatap_language"] = "en"
    staff.force_login(world.frank)
    assert application.tracking_code in staff.get("/distribution/").content.decode()
    detail = staff.get(f"/distribution/applications/{application.pk}/")
    assert detail.status_code == 200 and "Online form" in detail.content.decode()
    for outsider in (world.bob, world.eve):
        other = Client()
        other.force_login(outsider)
        assert application.tracking_code not in other.get("/distribution/").content.decode()
        assert other.get(f"/distribution/applications/{application.pk}/").status_code == 404


# --- in real Chromium, on a phone ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("areas")
def test_a_family_applies_from_a_phone_and_follows_the_status_in_chromium(browser, live_server, world, program):
    from playwright.sync_api import expect

    from tests.browser_support import ARTIFACTS, pick_region

    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.add_cookies([{"name": "satuatap_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)

    def fits():  # nothing wider than the phone's screen
        return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto("/bantuan/")
    expect(page).to_have_url(re.compile(r"/bantuan/alpha/$"))
    expect(page.get_by_test_id("apply-beasiswa")).to_have_css("color", "rgb(255, 255, 255)")
    assert fits()
    page.screenshot(path=str(ARTIFACTS / "public-programs.png"), full_page=True)
    page.get_by_test_id("apply-beasiswa").click()
    page.fill("#id_full_name", "Ahmad Fauzi")
    page.fill("#id_nik", "33180115039")  # too short
    page.fill("#id_birth_place", "Pati")
    page.fill("#id_birth_date", "1990-03-15")
    page.select_option("#id_sex", "M")
    page.fill("#id_phone", "0812 3456 7001")
    # The address from the official lists: each choice brings the next level's list.
    for level, value in [("", "33"), ("_regency", "33.18"), ("_district", "33.18.02"), ("_village", "33.18.02.2017")]:
        expect(page.locator(f"#id_region{level} option[value='{value}']")).to_have_count(1)
        pick_region(page, f"#id_region{level}", value=value)
    expect(page.locator("[data-region-code]")).to_contain_text("33.18.02.2017")
    for field, value in [
        ("street", "Jl. Melati 5, Dukuh Krajan"),
        ("rt", "2"),
        ("rw", "3"),
    ]:
        page.fill(f"#id_{field}", value)
    page.fill("#id_need", "Biaya sekolah anak pertama, SPP tiga bulan tertunggak")
    page.fill("#id_requested_amount", "1.500.000")
    uploads = {"ktp": ("ktp.png", "image/png", PNG), "kk": ("kk.pdf", "application/pdf", PDF)}

    def choose_files():
        for kind, (name, mime, data) in uploads.items():
            page.set_input_files(f"#id_document_{kind}", files=[{"name": name, "mimeType": mime, "buffer": data}])

    choose_files()
    page.check("#id_consent")
    assert fits()
    page.screenshot(path=str(ARTIFACTS / "public-apply-form.png"), full_page=True)
    page.get_by_test_id("submit").click()

    # The short NIK is explained next to it; nothing was saved; the files chosen are kept, not chosen again.
    expect(page.locator("#id_nik_error")).to_contain_text("A NIK has 16 digits")
    expect(page.locator("#id_nik")).to_have_class(re.compile("is-invalid"))
    expect(page.get_by_test_id("kept-document_ktp")).to_contain_text("File kept: ktp.png")
    expect(page.get_by_test_id("kept-document_kk")).to_contain_text("File kept: kk.pdf")
    assert fits()
    page.screenshot(path=str(ARTIFACTS / "public-apply-errors.png"), full_page=True)
    assert not Application.objects.exists()
    page.fill("#id_nik", NIK_NEW)
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/bantuan/terkirim/[A-Z0-9]{10}/$"))
    application = Application.objects.get()
    assert sorted(application.beneficiary.documents.values_list("original_name", flat=True)) == ["kk.pdf", "ktp.png"]
    code = application.tracking_code
    expect(page.get_by_test_id("tracking-code")).to_have_text(f"{code[:5]}{code[5:]}")
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    expect(page.get_by_test_id("status-link")).to_have_css("color", "rgb(255, 255, 255)")
    assert fits()
    page.screenshot(path=str(ARTIFACTS / "public-sent.png"), full_page=True)

    page.get_by_test_id("status-link").click()
    expect(page).to_have_url(re.compile(rf"/bantuan/status/\?code={code}$"))
    expect(page.get_by_test_id("status-card")).to_contain_text("Beasiswa Pelajar Dhuafa")
    expect(page.get_by_test_id("steps")).to_contain_text("Submitted")
    assert "Ahmad" not in page.content()
    assert fits()
    page.screenshot(path=str(ARTIFACTS / "public-status.png"), full_page=True)

    # Typed by hand, in lower case with a space, on a 360 px screen.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/bantuan/status/")
    page.get_by_test_id("status-code").fill(f"{code[:5].lower()} {code[5:].lower()}")
    page.get_by_test_id("status-check").click()
    expect(page.get_by_test_id("status")).to_have_text("Submitted")
    assert fits()
    # On a 320 px phone (WCAG 1.4.10 reflow) nothing scrolls sideways either, with the longest step
    # names dated (the steps are recorded here as the staff would reach them).
    for status in (AppStatus.SCREENED, AppStatus.ASSESSED, AppStatus.RECOMMENDED, AppStatus.APPROVED):
        ApplicationStep.objects.create(application=application, to_status=status)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/bantuan/status/?code={code}")
    expect(page.get_by_test_id("steps")).to_contain_text("Submitted")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 320
    page.goto("/bantuan/status/?code=ABCDE23456")
    expect(page.get_by_test_id("not-found")).to_contain_text("No application has this tracking code")
    page.screenshot(path=str(ARTIFACTS / "public-status-not-found.png"), full_page=True)
    context.close()
