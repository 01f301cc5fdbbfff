"""Donations over the REST API: scoped reads, idempotent recording, errors in the caller's language.

Personas from ``world`` and ``desk``: frank = front office of branch A, fiona = finance of
branch A, felix = finance of branch B, evan = front office of BETA, alice = admin of branch A,
audrey = auditor of branch A, bob = admin of branch B, eve = admin of BETA, nina = no role.
"""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from satuatap.api.services import api_token_create
from satuatap.collection.models import Donation, DonationLine, Receipt
from satuatap.collection.services import donation_void
from satuatap.collection.tests.conftest import DAY, give
from satuatap.donors.services import donor_register
from satuatap.organizations.models import Role
from tests.factories import grant

URL = "/api/v1/donations"


class Api:
    """A client holding one persona's token (or, for a user without a role and so without a token,
    a logged-in session); English messages unless another language is asked for."""

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

    def post(self, body, key="key-1", path=""):
        headers = dict(self.headers)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(URL + path, json.dumps(body), content_type="application/json", **headers)


def body(world, desk, **changes):
    data = {
        "unit_id": world.branch_a.pk,
        "donor_id": desk.donor.pk,
        "donation_date": DAY.isoformat(),
        "channel": "cash",
        "lines": [{"kind": "zakat_maal", "amount": 1_250_000}, {"kind": "infak", "amount": 50_000}],
    }
    data.update(changes)
    return data


def error_of(response, status):
    assert response.status_code == status, response.content
    payload = response.json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message", "fields"}
    return payload["error"]


def test_recording_answers_201_with_lines_and_receipt_number(world, desk):
    response = Api(world.frank).post(body(world, desk))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["total"] == 1_300_000 and data["receipt_number"] == "BRA-2026-000001"
    assert [(li["kind"], li["fund_kind"], li["amount"]) for li in data["lines"]] == [
        ("zakat_maal", "zakat", 1_250_000),
        ("infak", "infak", 50_000),
    ]
    assert data["replayed"] is False and "Idempotent-Replayed" not in response
    assert data["collector"] == "frank" and data["donor_number"] == desk.donor.number


def test_same_key_and_body_answers_the_first_donation_again(world, desk):
    api = Api(world.frank)
    first = api.post(body(world, desk), key="tap-twice")
    again = api.post(body(world, desk), key="tap-twice")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json()["replayed"] is True
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["receipt_number"] == first.json()["receipt_number"]
    assert Donation.objects.count() == 1 and Receipt.objects.count() == 1


def test_same_key_with_another_body_is_a_conflict_and_records_nothing(world, desk):
    api = Api(world.frank)
    api.post(body(world, desk), key="k")
    other = body(world, desk, lines=[{"kind": "infak", "amount": 99_000}])
    error = error_of(api.post(other, key="k"), 409)
    assert error["code"] == "conflict"
    assert "already used for a different donation" in error["message"]
    assert Donation.objects.count() == 1


def test_keys_belong_to_their_user(world, desk):
    first = Api(world.frank).post(body(world, desk), key="shared")
    second = Api(desk.fiona).post(body(world, desk), key="shared")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


def test_the_idempotency_key_header_is_required(world, desk):
    api = Api(world.frank)
    error = error_of(api.post(body(world, desk), key=None), 422)
    assert error["fields"] == {"Idempotency-Key": ["This field is required."]}
    assert "Idempotency-Key" in error_of(api.post(body(world, desk), key="   "), 422)["fields"]
    assert "Idempotency-Key" in error_of(api.post(body(world, desk), key="x" * 101), 422)["fields"]
    assert not Donation.objects.exists()


def test_bad_amounts_dates_and_kinds_are_explained_per_field(world, desk):
    api = Api(world.frank)
    zero = error_of(api.post(body(world, desk, lines=[{"kind": "infak", "amount": 0}])), 400)
    assert zero["code"] == "refused"
    assert zero["fields"] == {"lines": ["Line 1: the amount must be more than zero."]}
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert "donation_date" in error_of(api.post(body(world, desk, donation_date=future), key="f"), 400)["fields"]
    unknown = error_of(api.post(body(world, desk, lines=[{"kind": "emas", "amount": 5}]), key="u"), 400)
    assert "Line 1" in unknown["fields"]["lines"][0]
    bank = error_of(api.post(body(world, desk, channel="bank_transfer"), key="b"), 400)
    assert set(bank["fields"]) == {"bank_account_id"}
    fraction = error_of(api.post(body(world, desk, lines=[{"kind": "infak", "amount": 10.5}]), key="d"), 422)
    assert fraction["fields"] == {"lines.0.amount": ["Enter a whole number."]}
    empty = error_of(api.post(body(world, desk, lines=[]), key="e"), 422)
    assert empty["fields"] == {"lines": ["Too few items: at least 1."]}
    channel = error_of(api.post(body(world, desk, channel="crypto"), key="c"), 422)
    assert channel["fields"]["channel"][0].startswith("Choose one of:")
    date_error = error_of(api.post(body(world, desk, donation_date="10/03/2026"), key="g"), 422)
    assert date_error["fields"] == {"donation_date": ["Enter a date as YYYY-MM-DD."]}
    assert not Donation.objects.exists()


