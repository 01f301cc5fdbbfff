"""Beneficiaries over the REST API: scoped search, masked NIK/KK, the audited full read, writes,
assessments, duplicate candidates and aid history.

Personas from ``world`` and ``registry``: paula = program officer of branch A, hana = head of
branch A, frank = front office of branch A, audrey = auditor of branch A, bella = program officer
of branch B, bob = admin of branch B, eve = admin of BETA, nina = no role. ``registry.siti`` is a
branch-A head of household; ``registry.secret`` a branch-B person named SECRET.
"""

import json
from datetime import date

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.beneficiaries.models import Beneficiary, Status
from satuatap.beneficiaries.services import aid_record
from satuatap.beneficiaries.tests.conftest import KK_SITI, NIK_BUDI, NIK_SITI, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

URL = "/api/v1/beneficiaries"
CONSENT = {"method": "written"}


class Api:
    """A client holding one persona's token (a session for a user without a role); English messages."""

    def __init__(self, user, language="en"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if user.memberships.exists():
            self.headers["HTTP_AUTHORIZATION"] = "Bearer " + api_token_create(actor=user, name="test")[1]
        else:
            self.client.force_login(user)

    def get(self, path="", **query):
        return self.client.get(URL + path, query, **self.headers)

    def post(self, data, path=""):
        return self.client.post(URL + path, json.dumps(data), content_type="application/json", **self.headers)

    def patch(self, path, data):
        return self.client.patch(URL + path, json.dumps(data), content_type="application/json", **self.headers)


def error_of(response, status):
    assert response.status_code == status, response.content
    payload = response.json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message", "fields"}
    return payload["error"]


def names(response):
    assert response.status_code == 200, response.content
    return [row["full_name"] for row in response.json()["items"]]


def test_list_is_scoped_to_my_units_and_filters(world, registry):
    paula = Api(registry.paula)
    assert names(paula.get()) == ["Hj. Siti Aminah"]
    assert b"SECRET" not in paula.get().content
    assert names(Api(registry.bella).get()) == ["SECRET Bakung Mustahik"]
    assert names(Api(world.eve).get()) == []
    # Ordered by the normalised name (titles dropped).
    assert names(Api(world.carol).get()) == ["SECRET Bakung Mustahik", "Hj. Siti Aminah"]
    person(registry.paula, world.branch_a_sub, "Budi Santoso", nik=NIK_BUDI)
    assert names(paula.get(q="budi")) == ["Budi Santoso"]
    assert names(paula.get(q=NIK_SITI)) == ["Hj. Siti Aminah"]
    assert names(paula.get(status="applicant")) == ["Budi Santoso", "Hj. Siti Aminah"]
    assert names(paula.get(status="active")) == []
    assert names(paula.get(unit_id=world.branch_a_sub.pk)) == ["Budi Santoso"]
    assert error_of(paula.get(unit_id=world.branch_b.pk), 404)["code"] == "not_found"
    assert error_of(paula.get(status="sleeping"), 422)["fields"]["status"]


def test_nik_and_kk_are_masked_in_every_answer(world, registry):
    for user in (registry.paula, world.frank, world.audrey):
        api = Api(user)
        for response in (api.get(), api.get(f"/{registry.siti.pk}")):
            assert response.status_code == 200
            assert NIK_SITI.encode() not in response.content and KK_SITI.encode() not in response.content
        detail = api.get(f"/{registry.siti.pk}").json()
        assert detail["nik_masked"] == "3318••••••••0003" and detail["kk_masked"] == "••••••••••••0002"
        assert detail["relation"] == "head" and detail["registered_unit_name"] == "Cabang Anggrek"


def test_program_officer_reads_full_identifiers_and_the_read_is_audited(world, registry):
    paula = Api(registry.paula)
    assert paula.get(f"/{registry.siti.pk}").json()["identifiers_readable"] is True
    assert paula.get(f"/{registry.siti.pk}/identifiers").json() == {"nik": NIK_SITI, "kk": KK_SITI}
    event = AuditEvent.objects.get(action=AuditAction.BENEFICIARY_IDENTIFIERS_VIEWED)
    assert event.actor == registry.paula and event.unit_id == world.branch_a.pk
    frank = Api(world.frank)
    assert frank.get(f"/{registry.siti.pk}").json()["identifiers_readable"] is False
    assert error_of(frank.get(f"/{registry.siti.pk}/identifiers"), 403)["code"] == "forbidden"
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_IDENTIFIERS_VIEWED).count() == 1


