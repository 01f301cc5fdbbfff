"""Distribution over the REST API: programs, the application workflow, payments, scope and errors.

Personas from ``world``, ``registry`` and ``books``: frank = front office of branch A, paula =
program officer of branch A, hank = head of branch A (approves up to Rp5.000.000), rita = head of
region R1 (up to Rp50.000.000), fiona = finance of branch A, audrey = auditor of branch A, bob =
admin of branch B, bella = program officer of branch B, eve = admin of BETA.
"""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from satuatap.api.services import api_token_create
from satuatap.beneficiaries.tests.conftest import NIK_SITI
from satuatap.distribution import services
from satuatap.distribution.models import Application, AppStatus, Disbursement, Program
from satuatap.distribution.tests.conftest import apply_and_recommend
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account, JournalEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

URL = "/api/v1/distribution"


class Api:
    """A client holding one persona's token; English messages."""

    def __init__(self, user):
        self.client = Client()
        self.headers = {
            "HTTP_ACCEPT_LANGUAGE": "en",
            "HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, name="test")[1],
        }

    def get(self, path, **query):
        return self.client.get(URL + path, query, **self.headers)

    def post(self, path, data):
        return self.client.post(URL + path, json.dumps(data), content_type="application/json", **self.headers)

    def patch(self, path, data):
        return self.client.patch(URL + path, json.dumps(data), content_type="application/json", **self.headers)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def error_of(response, status):
    assert response.status_code == status, response.content
    payload = response.json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message", "fields"}
    return payload["error"]


def items(response):
    return ok(response)["items"]


def program_body(books, **changes):
    return {
        "code": "beasiswa",
        "name": "Beasiswa dhuafa",
        "pillar": "education",
        "fund_kind": "zakat",
        "asnaf": ["fakir", "miskin"],
        "budget": 50_000_000,
        "start_date": books.program.start_date.isoformat(),
        "end_date": books.program.end_date.isoformat(),
        **changes,
    }


@pytest.fixture
def secret_app(world, books):
    """A branch-B program and application (SECRET everywhere) that branch A must never reach."""
    program = services.program_save(
        actor=world.bob,
        unit=world.branch_b,
        code="secret-aid",
        name="SECRET Bakung program",
        pillar="social_dawah",
        fund_kind="infak",
        budget=1_000_000,
        start_date=books.program.start_date,
        end_date=books.program.end_date,
    )
    return services.application_submit(
        actor=books.registry.bella,
        unit=world.branch_b,
        program=program,
        beneficiary=books.registry.secret,
        need="SECRET need",
        requested_amount=100_000,
    )


def test_programs_are_listed_in_scope_with_filters(world, books, secret_app):
    paula = Api(books.registry.paula)
    listed = items(paula.get("/programs"))
    assert [p["name"] for p in listed] == ["Santunan sembako"]
    assert listed[0]["asnaf"] == ["fakir", "miskin"] and listed[0]["unit_name"] == "Cabang Anggrek"
    assert b"SECRET" not in paula.get("/programs").content
    assert items(paula.get("/programs", fund_kind="infak")) == []
    assert items(paula.get("/programs", active="false")) == []
    assert len(items(paula.get("/programs", unit_id=world.branch_a.pk, fund_kind="zakat", active="true"))) == 1
    assert error_of(paula.get("/programs", unit_id=world.branch_b.pk), 404)["code"] == "not_found"
    assert error_of(paula.get("/programs", fund_kind="nothing"), 422)["fields"]["fund_kind"]
    assert ok(paula.get(f"/programs/{books.program.pk}"))["once_per_months"] == 6
    assert [p["name"] for p in items(Api(world.bob).get("/programs"))] == ["SECRET Bakung program"]
    # The region's head sees the programs of every unit below the region.
    assert len(items(Api(books.rita).get("/programs"))) == 2


def test_head_creates_and_changes_a_program_others_may_not(world, books):
    hank = Api(books.hank)
    created = ok(hank.post("/programs", program_body(books, min_score=40)), 201)
    assert created["unit_id"] == world.branch_a.pk and created["min_score"] == 40 and created["fund_kind"] == "zakat"
    program = Program.objects.get(pk=created["id"])
    assert program.created_by == books.hank
    refused = error_of(hank.post("/programs", program_body(books, code="lain", asnaf=[])), 400)
    assert "names the asnaf" in refused["message"] and refused["fields"]["asnaf"]
    assert "already has this code" in error_of(hank.post("/programs", program_body(books)), 400)["message"]
    bad_period = program_body(books, code="x", start_date="2026-05-01", end_date="2026-04-01")
    assert error_of(hank.post("/programs", bad_period), 400)["fields"]["end_date"]
    assert error_of(hank.post("/programs", program_body(books, budget="lots")), 422)["fields"]["budget"]
    assert error_of(Api(world.frank).post("/programs", program_body(books, code="frank")), 403)["code"] == "forbidden"
    assert error_of(hank.post("/programs", program_body(books, code="b", unit_id=world.branch_b.pk)), 404)

    changed = ok(hank.patch(f"/programs/{program.pk}", {"budget": 60_000_000, "min_score": None, "name": None}))
    assert changed["budget"] == 60_000_000 and changed["min_score"] is None and changed["name"] == "Beasiswa dhuafa"
    error_of(Api(world.frank).patch(f"/programs/{program.pk}", {"budget": 1}), 403)
    error_of(hank.patch(f"/programs/{program.pk}", {"fund_kind": "amil"}), 400)
    program.refresh_from_db()
    assert program.budget == 60_000_000 and program.fund_kind == "zakat"