def test_messages_are_indonesian_unless_english_is_asked_for(world, desk):
    response = Api(world.frank, language=None).post(body(world, desk, lines=[]), key="id")
    assert response.status_code == 422 and response["Content-Language"] == "id"
    english = Api(world.frank, language="en").post(body(world, desk, lines=[]), key="en")
    assert english["Content-Language"] == "en"


def test_a_donor_registered_at_another_branch_may_give_here(world, desk):
    budi = donor_register(actor=desk.felix, unit=world.branch_b, full_name="Budi Bakung")
    response = Api(world.frank).post(body(world, desk, donor_id=budi.pk))
    assert response.status_code == 201 and response.json()["donor_id"] == budi.pk


def test_outsiders_cannot_record_or_read(world, desk):
    donation = give(world.branch_a, desk.donor, world.frank)
    for user in (world.alice, world.audrey, world.nina, world.eve):
        error = error_of(Api(user).post(body(world, desk), key=f"no-{user.pk}"), 403)
        assert error["code"] == "forbidden"
    # A front office of another institution: neither the unit nor the donor exist for her.
    assert Api(desk.evan).post(body(world, desk), key="x").status_code == 404
    evan_unit = body(world, desk, unit_id=world.beta_branch.pk)
    assert Api(desk.evan).post(evan_unit, key="y").status_code == 404  # ALPHA's donor
    # Finance of branch B cannot record at branch A.
    assert Api(desk.felix).post(body(world, desk), key="z").status_code == 404
    assert Donation.objects.count() == 1
    for user in (world.bob, world.eve, desk.felix, desk.evan, world.nina):
        assert error_of(Api(user).get(f"/{donation.pk}"), 404)["code"] == "not_found"
        assert Api(user).get().json()["count"] == 0
    assert Api(world.audrey).get(f"/{donation.pk}").status_code == 200
    assert Client().get(f"{URL}/{donation.pk}").status_code == 401


def test_detail_shows_lines_receipt_and_void(world, desk):
    donation = give(world.branch_a, desk.donor, world.frank, ("zakat_maal", 300_000), ("fidyah", 45_000))
    donation_void(actor=desk.fiona, donation=donation, reason="Salah donatur")
    data = Api(world.audrey).get(f"/{donation.pk}").json()
    assert data["status"] == "void" and data["void_reason"] == "Salah donatur"
    assert data["receipt_number"] == donation.receipt.number
    assert [li["kind"] for li in data["lines"]] == ["zakat_maal", "fidyah"]
    assert data["entry_id"] == donation.entry_id and data["void_entry_id"]


def test_list_filters_by_unit_dates_donor_and_status(world, desk):
    siti = donor_register(actor=world.frank, unit=world.branch_a, full_name="Siti Aminah")
    a = give(world.branch_a, desk.donor, world.frank, day=date(2026, 3, 1))
    sub = give(world.branch_a_sub, siti, world.frank, day=date(2026, 3, 5))
    void = give(world.branch_a, siti, world.frank, day=date(2026, 3, 9))
    donation_void(actor=desk.fiona, donation=void, reason="Batal")
    give(world.branch_b, desk.donor, desk.felix)
    api = Api(world.frank)

    def ids(**query):
        return [row["id"] for row in api.get(**query).json()["items"]]

    assert ids() == [void.pk, sub.pk, a.pk]
    assert ids(unit_id=world.branch_a_sub.pk) == [sub.pk]
    assert ids(date_from="2026-03-02", date_to="2026-03-06") == [sub.pk]
    assert ids(donor_id=siti.pk) == [void.pk, sub.pk]
    assert ids(status="void") == [void.pk]
    assert ids(status="recorded", donor_id=desk.donor.pk) == [a.pk]
    assert api.get(unit_id=world.branch_b.pk).status_code == 404
    assert error_of(api.get(date_from="kemarin"), 422)["fields"] == {"date_from": ["Enter a date as YYYY-MM-DD."]}


