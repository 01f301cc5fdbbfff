"""Donors over the REST API: scoped search, masked identifiers, the audited full read, writes.

Personas from ``world`` and the collection ``desk``: frank = front office of branch A, fiona =
finance of branch A, felix = finance of branch B, evan = front office of BETA, audrey = auditor
of branch A, alice = admin of branch A, bob = admin of branch B, eve = admin of BETA, nina = no
role. ``desk.donor`` (Muhammad Nur Hidayat, NIK 3171011708450001) registered at branch A.
"""

import json

import pytest
from django.test import Client

from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.collection.tests.conftest import desk, give  # noqa: F401  (desk is a fixture)
from satuatap.donors.models import Donor
from satuatap.donors.services import donor_register

URL = "/api/v1/donors"
NIK = "3171011708450001"


class Api:
    """A client holding one persona's token (a session for a user without a role); English messages."""

    def __init__(self, user, language="en"):
        self.client = Client()
        self.headers = {}
        if user.memberships.exists():
            self.headers["HTTP_AUTHORIZATION"] = "Bearer " + api_token_create(actor=user, name="test")[1]
        else:
            self.client.force_login(user)
        if language:
            self.headers["HTTP_ACCEPT_LANGUAGE"] = language

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


def test_list_shows_donors_of_my_units_and_those_who_gave_here(world, desk):  # noqa: F811
    assert names(Api(world.frank).get()) == ["Muhammad Nur Hidayat"]
    felix = Api(desk.felix)
    assert names(felix.get()) == []
    give(world.branch_b, desk.donor, desk.felix, ("infak", 10_000))
    assert names(felix.get()) == ["Muhammad Nur Hidayat"]
    assert names(Api(desk.evan).get()) == ["SECRET Xenon Donor"]
    assert names(Api(world.carol).get()) == ["Muhammad Nur Hidayat"]


def test_search_by_name_variant_number_nik_phone_and_email(world, desk):  # noqa: F811
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Aminah", phone="081298765432")
    api = Api(world.frank)
    assert names(api.get(q="Moh. Noor Hidayat")) == ["Muhammad Nur Hidayat"]
    assert names(api.get(q=desk.donor.number)) == ["Muhammad Nur Hidayat"]
    assert names(api.get(q=NIK)) == ["Muhammad Nur Hidayat"]
    assert names(api.get(q="+62 812-9876-5432")) == ["Siti Aminah"]
    assert names(api.get(q="HIDAYAT@example.id")) == ["Muhammad Nur Hidayat"]
    assert names(api.get(q="sitti")) == ["Siti Aminah"]
    assert names(api.get(q="Xenon")) == []
    assert names(api.get(unit_id=world.branch_a_sub.pk)) == []
    assert api.get(unit_id=world.branch_b.pk).status_code == 404


def test_search_by_the_start_of_a_phone_number_as_the_page_does(world, desk):  # noqa: F811
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Aminah", phone="081298765432")
    donor_register(actor=world.frank, unit=world.branch_a, full_name="Budi Santoso", phone="085711112222")
    api = Api(world.frank)
    assert names(api.get(q="0857")) == ["Budi Santoso"]
    assert names(api.get(q="0812")) == ["Muhammad Nur Hidayat", "Siti Aminah"]
    assert names(api.get(q="0812 9876")) == ["Siti Aminah"]
    assert names(api.get(q="+62857")) == ["Budi Santoso"]
    assert names(api.get(q="081")) == []  # below 4 digits a prefix matches too many to look up


def test_identifiers_are_masked_in_every_answer(world, desk):  # noqa: F811
    for user in (world.frank, desk.fiona, world.audrey):
        api = Api(user)
        for response in (api.get(), api.get(f"/{desk.donor.pk}")):
            assert NIK.encode() not in response.content and b"01.312.166" not in response.content
        detail = api.get(f"/{desk.donor.pk}").json()
        assert detail["nik_masked"] == "************0001" and detail["npwp_masked"].endswith("1000")


def test_finance_reads_full_identifiers_and_the_read_is_audited(world, desk):  # noqa: F811
    fiona = Api(desk.fiona)
    assert fiona.get(f"/{desk.donor.pk}").json()["identifiers_readable"] is True
    response = fiona.get(f"/{desk.donor.pk}/identifiers")
    assert response.json() == {"nik": NIK, "npwp": "01.312.166.0-091.000"}
    event = AuditEvent.objects.get(action=AuditAction.DONOR_IDENTIFIERS_VIEWED)
    assert event.actor == desk.fiona and event.unit_id == world.branch_a.pk
    assert Api(world.audrey).get(f"/{desk.donor.pk}/identifiers").status_code == 200