def test_outsiders_get_not_found_or_forbidden_and_never_the_data(world, registry):
    siti = registry.siti.pk
    for user in (world.bob, world.eve, registry.bella, world.nina):
        api = Api(user)
        responses = [
            api.get(f"/{siti}"),
            api.get(f"/{siti}/identifiers"),
            api.get(f"/{siti}/aid"),
            api.get(f"/{siti}/candidates"),
            api.patch(f"/{siti}", {"full_name": "Diganti"}),
            api.post({"to_status": "rejected", "reason": "x"}, f"/{siti}/status"),
            api.post({"household_size": 2, "housing": "owned", "housing_condition": "good"}, f"/{siti}/assessments"),
        ]
        for response in responses:
            assert response.status_code in (403, 404), (user, response.content)
            assert b"Siti Aminah" not in response.content and NIK_SITI.encode() not in response.content
    # And branch A's people never see branch B's SECRET person or unit through any endpoint.
    paula = Api(registry.paula)
    for path in ("", f"/{registry.secret.pk}", f"/{registry.secret.pk}/aid", f"/{registry.secret.pk}/candidates"):
        assert b"SECRET" not in paula.get(path).content
    assert Beneficiary.objects.get(pk=siti).full_name == "Hj. Siti Aminah"
    assert Beneficiary.objects.get(pk=siti).status == Status.APPLICANT