def test_the_whole_way_from_application_to_payment(world, books):
    submitted = ok(
        Api(world.frank).post(
            "/applications",
            {
                "program_id": books.program.pk,
                "beneficiary_id": books.siti.pk,
                "need": "Kebutuhan pangan",
                "requested_amount": 750_000,
            },
        ),
        201,
    )
    assert submitted["status"] == "submitted" and submitted["unit_id"] == world.branch_a.pk
    assert submitted["beneficiary"] == {
        "id": books.siti.pk,
        "number": books.siti.number,
        "full_name": "Hj. Siti Aminah",
        "nik_masked": "3318••••••••0003",
    }
    path = f"/applications/{submitted['id']}"
    paula = Api(books.registry.paula)
    assert ok(paula.post(path + "/screen", {"note": "lengkap"}))["status"] == "screened"
    assessed = ok(paula.post(path + "/assess", {}))
    assert assessed["status"] == "assessed" and assessed["need_score"] is not None
    recommended = ok(paula.post(path + "/recommend", {"amount": 700_000, "note": "layak"}))
    assert recommended["recommended_amount"] == 700_000 and recommended["above_my_limit"] is True
    assert ok(Api(books.hank).get(path))["above_my_limit"] is False
    approved = ok(Api(books.hank).post(path + "/decide", {"approve": True}))
    assert approved["status"] == "approved" and approved["approved_amount"] == 700_000

    paid = ok(
        Api(books.fiona).post(
            path + "/pay", {"amount": 700_000, "money_account_id": books.cash.pk, "reference": "TRF-1"}
        ),
        201,
    )
    disbursement = Disbursement.objects.get()
    assert paid["id"] == disbursement.pk and paid["entry_id"] == disbursement.entry_id
    assert JournalEntry.objects.filter(pk=paid["entry_id"]).exists()
    assert paid["application_status"] == "disbursed" and paid["beneficiary"]["full_name"] == "Hj. Siti Aminah"
    detail = ok(Api(books.hank).get(path))
    assert [s["to_status"] for s in detail["steps"]] == [
        "submitted", "screened", "assessed", "recommended", "approved", "disbursed",
    ]  # fmt: skip
    assert detail["steps"][1]["actor"] == "paula" and detail["left_to_pay"] == 0
    for response in (Api(world.frank).get(path), Api(world.frank).get("/applications"), paula.get("/disbursements")):
        assert response.status_code == 200 and NIK_SITI.encode() not in response.content
    assert [d["amount"] for d in items(Api(books.fiona).get("/disbursements"))] == [700_000]
    assert items(Api(books.fiona).get("/disbursements", application_id=submitted["id"] + 1)) == []
    # A program run by the region is open to applications taken at the branches below it.
    regional = services.program_save(
        actor=books.rita, unit=world.region, code="wilayah", name="Program wilayah", pillar="health",
        fund_kind="infak", budget=1_000_000, start_date=books.program.start_date, end_date=books.program.end_date,
    )  # fmt: skip
    taken = {"program_id": regional.pk, "beneficiary_id": books.siti.pk, "need": "Berobat", "requested_amount": 1}
    assert ok(Api(world.frank).post("/applications", taken), 201)["program"]["code"] == "wilayah"


def test_application_list_filters(world, books):
    late = apply_and_recommend(world, books, 500_000)
    Application.objects.filter(pk=late.pk).update(due_on="2020-01-01")
    fresh = services.application_submit(
        actor=world.frank, unit=world.branch_a, program=books.program, beneficiary=books.siti,
        need="Biaya sekolah", requested_amount=200_000,
    )  # fmt: skip
    frank = Api(world.frank)

    def ids(**query):
        return [a["id"] for a in items(frank.get("/applications", **query))]

    assert ids() == [fresh.pk, late.pk]
    assert ids(status="recommended") == [late.pk]
    assert ids(overdue="true") == [late.pk] and ids(overdue="false") == [fresh.pk]
    assert items(frank.get("/applications", overdue="true"))[0]["overdue"] is True
    assert ids(program_id=books.program.pk, unit_id=world.branch_a.pk) == [fresh.pk, late.pk]
    assert ids(program_id=books.program.pk + 1000) == []
    assert error_of(frank.get("/applications", status="lost"), 422)["fields"]["status"]
    assert error_of(frank.get("/applications", unit_id=world.branch_b.pk), 404)


