"""The field assessment and its explained score, the needs standard, and the batch duplicate search pages."""

from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from satuatap.beneficiaries.models import Assessment, DedupPair, DedupRun, Document, NeedsStandard, Status
from satuatap.beneficiaries.tests.conftest import AMOUNTS, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def as_user(user):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def assessment_form(**overrides):
    data = {
        "household_size": "4",
        "dependants": "2",
        "monthly_income": "1.000.000",
        "income_sources": "buruh tani",
        "housing": "rented",
        "housing_condition": "poor",
        "assets_value": "1.200.000",
        "debts": "0",
        "latitude": "-6.901234",
        "longitude": "111.002345",
        "notes": "Atap bocor",
    }
    data.update(overrides)
    return data


# --- assessment ---------------------------------------------------------------------------------------


def test_a_program_officer_assesses_with_photos_and_sees_how_the_score_came_about(world, registry):
    client = as_user(registry.paula)
    url = f"/beneficiaries/{registry.siti.pk}/assess/"
    form = client.get(url)
    assert form.status_code == 200 and 'data-testid="use-location"' in form.content.decode()
    photos = [SimpleUploadedFile(f"rumah{i}.png", PNG, content_type="image/png") for i in (1, 2)]
    response = client.post(url, {**assessment_form(), "photos": photos})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/beneficiaries/assessments/{assessment.pk}/"
    assert assessment.unit == world.branch_a and assessment.monthly_income == 1_000_000
    assert sorted(d.original_name for d in assessment.documents.all()) == ["rumah1.png", "rumah2.png"]
    assert set(Document.objects.values_list("kind", flat=True)) == {"photo"}
    registry.siti.refresh_from_db()
    assert registry.siti.status == Status.ASSESSED

    page = client.get(f"/beneficiaries/assessments/{assessment.pk}/").content.decode()
    # Needs of 4 people: food 1,000,000 + 3 × 500,000 and 200,000 for each of the six other needs.
    assert "Rp2.500.000" in page and "Rp3.700.000" in page
    # Has 1,000,000 + 1,200,000 / 12 = 1,100,000; shortfall 2,600,000 → 70 × 2.6 / 3.7 = 49 points.
    assert "Rp1.100.000" in page and "Rp2.600.000" in page and "49 points" in page
    assert "7 points" in page  # poor housing
    assert f">{assessment.score}<" in page and "Had kifayah 2026" in page
    assert "Fakir (destitute)" in page  # has less than half its needs
    assert "rumah1.png" in page and f"/beneficiaries/documents/{assessment.documents.first().pk}/" in page
    detail = client.get(f"/beneficiaries/{registry.siti.pk}/").content.decode()
    assert f"/beneficiaries/assessments/{assessment.pk}/" in detail


def test_the_assessment_form_starts_from_the_last_assessment(world, registry):
    client = as_user(registry.paula)
    client.post(f"/beneficiaries/{registry.siti.pk}/assess/", assessment_form(household_size="5"))
    initial = client.get(f"/beneficiaries/{registry.siti.pk}/assess/").context["form"].initial
    assert initial["household_size"] == 5 and initial["housing"] == "rented"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"household_size": ""}, "household_size"),
        ({"household_size": "0"}, "household_size"),
        ({"dependants": "9"}, "dependants"),
        ({"monthly_income": "satu juta"}, "monthly_income"),
        ({"housing": ""}, "housing"),
        ({"latitude": "123"}, "latitude"),
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
    ],
)
def test_a_bad_assessment_is_explained_next_to_its_field_and_nothing_is_saved(world, registry, overrides, field):
    response = as_user(registry.paula).post(f"/beneficiaries/{registry.siti.pk}/assess/", assessment_form(**overrides))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert 'value="buruh tani"' in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_photo_that_is_not_an_image_keeps_the_assessment_unsaved_with_a_message(world, registry):
    bad = SimpleUploadedFile("rumah.png", b"not really a picture", content_type="image/png")
    response = as_user(registry.paula).post(
        f"/beneficiaries/{registry.siti.pk}/assess/", {**assessment_form(), "photos": [bad]}
    )
    assert response.status_code == 200 and "PDF, JPEG, PNG or WebP" in " ".join(
        response.context["form"].errors["photos"]
    )
    assert not Assessment.objects.exists() and not Document.objects.exists()