def test_register_with_consent_and_masked_answer(world, registry):
    response = Api(registry.paula).post(
        {
            "unit_id": world.branch_a_sub.pk,
            "full_name": "  Budi   Santoso ",
            "nik": NIK_BUDI,
            "birth_date": "1975-11-02",
            "sex": "M",
            "kk": KK_SITI,
            "relation": "spouse",
            "rt": "3",
            "consent": {"method": "thumbprint"},
        }
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["full_name"] == "Budi Santoso" and data["registered_unit_id"] == world.branch_a_sub.pk
    assert data["nik_masked"] == "3318••••••••0001" and NIK_BUDI.encode() not in response.content
    assert data["household_id"] == registry.siti.household_id and data["rt"] == "003"
    budi = Beneficiary.objects.get(pk=data["id"])
    assert budi.consents.get().method == "thumbprint" and budi.created_by == registry.paula
    default_unit = Api(world.frank).post({"full_name": "Warung Berkah", "kind": "organisation"})
    assert default_unit.status_code == 201 and default_unit.json()["registered_unit_id"] == world.branch_a.pk


def test_bad_registrations_are_explained_per_field_and_nothing_is_saved(world, registry):
    api = Api(registry.paula)
    before = Beneficiary.objects.count()
    nik = error_of(api.post({"full_name": "Budi", "nik": "12345", "consent": CONSENT}), 400)
    assert nik["code"] == "refused" and nik["fields"] == {"nik": ["A NIK has 16 digits; this one has 5."]}
    two_heads = error_of(api.post({"full_name": "Budi", "kk": KK_SITI, "relation": "head", "consent": CONSENT}), 400)
    assert "already has a head" in two_heads["fields"]["relation"][0]
    child = error_of(api.post({"full_name": "Ahmad", "birth_date": "2015-01-01", "consent": CONSENT}), 400)
    assert "guardian" in child["fields"]["guardian_name"][0] and child["message"] == child["fields"]["guardian_name"][0]
    no_consent = error_of(api.post({"full_name": "Budi"}), 400)
    assert list(no_consent["fields"]) == ["consent_method"]
    taken = error_of(api.post({"full_name": "Siti", "nik": NIK_SITI, "consent": CONSENT}), 400)
    assert registry.siti.number in taken["fields"]["nik"][0]
    missing = error_of(api.post({"nik": NIK_BUDI}), 422)
    assert missing["fields"] == {"full_name": ["This field is required."]}
    bad_choice = error_of(api.post({"full_name": "Budi", "sex": "male", "consent": CONSENT}), 400)
    assert bad_choice["fields"] == {"sex": ["Choose male or female."]}
    assert Beneficiary.objects.count() == before


def test_who_may_register_and_where(world, registry):
    for user in (world.audrey, world.nina):
        assert error_of(Api(user).post({"full_name": "Nope", "consent": CONSENT}), 403)["code"] == "forbidden"
    paula = Api(registry.paula)
    assert paula.post({"full_name": "Nope", "unit_id": world.branch_b.pk, "consent": CONSENT}).status_code == 404
    assert paula.post({"full_name": "Nope", "unit_id": world.beta.pk, "consent": CONSENT}).status_code == 404
    assert error_of(Api(registry.hana).post({"full_name": "Nope", "consent": CONSENT}), 403)["code"] == "forbidden"
    assert not Beneficiary.objects.filter(full_name="Nope").exists()


def test_update_changes_only_what_is_sent(world, registry):
    api = Api(registry.paula)
    response = api.patch(f"/{registry.siti.pk}", {"phone": "0813 1111 2222", "street": None, "rw": "5"})
    assert response.status_code == 200, response.content
    siti = Beneficiary.objects.get(pk=registry.siti.pk)
    assert siti.phone == "+6281311112222" and siti.nik == NIK_SITI and siti.rw == "005"
    assert siti.full_name == "Hj. Siti Aminah" and siti.village == "Kayen"
    bad = error_of(api.patch(f"/{registry.siti.pk}", {"rt": "abcd"}), 400)
    assert bad["fields"] == {"rt": ["RT and RW are numbers of up to 3 digits."]}
    mismatch = error_of(api.patch(f"/{registry.siti.pk}", {"birth_date": "1981-05-12"}), 400)
    assert "does not match the NIK" in mismatch["fields"]["birth_date"][0]
    assert error_of(Api(world.audrey).patch(f"/{registry.siti.pk}", {"note": "x"}), 403)["code"] == "forbidden"
    assert AuditEvent.objects.filter(action=AuditAction.BENEFICIARY_UPDATED, target_id=str(siti.pk)).count() == 1


def test_status_change_with_reason_and_lifecycle_rules(world, registry):
    api = Api(registry.paula)
    path = f"/{registry.siti.pk}/status"
    skipped = error_of(api.post({"to_status": "active", "reason": "skip"}, path), 400)
    assert "cannot become active" in skipped["fields"]["to_status"][0]
    no_reason = error_of(api.post({"to_status": "rejected", "reason": "  "}, path), 400)
    assert no_reason["fields"] == {"reason": ["Give the reason for this change."]}
    assert error_of(Api(world.frank).post({"to_status": "rejected", "reason": "x"}, path), 403)
    response = api.post({"to_status": "rejected", "reason": "moved away"}, path)
    assert response.status_code == 201, response.content
    assert response.json()["from_status"] == "applicant" and response.json()["to_status"] == "rejected"
    assert Beneficiary.objects.get(pk=registry.siti.pk).status == Status.REJECTED


def test_assessment_returns_score_needs_breakdown_and_asnaf(world, registry):
    api = Api(registry.paula)
    path = f"/{registry.siti.pk}/assessments"
    body = {
        "household_size": 4,
        "dependants": 3,
        "monthly_income": 1_200_000,
        "housing": "rented",
        "housing_condition": "poor",
    }
    response = api.post(body, path)
    assert response.status_code == 201, response.content
    data = response.json()
    # Food 1,000,000 + 3 x 500,000, six other needs at 200,000: 3,700,000 a month.
    assert data["need_amount"] == 3_700_000 and data["recommended_asnaf"] == "fakir"
    assert 0 <= data["score"] <= 100 and [s["step"] for s in data["breakdown"]][0] == "needs"
    assert data["standard"] == "Had kifayah 2026" and data["unit_id"] == world.branch_a.pk
    assert Beneficiary.objects.get(pk=registry.siti.pk).status == Status.ASSESSED
    bad = error_of(api.post({**body, "housing": "castle"}, path), 422)
    assert "housing" in bad["fields"]
    future = error_of(api.post({**body, "assessed_on": "2999-01-01"}, path), 400)
    assert "future" in future["fields"]["assessed_on"][0]
    assert error_of(Api(world.frank).post(body, path), 403)["code"] == "forbidden"


def test_candidates_of_a_record_show_outsiders_only_as_their_unit(world, registry):
    near = person(registry.paula, world.branch_a, "Siti Aminah", phone="0812-3456-7890", village="Kayen")
    person(registry.bella, world.branch_b, "Siti Aminah", birth_date=date(1980, 5, 12), sex="F", village="Kayen")
    response = Api(registry.paula).get(f"/{registry.siti.pk}/candidates")
    assert response.status_code == 200, response.content
    found = response.json()
    visible = [c for c in found if c["in_scope"]]
    hidden = [c for c in found if not c["in_scope"]]
    assert [c["id"] for c in visible] == [near.pk]
    assert "same phone" in visible[0]["reasons"] and 0 < visible[0]["score"] <= 1
    assert hidden == [{"in_scope": False, "unit": world.branch_b.name}]


def test_candidates_for_a_person_not_yet_saved(world, registry):
    api = Api(world.frank)
    found = api.post({"name": "Siti Aminah", "birth_date": "1980-05-12", "sex": "F"}, "/candidates")
    assert found.status_code == 200, found.content
    assert [c["id"] for c in found.json()] == [registry.siti.pk]
    assert "same birth date" in found.json()[0]["reasons"]
    by_nik = api.post({"nik": NIK_SITI}, "/candidates").json()
    assert by_nik[0]["id"] == registry.siti.pk and "same NIK" in by_nik[0]["reasons"]
    bad = error_of(api.post({"nik": "1234"}, "/candidates"), 400)
    assert bad["fields"] == {"nik": ["A NIK has 16 digits; this one has 4."]}
    assert error_of(api.post({}, "/candidates"), 400)["fields"]["name"]
    # Branch B's officer learns only that branch A holds a match.
    assert Api(registry.bella).post({"nik": NIK_SITI}, "/candidates").json() == [
        {"in_scope": False, "unit": world.branch_a.name}
    ]
    assert Beneficiary.objects.count() == 2


def test_aid_history_comes_from_every_unit(world, registry):
    aid_record(
        actor=registry.paula,
        beneficiary=registry.siti,
        unit=world.branch_a,
        given_on=date(2026, 2, 1),
        program="Sembako",
        amount=250_000,
    )
    aid_record(
        actor=registry.bella,
        beneficiary=registry.siti,
        unit=world.branch_b,
        given_on=date(2026, 3, 1),
        program="Beasiswa",
        amount=500_000,
    )
    response = Api(registry.paula).get(f"/{registry.siti.pk}/aid")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(a["program"], a["amount"], a["unit_id"]) for a in items] == [
        ("Beasiswa", 500_000, world.branch_b.pk),
        ("Sembako", 250_000, world.branch_a.pk),
    ]
    # Helping a person makes them visible to the unit that helped, identifiers still masked.
    assert Api(registry.bella).get(f"/{registry.siti.pk}").json()["nik_masked"] == "3318••••••••0003"


def test_list_costs_the_same_queries_for_many_beneficiaries(world, registry, django_assert_max_num_queries):
    api = Api(registry.paula)
    with django_assert_max_num_queries(8) as few:
        assert api.get().json()["count"] == 1
    for i in range(6):
        person(registry.paula, world.branch_a_sub, f"Mustahik {i}", kk=KK_SITI, relation="child" if i else "other")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get().json()["count"] == 7


@pytest.mark.parametrize("path", ["", "/1", "/1/identifiers", "/1/aid", "/1/candidates"])
def test_no_token_is_unauthenticated(world, path):
    response = Client().get(URL + path)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