def test_detail_says_who_may_approve_what_is_not_eligible_and_the_fair_share_warnings(world, books):
    big = apply_and_recommend(world, books, 8_000_000)
    detail = ok(Api(books.hank).get(f"/applications/{big.pk}"))
    assert detail["approval_limit"] == 5_000_000 and detail["above_my_limit"] is True
    assert detail["approver_unit"] == {"id": world.region.pk, "code": world.region.code, "name": "Wilayah Satu"}
    assert detail["eligibility_problems"] == [] and detail["fair_share_warnings"] == []
    assert ok(Api(books.rita).get(f"/applications/{big.pk}"))["approver_unit"] is None

    first = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 300_000), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=first, amount=300_000, money_account=books.cash)
    books.siti.asnaf = "gharimin"
    books.siti.save(update_fields=["asnaf"])
    detail = ok(Api(books.hank).get(f"/applications/{big.pk}"))
    assert "once in 6 months" in detail["fair_share_warnings"][0]
    assert "goes only to" in detail["eligibility_problems"][0]


def test_refusals_are_clear_4xx_and_nothing_is_half_saved(world, books):
    hank, paula, fiona = Api(books.hank), Api(books.registry.paula), Api(books.fiona)
    entries = JournalEntry.objects.count()

    # Approving one's own recommendation, and above one's authority limit: 403 with the reason.
    own = apply_and_recommend(world, books, 1_000_000)
    assert "another person" in error_of(paula.post(f"/applications/{own.pk}/decide", {"approve": True}), 403)["message"]
    big = apply_and_recommend(world, books, 8_000_000)
    above = error_of(hank.post(f"/applications/{big.pk}/decide", {"approve": True}), 403)
    assert "above your authority limit" in above["message"] and "Wilayah Satu" in above["message"]
    # A rejection without a reason.
    assert error_of(hank.post(f"/applications/{own.pk}/decide", {"approve": False}), 400)["fields"]["note"]
    # A fund without the balance (the infak fund holds Rp3.000.000).
    infak = services.program_save(
        actor=world.carol, unit=world.branch_a, code="modal", name="Modal usaha", pillar="economy", fund_kind="infak",
        budget=10_000_000, start_date=books.program.start_date, end_date=books.program.end_date,
    )  # fmt: skip
    poor = apply_and_recommend(world, books, 4_000_000, program=infak)
    assert "available" in error_of(hank.post(f"/applications/{poor.pk}/decide", {"approve": True}), 400)["message"]
    # Zakat to a person outside the program's asnaf.
    books.siti.asnaf = "gharimin"
    books.siti.save(update_fields=["asnaf"])
    assert "goes only to" in error_of(hank.post(f"/applications/{own.pk}/decide", {"approve": True}), 400)["message"]
    assert set(Application.objects.values_list("status", flat=True)) == {AppStatus.RECOMMENDED}
    assert Application.objects.filter(approved_amount__isnull=False).count() == 0
    books.siti.asnaf = "fakir"
    books.siti.save(update_fields=["asnaf"])

    # Paying more than approved, from a foreign account, in the future, or in the wrong role.
    ok(hank.post(f"/applications/{own.pk}/decide", {"approve": True, "amount": 600_000}))
    pay = f"/applications/{own.pk}/pay"
    more = error_of(fiona.post(pay, {"amount": 600_001, "money_account_id": books.cash.pk}), 400)
    assert "left to pay" in more["message"] and more["fields"]["amount"]
    b_cash = Account.objects.get(system_key=cash_key(world.branch_b.pk))
    assert error_of(fiona.post(pay, {"amount": 1, "money_account_id": b_cash.pk}), 400)["fields"]["money_account_id"]
    assert error_of(fiona.post(pay, {"amount": 1, "money_account_id": 987654321}), 400)["fields"]["money_account_id"]
    future = error_of(fiona.post(pay, {"amount": 1, "money_account_id": books.cash.pk, "paid_on": "2999-01-01"}), 400)
    assert future["fields"]["paid_on"]
    assert error_of(hank.post(pay, {"amount": 1, "money_account_id": books.cash.pk}), 403)["code"] == "forbidden"
    assert error_of(fiona.post(pay, {"amount": "x", "money_account_id": books.cash.pk}), 422)["fields"]["amount"]
    own.refresh_from_db()
    assert own.status == AppStatus.APPROVED and own.paid_amount == 0 and not Disbursement.objects.exists()
    assert JournalEntry.objects.count() == entries

    # A step out of turn, a bad submission.
    assert "not possible now" in error_of(paula.post(f"/applications/{own.pk}/screen", {}), 400)["message"]
    frank = Api(world.frank)
    body = {"program_id": books.program.pk, "beneficiary_id": books.siti.pk, "need": " ", "requested_amount": 0}
    # Both bad fields in one answer (issue 14 item 4), not the need first and the amount on the next try.
    assert error_of(frank.post("/applications", body), 400)["fields"] == {
        "need": ["Describe the need."],
        "requested_amount": ["Enter a positive amount in whole rupiah."],
    }
    refused = error_of(frank.post("/applications", {**body, "need": "x"}), 400)
    assert refused["message"] == "Enter a positive amount in whole rupiah." and refused["fields"]["requested_amount"]
    assert error_of(frank.post("/applications", {**body, "channel": "pigeon"}), 400)["fields"]["channel"]
    assert Application.objects.count() == 3