def test_without_a_needs_standard_the_officer_is_told_before_and_after(world, registry):
    NeedsStandard.objects.all().delete()
    client = as_user(registry.paula)
    url = f"/beneficiaries/{registry.siti.pk}/assess/"
    assert 'data-testid="no-standard"' in client.get(url).content.decode()
    response = client.post(url, assessment_form())
    assert response.status_code == 200 and "No needs standard" in response.content.decode()
    assert not Assessment.objects.exists()


def test_only_program_officers_assess_and_outsiders_never_see_an_assessment(world, registry):
    assert as_user(world.frank).get(f"/beneficiaries/{registry.siti.pk}/assess/").status_code == 403
    as_user(registry.paula).post(
        f"/beneficiaries/{registry.siti.pk}/assess/", assessment_form(notes="Atap bocor parah")
    )
    url = f"/beneficiaries/assessments/{Assessment.objects.get().pk}/"
    reader = as_user(world.frank).get(url)  # readers of the record read its assessments
    assert reader.status_code == 200 and "Atap bocor parah" in reader.content.decode()
    for outsider in (registry.bella, world.eve, world.bob):
        response = as_user(outsider).get(url)
        assert response.status_code == 404 and "Atap bocor" not in response.content.decode()


# --- needs standard -------------------------------------------------------------------------------------


def standard_form(**overrides):
    data = {"name": "Had kifayah Pati 2026", "region": "Kabupaten Pati", "valid_from": "2026-02-01"}
    for category, parts in AMOUNTS.items():
        data[f"{category}_base"] = f"{parts['base']:,}".replace(",", ".")
        data[f"{category}_per_member"] = str(parts["per_member"])
    data["food_base"] = "1.100.000"
    data.update(overrides)
    return data


def test_a_head_sets_the_units_standard_and_everyone_sees_which_is_in_force(world, registry):
    client = as_user(registry.hana)
    page = client.get("/beneficiaries/standards/")
    text = page.content.decode()
    assert page.status_code == 200 and "Had kifayah 2026" in text and 'data-testid="standard-form"' in text
    assert 'value="1.000.000"' in text  # starts from the standard in force
    response = client.post("/beneficiaries/standards/", standard_form())
    assert response.status_code == 302
    saved = NeedsStandard.objects.get(unit=world.branch_a)
    assert saved.amounts["food"] == {"base": 1_100_000, "per_member": 500_000}
    assert saved.valid_from == date(2026, 2, 1)
    reader = as_user(registry.paula).get("/beneficiaries/standards/").content.decode()
    assert "Had kifayah Pati 2026" in reader and 'data-testid="standard-form"' not in reader
    assert as_user(registry.paula).post("/beneficiaries/standards/", standard_form()).status_code == 403


def test_bad_standard_amounts_are_explained_and_nothing_saved(world, registry):
    client = as_user(registry.hana)
    bad = client.post("/beneficiaries/standards/", standard_form(food_per_member="lima ratus"))
    assert bad.status_code == 200 and "food_per_member" in bad.context["form"].errors
    zero = client.post("/beneficiaries/standards/", standard_form(**{f"{c}_base": "0" for c in AMOUNTS}, name="Nol"))
    assert zero.status_code == 200 and "at least one need" in " ".join(zero.context["form"].errors["food_base"])
    assert not NeedsStandard.objects.filter(unit=world.branch_a).exists()


def test_standards_of_another_branch_are_not_listed(world, registry):
    from satuatap.beneficiaries.services import standard_save

    standard_save(
        actor=world.bob, unit=world.branch_b, name="SECRET standard B", valid_from=date(2026, 1, 1), amounts=AMOUNTS
    )
    text = as_user(registry.hana).get("/beneficiaries/standards/").content.decode()
    assert "Had kifayah 2026" in text and "SECRET" not in text


