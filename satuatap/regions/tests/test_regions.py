"""The administrative areas: loaded from the vendored dataset, matched from typed names, picked
province → village in the address forms, checked against a NIK and used to group reports."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.models import Beneficiary
from satuatap.beneficiaries.tests.conftest import NIK_BUDI, person
from satuatap.core import identifiers
from satuatap.core.errors import DomainError
from satuatap.donors.models import Donor
from satuatap.regions import selectors
from satuatap.regions.models import Area, Level

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english", "areas")]

KAYEN = "33.18.02.2009"  # Desa Kayen, Kecamatan Kayen, Kabupaten Pati, Jawa Tengah


def test_the_migration_loads_every_level_with_the_official_codes():
    counts = dict(Area.objects.values_list("level").annotate(n=Count("code")).order_by())
    assert counts == {Level.PROVINCE: 38, Level.REGENCY: 514, Level.DISTRICT: 7285, Level.VILLAGE: 83762}
    pati = Area.objects.get(code="33.18")
    assert (pati.name, pati.parent_id, pati.level, pati.digits) == ("Kabupaten Pati", "33", Level.REGENCY, "3318")
    assert [a.name for a in selectors.chain(KAYEN)] == ["Jawa Tengah", "Kabupaten Pati", "Kayen", "Kayen"]


def test_refreshing_the_areas_adds_what_is_missing_and_changes_nothing_else():
    Area.objects.filter(code=KAYEN).delete()
    Area.objects.filter(code="33.18").update(name="Pati lama")
    out = io.StringIO()
    call_command("load_regions", stdout=out)
    assert "1 added, 1 changed" in out.getvalue()
    assert Area.objects.get(code="33.18").name == "Kabupaten Pati" and Area.objects.filter(code=KAYEN).exists()


@pytest.mark.parametrize("typed", ["Kabupaten Pati", "Kab. Pati", "KAB PATI", "kab pati", "Pati", " pati ", "3318"])
def test_the_ways_people_write_a_regency_match_its_code(typed):
    assert selectors.match(regency=typed).code == "33.18"


def test_names_are_matched_level_by_level_and_a_doubtful_name_matches_nothing():
    found = selectors.match(province="Jateng", regency="Kab. Pati", district="Kec. Kayen", village="Desa Kayen")
    assert found.code == KAYEN
    assert selectors.match(regency="Kota Semarang").code == "33.74"
    assert selectors.match(regency="Semarang") is None  # a regency and a city: not guessed
    assert selectors.match(regency="Pati", district="Nowhere").code == "33.18"  # as far as it is sure
    assert selectors.match(province="DKI Jakarta").code == "31"
    assert selectors.match(village="Kayen") is None  # a village name alone is not unique


def test_the_picker_asks_for_the_next_level_and_drops_a_stale_lower_choice(client):
    text = client.get("/wilayah/pilih/", {"name": "region", "region_province": "33"}).content.decode()
    assert '<option value="33.18" selected' not in text and '<option value="33.18">Kabupaten Pati</option>' in text
    text = client.get(
        "/wilayah/pilih/", {"name": "region", "region_province": "33", "region_regency": "33.18"}
    ).content.decode()
    assert '<option value="33.18.02">Kayen</option>' in text and "Code 33.18" in text
    # The province changed after a regency of another one was chosen: the regency is dropped.
    text = client.get(
        "/wilayah/pilih/", {"name": "region", "region_province": "35", "region_regency": "33.18"}
    ).content.decode()
    assert "Code 35" in text and "Kabupaten Pati" not in text and "Kota Surabaya" in text
    options = client.get("/wilayah/opsi/", {"parent": "33.18.02"}).content.decode()
    assert f'<option value="{KAYEN}">Kayen</option>' in options
    found = client.get("/wilayah/cari/", {"q": "kab. pati"}).json()["results"]
    assert found[0] == {"code": "33.18", "name": "Kabupaten Pati", "level": 2, "parent": "33"}


def test_a_nik_from_a_district_that_does_not_exist_is_refused_with_its_code():
    assert identifiers.clean_nik(NIK_BUDI) == NIK_BUDI
    with pytest.raises(DomainError, match=r"first six digits \(33\.18\.99\) are not the code of a district"):
        identifiers.clean_nik("3318990211750001")
    # Kabupaten Merauke was 91.01 before Papua Selatan: a NIK issued there keeps its number.
    assert identifiers.clean_nik("9101010211750001") == "9101010211750001"


def test_a_nik_from_another_district_than_the_address_is_only_a_warning():
    assert selectors.nik_region_warning(NIK_BUDI, "33.18.01.2001") == ""
    warning = selectors.nik_region_warning(NIK_BUDI, KAYEN)
    assert "Sukolilo, Kabupaten Pati" in warning


def _beneficiary_form(**overrides):
    data = {"kind": "person", "full_name": "Budi Santoso", "nik": NIK_BUDI, "birth_date": "1975-11-02", "sex": "M",
            "consent_method": "written", "consent_purpose": "assistance", "consent_given_on": "2026-01-05"}  # fmt: skip
    return data | overrides


def test_the_beneficiary_form_saves_a_picked_address_with_its_official_names(world, registry, client):
    client.force_login(world.frank)
    response = client.post(
        "/beneficiaries/new/",
        _beneficiary_form(
            region_province="33", region_regency="33.18", region_district="33.18.02", region_village=KAYEN,
            street="Jl. Raya Kayen 5", regency="typed over",
        ),
        follow=True,
    )  # fmt: skip
    budi = Beneficiary.objects.get(full_name="Budi Santoso")
    assert budi.region_id == KAYEN
    assert (budi.province, budi.regency, budi.district, budi.village) == (
        "Jawa Tengah", "Kabupaten Pati", "Kayen", "Kayen",
    )  # fmt: skip
    assert budi.street == "Jl. Raya Kayen 5"
    # The NIK was issued in Sukolilo: saved, with a note.
    assert "issued in Sukolilo" in response.content.decode()
    # The edit form shows the picked region again.
    text = client.get(f"/beneficiaries/{budi.pk}/edit/").content.decode()
    assert f'<option value="{KAYEN}" selected>Kayen</option>' in text


def test_the_beneficiary_form_shows_a_bad_region_with_the_other_errors_at_once(world, registry, client):
    client.force_login(world.frank)
    before = Beneficiary.objects.count()
    response = client.post(
        "/beneficiaries/new/", _beneficiary_form(region_code="99.99", nik="3318990211750001", phone="12")
    )
    errors = response.context["form"].errors
    assert {"region", "nik", "phone"} <= set(errors)
    assert "no area with the code 99.99" in errors["region"][0]
    assert Beneficiary.objects.count() == before


def test_the_donor_form_saves_a_picked_address(world, desk):
    client = Client()
    client.force_login(world.frank)
    client.post(
        "/donors/new/",
        {"kind": "person", "full_name": "Rahmat Hidayat", "phone": "0857 1234 5678", "preferred_channel": "whatsapp",
         "region_province": "33", "region_regency": "33.18", "region_district": "33.18.02"},
    )  # fmt: skip
    donor = Donor.objects.get(full_name="Rahmat Hidayat")
    assert (donor.region_id, donor.regency, donor.district) == ("33.18.02", "Kabupaten Pati", "Kayen")


def test_a_registration_with_typed_names_gets_the_code_they_match(world, registry):
    """What imports, the public form and the API send: names or codes in the name fields."""
    typed = person(registry.paula, world.branch_a, "Ani", province="Jawa Tengah", regency="Kab. Pati",
                   district="Kayen", village="Kayen")  # fmt: skip
    assert typed.region_id == KAYEN and typed.regency == "Kab. Pati"
    coded = person(registry.paula, world.branch_a, "Ina", village=KAYEN.replace(".", ""))
    assert coded.region_id == KAYEN
    unknown = person(registry.paula, world.branch_a, "Uni", regency="Atlantis")
    assert unknown.region_id is None


def test_existing_addresses_are_linked_and_the_rest_listed(world, registry):
    linked = person(registry.paula, world.branch_a, "Ani", regency="Pati")
    lost = person(registry.paula, world.branch_a, "Uni", regency="Kabupaten Atlantis", district="Tenggelam")
    Beneficiary.objects.filter(pk__in=[linked.pk, lost.pk]).update(region=None)
    from satuatap.regions.services import addresses_link

    assert addresses_link(Beneficiary) == (1, 1)
    assert Beneficiary.objects.get(pk=linked.pk).region_id == "33.18"
    out = io.StringIO()
    call_command("regions_unmatched", stdout=out)
    text = out.getvalue()
    assert "beneficiaries.Beneficiary: 1 unmatched" in text and "Kabupaten Atlantis | Tenggelam" in text
    # Staff find them on the registry list, within their units.
    client = Client()
    client.force_login(registry.paula)
    page = client.get("/beneficiaries/", {"address": "unmatched"}).content.decode()
    assert lost.number in page and linked.number not in page and registry.siti.number not in page


def test_the_distribution_report_groups_kabupaten_pati_and_pati_as_one_regency(world, books):
    from satuatap.distribution.batches import services as batches
    from satuatap.distribution.selectors import regency_breakdown
    from satuatap.ledger.selectors import MonthRange

    paula, hana = books.registry.paula, books.registry.hana
    people = []
    for n, place in enumerate(["Kabupaten Pati", "Pati", "KAB. PATI", "Kota Semarang"]):
        p = person(paula, world.branch_a, f"Warga {n}", asnaf="miskin", asnaf_reason="x", regency=place)
        if n == 2:
            Beneficiary.objects.filter(pk=p.pk).update(region=None)  # an address not linked yet
        registry_services.status_change(actor=paula, beneficiary=p, to_status="assessed", reason="x")
        registry_services.status_change(actor=hana, beneficiary=p, to_status="verified", reason="x")
        people.append(p)
    batch = batches.batch_prepare(
        actor=paula, unit=world.branch_a, program=books.program, name="B", rows=[(p, 100_000, "x") for p in people]
    )
    batches.batch_pay(
        actor=books.fiona, batch=batches.batch_decide(actor=books.rita, batch=batch, approve=True),
        money_account=books.cash,
    )  # fmt: skip
    found = regency_breakdown(world.area, MonthRange.year(timezone.localdate().year))
    assert [(r.code, r.name, r.distributed, r.people) for r in found] == [
        ("33.18", "Kabupaten Pati", 300_000, 3),
        ("33.74", "Kota Semarang", 100_000, 1),
    ]


def test_the_areas_api_looks_up_by_parent_and_name(world):
    client = Client()
    client.force_login(world.frank)
    regencies = client.get("/api/v1/regions", {"parent": "33"}).json()
    assert {"code": "33.18", "name": "Kabupaten Pati", "level": 2, "parent": "33"} in regencies
    assert len(regencies) == 35
    found = client.get("/api/v1/regions", {"q": "kayen", "parent": "33.18"}).json()
    assert [a["code"] for a in found] == ["33.18.02", KAYEN]
    assert Client().get("/api/v1/regions").status_code == 401


def test_the_beneficiary_api_takes_and_gives_the_region_code(world, registry, client):
    client.force_login(registry.paula)
    response = client.post(
        "/api/v1/beneficiaries",
        {"full_name": "Ani Lestari", "region": "3318022009", "consent": {"method": "written"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["region_id"], body["regency"], body["village"]) == (KAYEN, "Kabupaten Pati", "Kayen")
    bad = client.patch(f"/api/v1/beneficiaries/{body['id']}", {"region": "99.99"}, content_type="application/json")
    assert bad.status_code == 400 and "region" in bad.json()["error"]["fields"]


def test_the_collection_report_groups_donors_by_regency_code(world, desk):
    from satuatap.collection.reports import DateRange, collection_report
    from satuatap.collection.tests.conftest import give
    from satuatap.donors.services import donor_register

    typed = donor_register(actor=world.frank, unit=world.branch_a, full_name="Ani", regency="Kab. Pati")
    picked = donor_register(actor=world.frank, unit=world.branch_a, full_name="Ina", region="33.18.02")
    give(world.branch_a, typed, world.frank)
    give(world.branch_a, picked, world.frank)
    give(world.branch_a, desk.donor, world.frank)  # no address
    report = collection_report(world.frank, world.branch_a, DateRange(desk.day, desk.day), tables=["regencies"])
    [table] = report.tables
    assert [(r.key, r.label, r.current.amount, r.current.donors) for r in table.rows] == [
        ("33.18", "Kabupaten Pati", 2_000_000, 2),
        ("", "Address without a region code", 1_000_000, 1),
    ]


def test_the_registry_import_takes_a_region_by_code_or_by_name(world, registry):
    from satuatap.beneficiaries.tests.test_imports import csv_bytes, errors_by_row, run, save

    header = ["nama", "tanggal_lahir", "jenis_kelamin", "kabupaten", "kecamatan", "desa", "kode_wilayah", "persetujuan"]
    rows = [
        ["Ani Lestari", "1990-01-01", "P", "Kab. Pati", "Kayen", "Kayen", "", "tertulis"],
        ["Ina Rahayu", "1991-01-01", "P", "", "", "", "3318022009", "tertulis"],
        ["Uni Sari", "1992-01-01", "P", "", "", "", "99.99", "tertulis"],
    ]
    job = run(registry.paula, world.branch_a, csv_bytes(header, rows))
    errors = errors_by_row(job)
    assert [[column for column, _message in found] for found in errors.values()] == [["kode_wilayah"]]
    save(registry.paula, job)
    saved = dict(
        Beneficiary.objects.filter(full_name__in=["Ani Lestari", "Ina Rahayu"]).values_list("full_name", "region_id")
    )
    assert saved == {"Ani Lestari": KAYEN, "Ina Rahayu": KAYEN}
    assert Beneficiary.objects.get(full_name="Ina Rahayu").regency == "Kabupaten Pati"


def test_an_office_picks_its_region_on_the_unit_form(world):
    from satuatap.audit.models import AuditEvent
    from satuatap.organizations.models import Unit

    client = Client()
    client.force_login(world.alice)
    client.post(
        f"/units/{world.branch_a.pk}/edit/",
        {"kind": "branch", "name": "Cabang Anggrek", "code": "BRA", "time_zone": "Asia/Jakarta",
         "region_province": "33", "region_regency": "33.18", "region_district": "33.18.02"},
    )  # fmt: skip
    assert Unit.objects.get(pk=world.branch_a.pk).region_id == "33.18.02"
    event = AuditEvent.objects.filter(target_id=str(world.branch_a.pk)).latest("pk")
    assert event.changes["region"] == [None, "33.18.02"]
    page = client.get(f"/units/{world.branch_a.pk}/edit/").content.decode()
    assert '<option value="33.18.02" selected>Kayen</option>' in page


def test_the_donor_import_takes_a_region_by_code_or_by_name(world, desk):
    from satuatap.collection.models import ImportStatus
    from satuatap.collection.tests.test_import_services import csv_bytes, run, save
    from satuatap.donors.models import Donor

    header = ["Nama lengkap", "Kabupaten", "Kecamatan", "Desa", "Kode wilayah"]
    rows = [
        ["Ani Lestari", "Kab. Pati", "Kayen", "Kayen", ""],
        ["Ina Rahayu", "", "", "", "3318022009"],
        ["Uni Sari", "", "", "", "99.99"],
    ]
    job = run(world.frank, world.branch_a, "donors", csv_bytes(header, rows))
    assert (job.valid_rows, job.error_rows) == (2, 1)
    assert [(row, column) for row, column, _message in job.errors] == [(4, "Kode wilayah")]
    job = save(world.frank, job)
    assert job.status == ImportStatus.COMMITTED, job.message
    saved = dict(
        Donor.objects.filter(full_name__in=["Ani Lestari", "Ina Rahayu"]).values_list("full_name", "region_id")
    )
    assert saved == {"Ani Lestari": KAYEN, "Ina Rahayu": KAYEN}
    assert Donor.objects.get(full_name="Ina Rahayu").regency == "Kabupaten Pati"