def test_fair_share_warning_is_a_409_until_an_override_reason_is_given(world, books):
    first = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, 500_000), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=first, amount=500_000, money_account=books.cash)
    again = apply_and_recommend(world, books, 500_000)
    hank = Api(books.hank)
    warned = error_of(hank.post(f"/applications/{again.pk}/decide", {"approve": True}), 409)
    assert warned["code"] == "fair_share_warning" and "once in 6 months" in warned["message"]
    assert warned["fields"]["override_reason"] == [warned["message"]]
    again.refresh_from_db()
    assert again.status == AppStatus.RECOMMENDED and again.approved_amount is None
    approved = ok(hank.post(f"/applications/{again.pk}/decide", {"approve": True, "override_reason": "kebakaran"}))
    assert approved["status"] == "approved" and approved["override_reason"] == "kebakaran"


def test_outsiders_get_404_or_403_and_never_see_the_data(world, books, secret_app):
    application = apply_and_recommend(world, books, 1_000_000)
    app, program = f"/applications/{application.pk}", f"/programs/{books.program.pk}"
    writes = [
        ("patch", program, {"budget": 1}),
        ("post", app + "/screen", {"note": "x"}),
        ("post", app + "/assess", {}),
        ("post", app + "/recommend", {"amount": 1}),
        ("post", app + "/decide", {"approve": True}),
        ("post", app + "/pay", {"amount": 1, "money_account_id": books.cash.pk}),
        ("post", "/programs", {**program_body(books), "unit_id": world.branch_a.pk}),
        (
            "post",
            "/applications",
            {"unit_id": world.branch_a.pk, "program_id": books.program.pk, "beneficiary_id": books.siti.pk,
             "need": "x", "requested_amount": 1},
        ),
    ]  # fmt: skip
    for user in (world.bob, world.eve, books.registry.bella):
        api = Api(user)
        for response in [api.get(app), api.get(program)] + [getattr(api, m)(p, b) for m, p, b in writes]:
            assert response.status_code in (403, 404), (user, response.content)
            assert b"Siti Aminah" not in response.content and b"sembako" not in response.content
        for path in ("/programs", "/applications", "/disbursements"):
            assert b"Siti Aminah" not in api.get(path).content and b"Sembako" not in api.get(path).content
    # The auditor reads but changes nothing: every write is 403, whatever the application's state.
    audrey = Api(world.audrey)
    assert ok(audrey.get(app))["tracking_code"] == application.tracking_code
    for method, path, body in writes:
        assert getattr(audrey, method)(path, body).status_code == 403, path
    application.refresh_from_db()
    assert application.status == AppStatus.RECOMMENDED and Application.objects.count() == 2
    # Branch A never sees branch B's SECRET program, application or person, nor may it use them.
    for user in (world.frank, books.hank, books.registry.paula):
        api = Api(user)
        for path in ("/programs", "/applications", "/disbursements", f"/applications/{secret_app.pk}",
                     f"/programs/{secret_app.program_id}"):  # fmt: skip
            assert b"SECRET" not in api.get(path).content
        assert api.get(f"/applications/{secret_app.pk}").status_code == 404
    frank = Api(world.frank)
    take = {"program_id": books.program.pk, "beneficiary_id": books.registry.secret.pk, "need": "x",
            "requested_amount": 1}  # fmt: skip
    assert error_of(frank.post("/applications", take), 404)["code"] == "not_found"
    assert error_of(frank.post("/applications", {**take, "beneficiary_id": books.siti.pk,
                                                 "program_id": secret_app.program_id}), 404)  # fmt: skip
    assert Application.objects.count() == 2


def test_no_token_is_unauthenticated(world, books):
    client = Client()
    for path in ("/programs", f"/programs/{books.program.pk}", "/applications", "/disbursements"):
        response = client.get(URL + path)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    response = client.post(URL + "/programs", json.dumps(program_body(books)), content_type="application/json")
    assert response.status_code == 401
    bad = Client().get(URL + "/applications", HTTP_AUTHORIZATION="Bearer sat_not-a-token")
    assert bad.status_code == 401