# --- batch duplicate search -------------------------------------------------------------------------------


@pytest.fixture
def run(world, registry):
    twin = person(world.frank, world.branch_a, "Siti Aminah", birth_date=date(1980, 5, 12), sex="F")
    ids = [registry.siti.pk, twin.pk, registry.secret.pk]
    cluster = {
        "ids": ids,
        "pairs": [
            {"l": ids[0], "r": ids[1], "probability": 0.987, "reasons": ["name 0.95", "same birth date"]},
            {"l": ids[1], "r": ids[2], "probability": 0.61, "reasons": ["same birth year"]},
        ],
    }
    done = DedupRun.objects.create(
        institution=world.alpha, status=DedupRun.RunStatus.DONE, records=3, seconds=1.5, clusters=[cluster]
    )
    for pair in cluster["pairs"]:
        DedupPair.objects.create(
            run=done, cluster=1, left_id=min(pair["l"], pair["r"]), right_id=max(pair["l"], pair["r"]),
            probability=pair["probability"], reasons=pair["reasons"],
        )  # fmt: skip
    return done, twin


def test_a_run_lists_its_clusters_for_a_person_to_review_without_merging(world, registry, run):
    done, twin = run
    client = as_user(registry.paula)
    runs = client.get("/beneficiaries/duplicates/").content.decode()
    assert f"/beneficiaries/duplicates/{done.pk}/" in runs
    response = client.get(f"/beneficiaries/duplicates/{done.pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert f"/beneficiaries/{registry.siti.pk}/" in text and f"/beneficiaries/{twin.pk}/" in text
    assert "99%" in text and "same birth date" in text
    assert f"/beneficiaries/{registry.siti.pk}/merge/?other={twin.pk}" in text
    # The branch-B record is shown only as a record held elsewhere.
    assert f"A record at {world.branch_b.name}" in text
    assert "Mustahik" not in text and registry.secret.number not in text
    assert f"other={registry.secret.pk}" not in text
    twin.refresh_from_db()
    assert twin.merged_into_id is None


def test_the_duplicate_search_is_for_program_officers_and_admins_of_the_institution(world, registry, run):
    done, _twin = run
    assert as_user(world.frank).get("/beneficiaries/duplicates/").status_code == 403
    assert as_user(world.frank).get(f"/beneficiaries/duplicates/{done.pk}/").status_code == 403
    assert as_user(world.frank).post("/beneficiaries/duplicates/start/").status_code == 403
    response = as_user(world.eve).get(f"/beneficiaries/duplicates/{done.pk}/")
    assert response.status_code == 404 and "Aminah" not in response.content.decode()
    assert str(done.pk) not in as_user(world.eve).get("/beneficiaries/duplicates/").context["runs"].__repr__()
    assert as_user(world.alice).get("/beneficiaries/duplicates/").status_code == 200


def test_a_pending_run_refreshes_its_list_by_itself(world, registry):
    DedupRun.objects.create(institution=world.alpha, status=DedupRun.RunStatus.RUNNING)
    text = as_user(registry.paula).get("/beneficiaries/duplicates/").content.decode()
    assert 'hx-trigger="every 3s"' in text
    fragment = as_user(registry.paula).get("/beneficiaries/duplicates/", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and 'id="dedup-runs"' in fragment.content.decode()


def test_run_now_starts_a_background_run_and_shows_what_it_found(world, registry, django_capture_on_commit_callbacks):
    person(world.frank, world.branch_a, "Siti Aminah", birth_date=date(1980, 5, 12), sex="F", village="Kayen")
    client = as_user(registry.paula)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/beneficiaries/duplicates/start/")
    assert response.status_code == 302 and response["Location"] == "/beneficiaries/duplicates/"
    run = DedupRun.objects.get()
    assert run.institution == world.alpha and run.started_by == registry.paula
    assert run.status == DedupRun.RunStatus.DONE, run.error
    page = client.get(f"/beneficiaries/duplicates/{run.pk}/")
    assert page.status_code == 200 and run.records == 3
