"""Imports keep duplicates for review instead of refusing them, drop an unusable phone with a warning,
let a cell be corrected on the preview, and say what is wrong with a date; a record kept as a possible
duplicate is linked to the record it matches, shown as such, not helped, and reviewed (merged into it,
or marked as another person).

Personas as in ``test_imports``: paula = program officer of branch A (imports, merges), alice = admin
of branch A; ``registry.siti`` (NIK_SITI, born 1980-05-12) heads the household of ``KK_SITI``.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries import selectors, services
from satuatap.beneficiaries.errors import BeneficiaryRefused, MergeRefused
from satuatap.beneficiaries.imports import ImportRefused, import_commit_request, import_row_correct, jobs
from satuatap.beneficiaries.models import Beneficiary, BeneficiaryImport, NotDuplicate
from satuatap.beneficiaries.services import dedup
from satuatap.beneficiaries.tests.conftest import KK_SITI, NIK_BUDI, NIK_SITI, person
from satuatap.beneficiaries.tests.test_imports import HEADER, csv_bytes, errors_by_row, run
from satuatap.core.tabular import CellError, parse_date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

S = BeneficiaryImport.JobStatus
KK_NEW = "3318011203150003"


def row(name, nik="", kk="", relation="", born="", sex="", phone="", village="Kayen"):
    return [name, nik, kk, relation, born, sex, phone, village, "tertulis", "", ""]


DUPLICATES = [
    # 2: Siti again, as a head of her household, with another spelling: the same NIK as the registry.
    row("Siti Aminah", NIK_SITI, KK_SITI, "kepala keluarga", "12/05/1980", "P"),
    # 3: Budi, new.
    row("Budi Santoso", NIK_BUDI, KK_NEW, "kepala keluarga", "1975-11-02", "L"),
    # 4: Budi again in the same file, with a typo in the birth date (the NIK says 1975-11-02).
    row("Budi Santosa", NIK_BUDI, KK_NEW, "kepala keluarga", "1975-11-20", "L"),
    # 5: an unusable phone: the row is kept, the phone dropped.
    row("Rini Lestari", "", "", "", "1991-01-01", "P", phone="12"),
    # 6: an impossible date: the row stops, saying the day does not exist.
    row("Dewi Sartika", "", "", "", "1955-11-92", "P"),
    # 7: a NIK that is not one: the row stops.
    row("Ahmad Salah", "12345", "", "", "1960-01-01", "L"),
]


def save(actor, job, **kwargs):
    assert import_commit_request(actor=actor, job=job, **kwargs)
    jobs.import_commit(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def dupes(world, registry):
    return run(registry.paula, world.branch_a, csv_bytes(HEADER, DUPLICATES))


def test_duplicates_are_flagged_for_review_not_refused(world, registry, dupes):
    job = dupes
    errors = errors_by_row(job)
    assert sorted(errors) == [6, 7], job.errors
    flags = {d["row"]: d for d in job.duplicates}
    assert sorted(flags) == [2, 4] and all(flags[n]["valid"] for n in (2, 4))
    [siti] = flags[2]["registry"]  # one entry per record, though the NIK and the search both found her
    assert (siti["id"], siti["score"], siti["reasons"][0]) == (registry.siti.pk, 1.0, "same NIK")
    assert flags[2]["discrepancies"] == []  # "Hj. Siti Aminah" is the same name
    assert {"row": 3, "reason": "same NIK"} in flags[4]["file"]
    discrepancies = " ".join(flags[4]["discrepancies"])
    assert "disagrees with the NIK, whose digits say 02-11-1975" in discrepancies
    assert "name Budi Santosa here, Budi Santoso there" in discrepancies
    assert NIK_BUDI not in str(job.duplicates)
    assert (job.valid_rows, job.error_rows, job.duplicate_rows) == (4, 2, 2)


def test_an_unusable_phone_is_dropped_with_a_warning_and_the_row_kept(world, registry, dupes):
    warnings = dupes.summary["warnings"]
    assert [w[:2] for w in warnings] == [[5, "telepon"]] and "the row is kept" in warnings[0][2]
    assert 5 not in errors_by_row(dupes)
    save(registry.paula, dupes)
    rini = Beneficiary.objects.get(full_name="Rini Lestari")
    assert rini.phone == "" and rini.possible_duplicate_of is None


def test_a_bad_nik_name_or_birth_date_still_stops_the_row(world, registry, dupes):
    errors = errors_by_row(dupes)
    assert errors[7] == [("nik", "A NIK has 16 digits; this one has 5.")]
    assert errors[6][0][0] == "tanggal_lahir"
    assert errors[6][0][1] == "This date does not exist: November 1955 has 30 days, not day 92."
    job = run(registry.paula, world.branch_a, csv_bytes(HEADER, [row("", "", "", "", "1990-01-01", "L")]))
    assert errors_by_row(job)[2][0][0] == "nama"


def test_saving_links_each_included_flagged_row_to_the_record_it_matches(world, registry, dupes):
    before = Beneficiary.objects.count()
    job = save(registry.paula, dupes, include_all=True)
    assert job.status == S.COMMITTED, job.message
    assert job.include == [2, 4] and job.saved_rows == 4 and Beneficiary.objects.count() == before + 4
    budi = Beneficiary.objects.get(full_name="Budi Santoso")
    siti_again = Beneficiary.objects.get(full_name="Siti Aminah")
    budi_again = Beneficiary.objects.get(full_name="Budi Santosa")
    assert budi.possible_duplicate_of is None and budi.relation == "head"
    # Both repeats are in the registry (the batch dedup sees them), held against the record they match.
    assert siti_again.possible_duplicate_of == registry.siti and siti_again.nik == NIK_SITI
    assert budi_again.possible_duplicate_of == budi and budi_again.birth_date == date(1975, 11, 20)
    assert "same NIK" in budi_again.possible_duplicate_reason
    assert "disagrees with the NIK" in budi_again.possible_duplicate_reason
    # A held repeat of a head does not take the household's head place.
    assert siti_again.relation == "head" and siti_again.household == registry.siti.household
    event = AuditEvent.objects.get(action=AuditAction.BENEFICIARY_REGISTERED, target_id=str(budi_again.pk))
    assert event.changes["possible_duplicate_of"] == [None, budi.number]
    ids = {record["id"] for record in dedup.registry_records(world.alpha.pk)}
    assert {siti_again.pk, budi_again.pk} <= ids
    held = selectors.possible_duplicates_for(registry.paula)
    assert set(held) == {siti_again, budi_again}


def test_flagged_rows_not_included_are_left_out(world, registry, dupes):
    job = save(registry.paula, dupes, include=["4"])
    assert job.saved_rows == 3 and not Beneficiary.objects.filter(full_name="Siti Aminah").exists()


def test_the_desk_still_refuses_a_registered_nik(world, registry):
    with pytest.raises(BeneficiaryRefused, match="already registered as"):
        person(registry.paula, world.branch_a, "Siti Lagi", nik=NIK_SITI, birth_date=date(1980, 5, 12), sex="F")
    with pytest.raises(BeneficiaryRefused, match="does not match the NIK"):
        person(registry.paula, world.branch_a, "Budi", nik=NIK_BUDI, birth_date=date(1975, 11, 3), sex="M")


# --- correcting a cell on the preview -------------------------------------------------------------------


def test_a_cell_corrected_on_the_preview_is_checked_again_and_saved(world, registry, dupes):
    result = import_row_correct(actor=registry.paula, job=dupes, row=6, column="birth_date", value="02.11.1955")
    assert result == {"errors": [], "warnings": [], "flag": None}
    dupes.refresh_from_db()
    assert 6 not in errors_by_row(dupes) and (dupes.valid_rows, dupes.error_rows) == (5, 1)
    assert dupes.corrections == {"6": {"birth_date": "02.11.1955"}}
    event = AuditEvent.objects.get(action=AuditAction.IMPORT_CORRECTED)
    assert event.actor == registry.paula and event.changes["birth_date"] == [None, "02.11.1955"]
    # A NIK corrected to one already in the file becomes a flag, not an error.
    result = import_row_correct(actor=registry.paula, job=dupes, row=7, column="nik", value=NIK_BUDI)
    assert result["errors"] == [] and {"row": 3, "reason": "same NIK"} in result["flag"]["file"]
    dupes.refresh_from_db()
    assert dupes.corrections["7"] == {"nik": NIK_BUDI} and NIK_BUDI not in str(
        AuditEvent.objects.filter(action=AuditAction.IMPORT_CORRECTED).values_list("changes", flat=True)
    )
    job = save(registry.paula, dupes)
    assert Beneficiary.objects.get(full_name="Dewi Sartika").birth_date == date(1955, 11, 2)
    assert job.saved_rows == 3  # Budi, Rini, Dewi: the flagged rows were not included


def test_a_correction_still_wrong_keeps_the_row_out(world, registry, dupes):
    result = import_row_correct(actor=registry.paula, job=dupes, row=6, column="birth_date", value="31/02/1955")
    assert [e[2] for e in result["errors"]] == ["This date does not exist: February 1955 has 28 days, not day 31."]
    for kwargs, message in (
        ({"row": 6, "column": "secret", "value": "x"}, "Choose a column"),
        ({"row": 99, "column": "nik", "value": "x"}, "Row 99 is not in the file"),
    ):
        with pytest.raises(ImportRefused, match=message):
            import_row_correct(actor=registry.paula, job=dupes, **kwargs)
    save(registry.paula, dupes)
    with pytest.raises(ImportRefused, match="checked and not yet saved"):
        import_row_correct(actor=registry.paula, job=dupes, row=6, column="birth_date", value="1955-11-02")


def test_correcting_needs_the_import_role(world, registry, dupes):
    from satuatap.core.errors import NotAllowed

    for outsider in (world.frank, registry.bella):
        with pytest.raises(NotAllowed):
            import_row_correct(actor=outsider, job=dupes, row=6, column="birth_date", value="1955-11-02")


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["1955-11-02", "02/11/1955", "02-11-1955", "02.11.1955", "19551102", "02111955", "2 November 1955",
     "02 Nopember 1955", "2 Nov 1955", "1955-11-02 00:00:00", 20395, 20395.0],
)  # fmt: skip
def test_the_usual_date_forms_are_read(value):
    assert parse_date(value) == date(1955, 11, 2)


def test_indonesian_month_names_are_read():
    assert parse_date("17 Maret 2026") == parse_date("17 Mar 2026") == date(2026, 3, 17)
    assert parse_date("17 Agustus 1945") == parse_date("17 Agt 1945") == date(1945, 8, 17)
    assert parse_date("1 Mei 2020") == date(2020, 5, 1) and parse_date("5 Des 2020") == date(2020, 12, 5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1955-11-92", "November 1955 has 30 days, not day 92"),
        ("1955-13-01", "there is no month 13"),
        ("29/02/2023", "February 2023 has 28 days, not day 29"),
        ("abc", "write it as 2026-03-17, 17/03/2026 or 17 Maret 2026"),
        ("19551302", "write it as"),
    ],
)
def test_a_date_that_cannot_be_read_says_what_is_wrong(value, message):
    with pytest.raises(CellError, match=message):
        parse_date(value)


# --- review -------------------------------------------------------------------------------------------


@pytest.fixture
def held(world, registry, dupes):
    save(registry.paula, dupes, include_all=True)
    return SimpleNamespace(
        siti=Beneficiary.objects.get(full_name="Siti Aminah"),
        budi=Beneficiary.objects.get(full_name="Budi Santoso"),
        budi_again=Beneficiary.objects.get(full_name="Budi Santosa"),
    )


def test_merging_a_possible_duplicate_into_its_match(world, registry, held):
    kept = services.possible_duplicate_review(
        actor=registry.paula, beneficiary=held.budi_again, same=True, unit=world.branch_a
    )
    held.budi_again.refresh_from_db()
    assert kept == held.budi and held.budi_again.merged_into == held.budi
    assert held.budi_again.possible_duplicate_of is None and not held.budi_again.is_held
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_MERGED, target_id=str(held.budi.pk)).exists()
    with pytest.raises(MergeRefused, match="not waiting for a duplicate review"):
        services.possible_duplicate_review(
            actor=registry.paula, beneficiary=held.budi_again, same=False, unit=world.branch_a
        )


def test_marking_a_possible_duplicate_as_another_person_releases_it(world, registry, held):
    siti2 = held.siti
    # Two heads of one KK: the record must change its relation first (or be merged).
    with pytest.raises(MergeRefused, match="a household has one head"):
        services.possible_duplicate_review(actor=registry.paula, beneficiary=siti2, same=False, unit=world.branch_a)
    person_b = person(registry.paula, world.branch_a, "Budi Lain", birth_date=date(1975, 11, 2), sex="M")
    Beneficiary.objects.filter(pk=person_b.pk).update(possible_duplicate_of=held.budi, possible_duplicate_reason="x")
    person_b.refresh_from_db()
    released = services.possible_duplicate_review(
        actor=registry.paula, beneficiary=person_b, same=False, unit=world.branch_a, reason="different father"
    )
    assert released.possible_duplicate_of is None and released.possible_duplicate_reason == ""
    low, high = sorted([person_b.pk, held.budi.pk])
    assert NotDuplicate.objects.filter(first_id=low, second_id=high).exists()
    event = AuditEvent.objects.get(action=AuditAction.BENEFICIARY_NOT_DUPLICATE, target_id=str(person_b.pk))
    assert event.changes == {"possible_duplicate_of": [held.budi.number, None]} and event.note == "different father"


def test_a_held_record_is_not_helped_until_reviewed(world, registry, held):
    from satuatap.distribution.selectors import eligibility_problems

    program = SimpleNamespace(fund_kind="infak", asnaf=[], regions=[], required_documents=[], min_score=None)
    problems = eligibility_problems(SimpleNamespace(beneficiary=held.budi_again, program=program))
    assert any(f"may be the same person as {held.budi.number}" in p for p in problems)
    assert not any(
        "same person" in p for p in eligibility_problems(SimpleNamespace(beneficiary=held.budi, program=program))
    )
    assert set(selectors.helpable(Beneficiary.objects.filter(full_name__startswith="Budi"))) == {held.budi}


def test_the_registry_and_the_record_show_the_possible_duplicate_with_its_actions(world, registry, held, login, client):
    login(registry.paula)
    listing = client.get(reverse("beneficiaries:list")).content.decode()
    assert f"possible duplicate of {held.budi.number}" in listing
    assert "disagrees with the NIK" in listing
    page = client.get(reverse("beneficiaries:detail", args=[held.budi_again.pk])).content.decode()
    assert f"Possible duplicate of {held.budi.number}" in page and "disagrees with the NIK" in page
    assert 'data-testid="review-merge"' in page and 'data-testid="review-distinct"' in page
    url = reverse("beneficiaries:possible_duplicate_review", args=[held.budi_again.pk])
    response = client.post(url, {"decision": "same"})
    assert response.status_code == 302 and response["Location"] == reverse("beneficiaries:detail", args=[held.budi.pk])
    held.budi_again.refresh_from_db()
    assert held.budi_again.merged_into == held.budi
    # The front office may not merge.
    login(world.frank)
    url = reverse("beneficiaries:possible_duplicate_review", args=[held.siti.pk])
    assert client.post(url, {"decision": "same"}).status_code in (403, 404)
    assert Beneficiary.objects.get(pk=held.siti.pk).possible_duplicate_of == registry.siti


def test_the_preview_corrects_a_cell_in_place_and_saves_all_flagged_rows(
    world, registry, dupes, login, client, django_capture_on_commit_callbacks
):
    login(registry.paula)
    detail = reverse("beneficiaries:import_detail", args=[dupes.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="correct-6-birth_date"' in page and 'data-testid="commit-all"' in page
    assert "Warnings (the rows are kept)" in page and "disagrees with the NIK" in page
    url = reverse("beneficiaries:import_row_correct", args=[dupes.pk])
    form = client.get(url + "?row=6&column=birth_date", headers={"HX-Request": "true"}).content.decode()
    assert 'name="value"' in form and "<html" not in form
    assert client.get(url + "?row=x&column=birth_date").status_code == 404
    response = client.post(
        url, {"row": "6", "column": "birth_date", "value": "1955-11-02"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204 and response["HX-Redirect"] == detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("beneficiaries:import_commit", args=[dupes.pk]), {"include_all": "1"})
    dupes.refresh_from_db()
    assert dupes.status == S.COMMITTED and dupes.saved_rows == 5 and dupes.include == [2, 4]


def test_a_held_record_can_be_corrected_while_it_waits_for_review(world, registry, held):
    services.beneficiary_update(actor=registry.paula, beneficiary=held.siti, relation="spouse", phone="0812-9999-0000")
    held.siti.refresh_from_db()
    assert held.siti.relation == "spouse" and held.siti.is_held
    released = services.possible_duplicate_review(
        actor=registry.paula, beneficiary=held.siti, same=False, unit=world.branch_a
    )
    assert not released.is_held and Beneficiary.objects.get(pk=registry.siti.pk).relation == "head"