def test_lists_do_not_query_per_row(world, books):
    hank = Api(books.hank)

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert hank.get(path).status_code == 200
        return len(captured)

    apply_and_recommend(world, books, 100_000)
    hank.get("/programs")  # the token's first use is recorded once
    one = queries("/applications"), queries("/programs")
    for _ in range(2):
        application = services.application_decide(
            actor=books.hank, application=apply_and_recommend(world, books, 100_000), approve=True,
            override_reason="ok",
        )  # fmt: skip
        services.disbursement_pay(actor=books.fiona, application=application, amount=100_000, money_account=books.cash)
    services.program_save(
        actor=world.carol, unit=world.branch_a, code="modal", name="Modal", pillar="economy", fund_kind="infak",
        budget=1, start_date=books.program.start_date, end_date=books.program.end_date,
    )  # fmt: skip
    assert (queries("/applications"), queries("/programs")) == one
    first = queries("/disbursements?limit=1")
    assert queries("/disbursements") == first


def test_a_payment_the_fund_can_no_longer_cover_is_refused_whole(world, books):
    # Both approved while the zakat fund (Rp20.000.000) could pay either; the first payment drains it.
    first, second = (
        services.application_decide(
            actor=books.rita, application=apply_and_recommend(world, books, 15_000_000), approve=True
        )
        for _ in range(2)
    )
    fiona = Api(books.fiona)
    ok(fiona.post(f"/applications/{first.pk}/pay", {"amount": 15_000_000, "money_account_id": books.cash.pk}), 201)
    entries = JournalEntry.objects.count()
    refused = error_of(
        fiona.post(f"/applications/{second.pk}/pay", {"amount": 15_000_000, "money_account_id": books.cash.pk}), 400
    )
    assert "available" in refused["message"] and "Rp5.000.000" in refused["message"]
    second.refresh_from_db()
    assert second.status == AppStatus.APPROVED and second.paid_amount == 0
    assert JournalEntry.objects.count() == entries and Disbursement.objects.count() == 1


# --- new program fields, pillars, referrals ----------------------------------------------------------


def test_programs_carry_their_rules_and_a_patch_keeps_what_it_does_not_name(world, books):
    hank = Api(books.hank)
    body = program_body(books, regions=["Kabupaten Pati"], required_documents=["ktp"], is_public=True)
    created = ok(hank.post("/programs", body), 201)
    assert (created["regions"], created["required_documents"], created["is_public"]) == (["Kabupaten Pati"], ["ktp"],
                                                                                         True)  # fmt: skip
    assert created["installments"] is None and created["aid_kind"] == "cash"
    changed = ok(hank.patch(f"/programs/{created['id']}", {"budget": 1_000}))
    assert (changed["regions"], changed["required_documents"], changed["is_public"]) == (["Kabupaten Pati"], ["ktp"],
                                                                                         True)  # fmt: skip
    loan = ok(hank.post("/programs", program_body(books, code="qard", fund_kind="infak", asnaf=[], aid_kind="loan",
                                                  installments=12)), 201)  # fmt: skip
    assert loan["installments"] == 12
    refused = error_of(hank.post("/programs", program_body(books, code="q2", aid_kind="loan")), 400)
    assert refused["fields"]["installments"]
    assert error_of(hank.post("/programs", program_body(books, code="q3", required_documents=["passport"])), 400)[
        "fields"
    ]["required_documents"]


def test_pillars_are_the_institutions_own(world, books):
    pillars = ok(Api(books.registry.paula).get("/pillars"))
    assert {"code": "humanitarian", "name": "Humanitarian"} in pillars and len(pillars) == 6
    from satuatap.ledger.services import pillar_save

    pillar_save(actor=world.carol, institution=world.alpha, code="dakwah", name="Dakwah dan pemberdayaan")
    assert {"code": "dakwah", "name": "Dakwah dan pemberdayaan"} in ok(Api(books.registry.paula).get("/pillars"))
    assert "dakwah" not in [p["code"] for p in ok(Api(world.eve).get("/pillars"))]
    assert error_of(Api(books.registry.paula).get("/pillars", unit_id=world.beta.pk), 404)


def test_an_application_shows_its_referral_and_follow_up(world, books):
    application = apply_and_recommend(world, books)
    Application.objects.filter(pk=application.pk).update(
        referrer_name="Pak RT", referrer_organisation="Masjid Al-Ikhlas", referrer_phone="0812"
    )
    shown = ok(Api(books.registry.paula).get(f"/applications/{application.pk}"))
    assert (shown["referrer_name"], shown["referrer_organisation"], shown["referrer_phone"]) == (
        "Pak RT", "Masjid Al-Ikhlas", "0812",
    )  # fmt: skip
    assert shown["followed_up_on"] is None and shown["batch_id"] is None
    listed = items(Api(books.registry.paula).get("/applications"))
    assert listed[0]["referrer_name"] == "Pak RT"


# --- evidence and the last steps ---------------------------------------------------------------------


def _upload(api, application_id, **fields):
    return api.client.post(f"{URL}/applications/{application_id}/evidence", fields, **api.headers)