def test_list_costs_the_same_queries_for_many_donations(world, desk, django_assert_max_num_queries):
    api = Api(world.frank)
    give(world.branch_a, desk.donor, world.frank)
    with django_assert_max_num_queries(6) as few:
        assert api.get().json()["count"] == 1
    for _ in range(8):
        give(world.branch_a_sub, desk.donor, world.frank)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get().json()["count"] == 9


@pytest.mark.parametrize("path", ["", "/1"])
def test_no_token_is_unauthenticated(world, path):
    response = Client().get(URL + path)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_a_key_used_in_one_institution_is_a_conflict_in_another(world, desk):
    """Keys are the user's across institutions: frank, who also works at BETA, reuses one there."""
    grant(world.frank, world.beta_branch, Role.FRONT_OFFICE)
    api = Api(world.frank)
    first = api.post(body(world, desk), key="one-key")
    assert first.status_code == 201, first.content
    elsewhere = body(
        world,
        desk,
        unit_id=world.beta_branch.pk,
        donor_id=desk.secret_donor.pk,
        lines=[{"kind": "infak", "amount": 99_000}],
    )
    error = error_of(api.post(elsewhere, key="one-key"), 409)
    assert error["code"] == "conflict"
    assert "already used for a different donation" in error["message"]
    assert Donation.objects.count() == 1
    # Another user's same key is no conflict, and a new key records at BETA.
    assert Api(desk.evan).post(elsewhere, key="one-key").status_code == 201
    assert api.post(elsewhere, key="another-key").status_code == 201


def goods(world, desk, quantity):
    line = {"kind": "infak", "amount": 50_000, "goods_description": "Beras", "goods_quantity": quantity}
    return body(world, desk, channel="in_kind", lines=[{**line, "goods_unit": "kg"}])


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0.001", "Line 1: give the quantity with at most two decimals."),
        ("2.125", "Line 1: give the quantity with at most two decimals."),
        ("9999999999.999", "Line 1: give the quantity with at most two decimals."),
        ("10000000000", "Line 1: the quantity is too large."),
        ("0", "Line 1: enter how many (more than zero)."),
    ],
)
def test_a_goods_quantity_the_column_cannot_hold_exactly_is_refused(world, desk, quantity, message):
    error = error_of(Api(world.frank).post(goods(world, desk, quantity)), 400)
    assert error["fields"] == {"lines": [message]}
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "saved"), [("2.50", "2.50"), ("1.500", "1.50"), ("9999999999.99", "9999999999.99")]
)
def test_a_goods_quantity_of_two_decimals_is_saved_as_given(world, desk, quantity, saved):
    response = Api(world.frank).post(goods(world, desk, quantity))
    assert response.status_code == 201, response.content
    assert DonationLine.objects.get().goods_quantity == Decimal(saved)


@pytest.mark.parametrize("field", ["campaign_id", "bank_account_id"])
def test_an_id_beyond_the_databases_integers_is_a_field_error(world, desk, field):
    if field == "campaign_id":
        data = body(world, desk, lines=[{"kind": "infak", "amount": 1_000, "campaign_id": 2**63}])
    else:
        data = body(world, desk, channel="bank_transfer", bank_account_id=2**63)
    error = error_of(Api(world.frank).post(data), 422)
    assert len(error["fields"]) == 1 and field in next(iter(error["fields"]))
    assert not Donation.objects.exists()


def _plan(sql: str) -> str:
    """The database's plan for ``sql``, as text."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # On a table this small a scan is cheapest; forbid it so only a usable index avoids one.
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(prefix + sql)
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())


@pytest.mark.parametrize("replay", [False, True])
def test_a_donation_looks_its_key_up_once_through_an_index(world, desk, replay):
    """One look-up answers both "replayed here?" and "used in another institution?", on the key's index:
    never a scan of every donation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = Api(world.frank)
    if replay:
        assert api.post(body(world, desk), key="indexed").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert api.post(body(world, desk), key="indexed").status_code == (200 if replay else 201)
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and '"collection_donation"."idempotency_key" = ' in q["sql"]
    ]
    assert len(lookups) == 1, lookups
    plan = _plan(lookups[0])
    if connection.vendor == "sqlite":
        assert "SCAN collection_donation" not in plan and "USING INDEX" in plan, plan
    else:
        # PostgreSQL may also walk a whole index whose first column is another: the index used must
        # lead with the key, so the look-up seeks it.
        assert "Seq Scan on collection_donation" not in plan, plan
        index = re.search(r"Index (?:Only )?Scan using (\w+) on collection_donation", plan)
        assert index, plan
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE c.relname = %s",
                [index.group(1)],
            )
            assert cursor.fetchone()[0] == "idempotency_key", plan