def test_roles_without_the_need_do_not_get_full_identifiers(world, desk):  # noqa: F811
    frank = Api(world.frank)
    assert frank.get(f"/{desk.donor.pk}").json()["identifiers_readable"] is False
    assert error_of(frank.get(f"/{desk.donor.pk}/identifiers"), 403)["code"] == "forbidden"
    assert error_of(Api(world.alice).get(f"/{desk.donor.pk}/identifiers"), 403)["code"] == "forbidden"
    # Finance of branch B does not see the donor at all.
    assert error_of(Api(desk.felix).get(f"/{desk.donor.pk}/identifiers"), 404)["code"] == "not_found"
    assert not AuditEvent.objects.filter(action=AuditAction.DONOR_IDENTIFIERS_VIEWED).exists()


def test_finance_where_the_donor_gave_may_read_identifiers_there(world, desk):  # noqa: F811
    give(world.branch_b, desk.donor, desk.felix, ("infak", 10_000))
    assert Api(desk.felix).get(f"/{desk.donor.pk}/identifiers").json()["nik"] == NIK
    assert AuditEvent.objects.get(action=AuditAction.DONOR_IDENTIFIERS_VIEWED).unit_id == world.branch_b.pk


def test_outsiders_get_not_found_for_every_donor_endpoint(world, desk):  # noqa: F811
    for user in (world.bob, world.eve, desk.felix, desk.evan, world.nina):
        api = Api(user)
        for path in (f"/{desk.donor.pk}", f"/{desk.donor.pk}/identifiers"):
            assert api.get(path).status_code in (403, 404)
        assert api.patch(f"/{desk.donor.pk}", {"full_name": "SECRET"}).status_code in (403, 404)
    assert Donor.objects.get(pk=desk.donor.pk).full_name == "Muhammad Nur Hidayat"


def test_front_office_registers_a_donor_with_identifiers_masked(world, desk):  # noqa: F811
    response = Api(world.frank).post(
        {"unit_id": world.branch_a_sub.pk, "full_name": "  Siti   Aminah ", "nik": "3171014101900002"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["full_name"] == "Siti Aminah" and data["registered_unit_id"] == world.branch_a_sub.pk
    assert data["nik_masked"] == "************0002" and b"3171014101900002" not in response.content
    default_unit = Api(world.frank).post({"full_name": "Budi"})
    assert default_unit.json()["registered_unit_id"] == world.branch_a.pk


def test_bad_donor_data_is_explained_per_field(world, desk):  # noqa: F811
    api = Api(world.frank)
    nik = error_of(api.post({"full_name": "Siti", "nik": "12345"}), 400)
    assert nik["code"] == "refused" and nik["fields"] == {"nik": ["A NIK has 16 digits; this one has 5."]}
    duplicate = error_of(api.post({"full_name": "Hidayat Lagi", "nik": NIK}), 400)
    assert desk.donor.number in duplicate["fields"]["nik"][0]
    missing = error_of(api.post({"nik": NIK}), 422)
    assert missing["fields"] == {"full_name": ["This field is required."]}
    too_long = error_of(api.post({"full_name": "x" * 201}), 422)
    assert too_long["fields"] == {"full_name": ["Enter at most 200 characters."]}
    assert Donor.objects.count() == 2


def test_who_may_register_and_where(world, desk):  # noqa: F811
    for user in (world.audrey, world.nina):
        assert error_of(Api(user).post({"full_name": "Nope"}), 403)["code"] == "forbidden"
    assert Api(world.frank).post({"full_name": "Nope", "unit_id": world.branch_b.pk}).status_code == 404
    assert Api(world.frank).post({"full_name": "Nope", "unit_id": world.beta.pk}).status_code == 404
    assert not Donor.objects.filter(full_name="Nope").exists()


def test_update_changes_only_what_is_sent(world, desk):  # noqa: F811
    api = Api(world.frank)
    response = api.patch(f"/{desk.donor.pk}", {"phone": "0813 1111 2222", "street": None})
    assert response.status_code == 200, response.content
    donor = Donor.objects.get(pk=desk.donor.pk)
    assert donor.phone == "+6281311112222" and donor.nik == NIK and donor.full_name == "Muhammad Nur Hidayat"
    bad = error_of(api.patch(f"/{desk.donor.pk}", {"email": "bukan-email"}), 400)
    assert bad["fields"] == {"email": ["This is not a valid email address."]}
    assert error_of(Api(world.audrey).patch(f"/{desk.donor.pk}", {"note": "x"}), 403)["code"] == "forbidden"


def test_list_costs_the_same_queries_for_many_donors(world, desk, django_assert_max_num_queries):  # noqa: F811
    api = Api(world.frank)
    with django_assert_max_num_queries(6) as few:
        assert api.get().json()["count"] == 1
    for i in range(8):
        donor_register(actor=world.frank, unit=world.branch_a_sub, full_name=f"Donatur {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get().json()["count"] == 9


@pytest.mark.parametrize("path", ["", "/1", "/1/identifiers"])
def test_no_token_is_unauthenticated(world, path):
    response = Client().get(URL + path)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