def _disbursed(world, books, amount=600_000):
    approved = services.application_decide(
        actor=books.hank, application=apply_and_recommend(world, books, amount), approve=True
    )
    services.disbursement_pay(actor=books.fiona, application=approved, amount=amount, money_account=books.cash)
    return Application.objects.get(pk=approved.pk)


def test_evidence_is_uploaded_listed_then_the_evidence_and_follow_up_steps(world, books):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.scoping_beneficiaries import PNG

    application = _disbursed(world, books)
    fiona, paula = Api(books.fiona), Api(books.registry.paula)
    early = error_of(paula.post(f"/applications/{application.pk}/evidence-complete", {}), 400)
    assert "at least one piece of evidence" in early["message"]
    refused = error_of(_upload(fiona, application.pk, kind="photo", file=SimpleUploadedFile("x.txt", b"hello")), 400)
    assert refused["fields"]["file"] and "another type" in refused["message"]
    assert error_of(_upload(fiona, application.pk, kind="selfie", file=SimpleUploadedFile("a.png", PNG)), 400)[
        "fields"
    ]["kind"]
    assert error_of(_upload(fiona, application.pk, kind="photo"), 400)["fields"]["file"]
    payment = Disbursement.objects.get(application=application)
    kept = ok(
        _upload(fiona, application.pk, kind="transfer_proof", disbursement_id=str(payment.pk),
                file=SimpleUploadedFile("bukti.png", PNG, content_type="image/png")),
        201,
    )  # fmt: skip
    assert (kept["kind"], kept["original_name"], kept["disbursement_id"], kept["uploaded_by"]) == (
        "transfer_proof", "bukti.png", payment.pk, "fiona",
    )  # fmt: skip
    assert [e["id"] for e in ok(paula.get(f"/applications/{application.pk}/evidence"))] == [kept["id"]]
    assert error_of(paula.post(f"/applications/{application.pk}/follow-up", {"note": "x"}), 400)  # not yet
    done = ok(paula.post(f"/applications/{application.pk}/evidence-complete", {"note": "lengkap"}))
    assert done["status"] == "evidenced" and done["steps"][-1]["note"] == "lengkap"
    assert error_of(paula.post(f"/applications/{application.pk}/follow-up", {"note": " "}), 400)["fields"]["note"]
    future = error_of(paula.post(f"/applications/{application.pk}/follow-up", {"note": "x", "on": "2999-01-01"}), 400)
    assert future["fields"]["on"]
    assert error_of(paula.post(f"/applications/{application.pk}/follow-up", {"note": "x", "on": "kemarin"}), 422)[
        "fields"
    ]["on"]
    followed = ok(paula.post(f"/applications/{application.pk}/follow-up", {"note": "Usaha berjalan"}))
    assert followed["status"] == "followed_up" and followed["followed_up_on"] and followed["due_on"] is None


def test_evidence_is_closed_to_outsiders_and_auditors_keep_none(world, books, secret_app):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.scoping_beneficiaries import PNG

    application = _disbursed(world, books)
    for user in (world.bob, world.eve):
        api = Api(user)
        assert error_of(_upload(api, application.pk, kind="photo", file=SimpleUploadedFile("a.png", PNG)), 404)
        assert error_of(api.get(f"/applications/{application.pk}/evidence"), 404)
        assert error_of(api.post(f"/applications/{application.pk}/evidence-complete", {}), 404)
        assert error_of(api.post(f"/applications/{application.pk}/follow-up", {"note": "x"}), 404)
    audrey = Api(world.audrey)
    assert ok(audrey.get(f"/applications/{application.pk}/evidence")) == []
    assert error_of(_upload(audrey, application.pk, kind="photo", file=SimpleUploadedFile("a.png", PNG)), 403)
    assert error_of(audrey.post(f"/applications/{application.pk}/evidence-complete", {}), 403)
    assert error_of(audrey.post(f"/applications/{application.pk}/follow-up", {"note": "x"}), 403)
    assert error_of(Api(world.frank).post(f"/applications/{application.pk}/follow-up", {"note": "x"}), 403)
    assert error_of(Api(books.registry.paula).get(f"/applications/{secret_app.pk}/evidence"), 404)
    from satuatap.distribution.models import Evidence

    assert not Evidence.objects.exists()


# --- batches ---------------------------------------------------------------------------------------------


@pytest.fixture
def recipients(world, books):
    from satuatap.beneficiaries import services as registry_services
    from satuatap.beneficiaries.tests.conftest import person

    paula, hana = books.registry.paula, books.registry.hana
    people = [books.siti]
    for n, asnaf in enumerate(["fakir", "miskin", "gharimin"]):
        p = person(paula, world.branch_a, f"Penerima {n}", asnaf=asnaf, asnaf_reason="survei")
        registry_services.status_change(actor=paula, beneficiary=p, to_status="assessed", reason="x")
        registry_services.status_change(actor=hana, beneficiary=p, to_status="verified", reason="x")
        people.append(p)
    return people


def _batch_body(books, people, amount=300_000, **changes):
    return {
        "program_id": books.program.pk,
        "name": "Paket Ramadan",
        "need": "Paket sembako",
        "recipients": [{"beneficiary_id": p.pk, "amount": amount} for p in people],
        **changes,
    }


def test_a_batch_is_prepared_approved_and_paid_over_the_api(world, books, recipients):
    paula, hank, fiona = Api(books.registry.paula), Api(books.hank), Api(books.fiona)
    created = ok(paula.post("/batches", _batch_body(books, recipients[:3])), 201)
    assert (created["status"], created["count"], created["total"], created["prepared_by"]) == (
        "prepared", 3, 900_000, "paula",
    )  # fmt: skip
    assert [r["beneficiary"]["id"] for r in created["recipients"]] == [p.pk for p in recipients[:3]]
    assert {r["status"] for r in created["recipients"]} == {"recommended"}
    batch_id = created["id"]
    assert [b["id"] for b in items(hank.get("/batches"))] == [batch_id]
    assert items(hank.get("/batches", status="paid")) == []
    assert items(hank.get("/batches", program_id=books.program.pk))[0]["program"]["code"] == "sembako"
    application = ok(paula.get(f"/applications/{created['recipients'][0]['application_id']}"))
    assert application["batch_id"] == batch_id
    assert error_of(paula.post(f"/batches/{batch_id}/decide", {"approve": True}), 403)  # one's own batch
    approved = ok(hank.post(f"/batches/{batch_id}/decide", {"approve": True, "note": "ok"}))
    assert approved["status"] == "approved" and approved["approved_by"] == "hank"
    assert error_of(hank.post(f"/batches/{batch_id}/decide", {"approve": True}), 400)  # not prepared any more
    assert error_of(fiona.post(f"/batches/{batch_id}/pay", {"money_account_id": 987654321}), 400)["fields"][
        "money_account_id"
    ]
    future = error_of(fiona.post(f"/batches/{batch_id}/pay", {"money_account_id": books.cash.pk,
                                                                "paid_on": "2999-01-01"}), 400)  # fmt: skip
    assert future["fields"]["paid_on"]
    paid = ok(fiona.post(f"/batches/{batch_id}/pay", {"money_account_id": books.cash.pk, "reference": "TRF-9"}))
    assert paid["status"] == "paid" and JournalEntry.objects.filter(pk=paid["entry_id"]).exists()
    assert {r["status"] for r in paid["recipients"]} == {"disbursed"}
    assert Disbursement.objects.filter(application__batch_id=batch_id, reference="TRF-9").count() == 3


def test_a_batch_refuses_bad_recipients_by_row_and_saves_nothing(world, books, recipients, secret_app):
    paula = Api(books.registry.paula)
    body = _batch_body(books, recipients)  # the fourth is gharimin: not for this zakat program
    refused = error_of(paula.post("/batches", body), 400)
    assert "Row 4" in refused["message"] and refused["fields"]["recipients"]
    unknown = _batch_body(books, recipients[:1])
    unknown["recipients"].append({"beneficiary_id": books.registry.secret.pk, "amount": 1000})
    refused = error_of(paula.post("/batches", unknown), 400)
    assert "Row 2: no person with id" in refused["message"] and b"SECRET" not in paula.post("/batches", unknown).content
    assert error_of(paula.post("/batches", _batch_body(books, recipients[:1], amount=0)), 400)["fields"]["recipients"]
    assert error_of(paula.post("/batches", _batch_body(books, recipients[:1], name=" ")), 400)["fields"]["name"]
    assert error_of(paula.post("/batches", _batch_body(books, [], amount=1)), 400)["fields"]["recipients"]
    assert error_of(paula.post("/batches", _batch_body(books, recipients[:1], amount="lots")), 422)["fields"]
    assert error_of(paula.post("/batches", {"program_id": books.program.pk}), 422)["fields"]["name"]
    from satuatap.distribution.models import Batch

    assert not Batch.objects.exists() and not Application.objects.filter(channel="batch").exists()


def test_a_batch_fair_share_warning_is_a_409_until_a_reason_is_given(world, books, recipients):
    paula, hank, fiona = Api(books.registry.paula), Api(books.hank), Api(books.fiona)
    first = ok(paula.post("/batches", _batch_body(books, recipients[:1], name="Awal")), 201)["id"]
    ok(hank.post(f"/batches/{first}/decide", {"approve": True}))
    ok(fiona.post(f"/batches/{first}/pay", {"money_account_id": books.cash.pk}))
    again = ok(paula.post("/batches", _batch_body(books, recipients[:2])), 201)["id"]
    warned = error_of(hank.post(f"/batches/{again}/decide", {"approve": True}), 409)
    assert warned["code"] == "fair_share_warning" and warned["fields"]["override_reason"]
    assert (
        ok(hank.post(f"/batches/{again}/decide", {"approve": True, "override_reason": "banjir"}))["override_reason"]
        == "banjir"
    )
    rejected = ok(paula.post("/batches", _batch_body(books, recipients[1:2], name="Tolak")), 201)["id"]
    assert error_of(hank.post(f"/batches/{rejected}/decide", {"approve": False}), 400)["fields"]["note"]
    assert ok(hank.post(f"/batches/{rejected}/decide", {"approve": False, "note": "ganda"}))["status"] == "rejected"


def test_batches_are_closed_to_outsiders_and_to_roles_without_the_step(world, books, recipients, secret_app):
    batch_id = ok(Api(books.registry.paula).post("/batches", _batch_body(books, recipients[:2])), 201)["id"]
    for user in (world.bob, world.eve):
        api = Api(user)
        assert items(api.get("/batches")) == []
        assert error_of(api.get(f"/batches/{batch_id}"), 404)
        assert error_of(api.post(f"/batches/{batch_id}/decide", {"approve": False, "note": "x"}), 404)
        assert error_of(api.post(f"/batches/{batch_id}/pay", {"money_account_id": books.cash.pk}), 404)
    assert error_of(Api(world.bob).post("/batches", _batch_body(books, recipients[:1], unit_id=world.branch_a.pk)), 404)
    # Branch B's own program is not open to branch A; branch A's people are not in branch B's registry.
    secret_body = _batch_body(books, recipients[:1], program_id=secret_app.program_id)
    assert error_of(Api(books.registry.paula).post("/batches", secret_body), 404)
    audrey, frank = Api(world.audrey), Api(world.frank)
    assert ok(audrey.get(f"/batches/{batch_id}"))["id"] == batch_id
    assert error_of(audrey.post("/batches", _batch_body(books, recipients[:1], unit_id=world.branch_a.pk)), 403)
    assert error_of(frank.post("/batches", _batch_body(books, recipients[:1])), 403)
    assert error_of(audrey.post(f"/batches/{batch_id}/decide", {"approve": False, "note": "x"}), 403)
    assert error_of(Api(books.hank).post(f"/batches/{batch_id}/pay", {"money_account_id": books.cash.pk}), 403)


def test_goods_and_loan_programs_are_refused_for_batches(world, books, recipients):
    hank, paula = Api(books.hank), Api(books.registry.paula)
    goods = ok(hank.post("/programs", program_body(books, code="beras", fund_kind="infak", asnaf=[],
                                                   aid_kind="goods")), 201)  # fmt: skip
    refused = error_of(paula.post("/batches", _batch_body(books, recipients[:1], program_id=goods["id"])), 400)
    assert "one by one" in refused["message"] and refused["fields"]["program_id"]


# --- the report --------------------------------------------------------------------------------------------


def test_the_report_has_the_pages_figures(world, books, secret_app):
    _disbursed(world, books, 600_000)
    year = JournalEntry.objects.order_by("-pk").first().entry_date.year
    report = ok(Api(books.rita).get("/report", start=f"{year}-01", end=f"{year}-12"))
    assert (report["unit"]["id"], report["start"], report["end"]) == (world.region.pk, f"{year}-01", f"{year}-12")
    assert (report["distributed"], report["payments"], report["people"], report["households"]) == (600_000, 1, 1, 1)
    zakat = next(f for f in report["funds"] if f["fund_kind"] == "zakat")
    assert (zakat["collected"], zakat["distributed"], zakat["ratio"]) == (20_000_000, 600_000, pytest.approx(0.03))
    assert report["asnaf"] == [{"key": "fakir", "label": "Fakir (destitute)", "amount": 600_000}]
    assert [(r["unit"]["name"], r["distributed"], r["is_self"]) for r in report["regions"]] == [
        ("Kabupaten Satu", 600_000, False)
    ]
    assert report["regencies"] == [{"name": "Kabupaten Pati", "distributed": 600_000, "payments": 1, "people": 1}]
    sembako = next(p for p in report["programs"] if p["program"]["code"] == "sembako")
    assert (sembako["budget"], sembako["paid"], sembako["people"]) == (100_000_000, 600_000, 1)
    assert (report["loans"], report["loans_outstanding"]) == (0, 0)
    bob = ok(Api(world.bob).get("/report"))
    assert bob["distributed"] == 0 and bob["regencies"] == [] and b"Pati" not in Api(world.bob).get("/report").content
    assert error_of(Api(world.bob).get("/report", unit_id=world.branch_a.pk), 404)
    assert error_of(Api(world.eve).get("/report", unit_id=world.region.pk), 404)
    assert error_of(Api(books.rita).get("/report", start=f"{year}-05", end=f"{year}-01"), 400)["fields"]["start"]
    assert error_of(Api(books.rita).get("/report", start="2026-13"), 422)["fields"]["start"]
