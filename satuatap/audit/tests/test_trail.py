"""The audit trail as a person reads it: field labels and choice names in the reader's language,
rupiah, dates and percentages formatted, related objects by name, identifiers masked; and the trail
filtered by date range, user and object kind, in the page and in its export, within the user's subtree."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import translation

from satuatap.audit.display import change_rows, with_change_rows
from satuatap.audit.models import AuditAction, AuditEvent
from satuatap.audit.services import audit_record
from satuatap.collection.models import Receipt
from satuatap.distribution.models import Disbursement, Loan
from satuatap.donors.models import Donor
from satuatap.ledger.models import AmilRate
from satuatap.organizations.models import Membership, Unit
from tests.factories import UserFactory, grant
from tests.scoping import response_text

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def event_on(model, changes: dict) -> AuditEvent:
    return AuditEvent(target_type=ContentType.objects.get_for_model(model), target_id="1", changes=changes)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_voided_receipt_reads_with_the_status_names(english):
    rows = change_rows(event_on(Receipt, {"status": ["recorded", "void"]}))
    assert rows == [("Status", "Recorded", "Void")]


def test_money_reads_in_rupiah_by_the_field_and_by_the_name_of_a_derived_value(english):
    assert change_rows(event_on(Disbursement, {"amount": [None, 300000]})) == [("Amount", "—", "Rp300.000")]
    # A loan has no field "amount": the repayment recorded with it is money all the same.
    assert change_rows(event_on(Loan, {"repaid": [0, 50000], "amount": [None, 50000]})) == [
        ("Repaid", "Rp0", "Rp50.000"),
        ("Amount", "—", "Rp50.000"),
    ]


def test_dates_rates_and_yes_no_read_in_the_readers_language():
    with translation.override("id"):
        assert change_rows(event_on(Donor, {"birth_date": ["1980-01-02", "1980-02-01"]}))[0][1:] == (
            "2 Januari 1980",
            "1 Februari 1980",
        )
        assert change_rows(event_on(AmilRate, {"basis_points": [1000, 1250]}))[0][1:] == ("10%", "12,5%")
    with translation.override("en"):
        assert change_rows(event_on(AmilRate, {"basis_points": [1000, 1250]}))[0][1:] == ("10%", "12.5%")
        assert change_rows(event_on(Donor, {"birth_date": [None, "1980-01-02"]}))[0][2] == "2 January 1980"


def test_identifiers_stay_masked_even_if_written_in_full(english):
    rows = change_rows(event_on(Donor, {"nik": ["************0001", "3174010101800002"], "npwp": [None, "••1234"]}))
    assert rows[0] == ("NIK", "************0001", "3174********0002")
    assert rows[1][2] == "••1234"
    assert all("317401010180" not in value for row in rows for value in row)


def test_a_related_object_reads_by_its_name_not_its_number(world, english):
    grant_event = audit_record(
        actor=world.alice,
        action=AuditAction.MEMBERSHIP_GRANTED,
        target=world.memberships.frank,
        unit=world.branch_a,
        changes={"unit": [None, world.branch_a.pk], "role": [None, "front_office"]},
    )
    [event] = with_change_rows([grant_event])
    assert event.change_rows() == [("Unit", "—", str(world.branch_a)), ("Role", "—", "Front office")]


def test_an_unknown_key_is_shown_plainly(english):
    assert change_rows(event_on(Unit, {"kinds": [None, ["cash", "goods"]]})) == [("Kinds", "—", "cash, goods")]


# --- the page and its export ----------------------------------------------------------------------------


def auditor_client(user, language="en"):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


@pytest.fixture
def trail(world):
    """Events at branch A by alice and frank on two days and two kinds of object; one at branch B."""
    membership = Membership.objects.get(user=world.frank)
    moments = {
        "old": datetime(2026, 3, 1, 10, 0, tzinfo=JAKARTA),
        "new": datetime(2026, 3, 20, 23, 30, tzinfo=JAKARTA),  # 16.30 UTC: still the 20th in Jakarta
    }
    made = {}
    for key, actor, action, target, when in [
        ("unit_old", world.alice, AuditAction.UNIT_UPDATED, world.branch_a, "old"),
        ("unit_new", world.alice, AuditAction.UNIT_UPDATED, world.branch_a, "new"),
        ("grant_new", world.frank, AuditAction.MEMBERSHIP_GRANTED, membership, "new"),
        ("secret", world.bob, AuditAction.UNIT_UPDATED, world.branch_b, "new"),
    ]:
        unit = world.branch_b if key == "secret" else world.branch_a
        event = audit_record(
            actor=actor, action=action, target=target, unit=unit, changes={"name": ["Lama", f"Baru {key}"]}
        )
        AuditEvent.objects.filter(pk=event.pk).update(at=moments[when])
        made[key] = event
    return made


def shown(response) -> set[str]:
    text = response_text(response).decode()
    return {key for key in ("unit_old", "unit_new", "grant_new", "secret") if f"Baru {key}" in text}


def test_the_trail_filters_by_date_range_user_and_object_kind(world, trail):
    client = auditor_client(world.audrey)
    assert shown(client.get("/audit/")) == {"unit_old", "unit_new", "grant_new"}
    assert shown(client.get("/audit/?start=2026-03-20&end=2026-03-20")) == {"unit_new", "grant_new"}
    assert shown(client.get("/audit/?end=2026-03-19")) == {"unit_old"}
    assert shown(client.get(f"/audit/?actor={world.frank.pk}")) == {"grant_new"}
    unit_type = ContentType.objects.get_for_model(Unit)
    assert shown(client.get(f"/audit/?kind={unit_type.pk}&start=2026-03-02")) == {"unit_new"}
    # Someone outside the subtree is not offered as a filter, and choosing them shows nothing of theirs.
    page = client.get("/audit/").content.decode()
    assert str(world.frank) in page and str(world.bob) not in page
    assert shown(client.get(f"/audit/?actor={world.bob.pk}")) == set()


def test_the_export_keeps_the_filters_and_reads_like_the_page(world, trail):
    client = auditor_client(world.audrey)
    response = client.get(f"/audit/?format=csv&actor={world.alice.pk}&start=2026-03-20")
    text = response_text(response).decode()
    assert shown(response) == {"unit_new"}
    assert "Name: Lama → Baru unit_new" in text
    page = client.get(f"/audit/?actor={world.alice.pk}&start=2026-03-20").content.decode()
    assert f"actor={world.alice.pk}" in page and "start=2026-03-20" in page  # export links and pages keep them


def test_a_bad_filter_is_said_and_not_applied(world, trail):
    response = auditor_client(world.audrey).get("/audit/?start=20-03-2026")
    assert response.status_code == 200
    assert shown(response) == {"unit_old", "unit_new", "grant_new"}
    assert response.context["filters"].errors


def test_the_trail_page_reads_a_bounded_number_of_queries(world, trail, django_assert_max_num_queries):
    client = auditor_client(world.audrey)
    client.get("/audit/")  # warm the session and the content types
    clerks = []
    for n in range(30):
        user = UserFactory(username=f"clerk{n}")
        clerks.append(user)
        grant(user, world.branch_a, "front_office")
        audit_record(
            actor=user,
            action=AuditAction.MEMBERSHIP_GRANTED,
            target=Membership.objects.get(user=user),
            unit=world.branch_a,
            changes={"unit": [None, world.branch_a.pk], "user": [None, user.pk], "role": [None, "front_office"]},
        )
    with django_assert_max_num_queries(20):
        response = client.get("/audit/")
    assert response.status_code == 200 and str(clerks[-1]) in response.content.decode()


def test_one_units_history_filters_its_events_by_date_and_user(world, trail):
    client = auditor_client(world.audrey)
    url = f"/units/{world.branch_a.pk}/history/"
    assert shown(client.get(url)) == {"unit_old", "unit_new"}
    assert shown(client.get(f"{url}?start=2026-03-02")) == {"unit_new"}
    assert shown(client.get(f"{url}?actor={world.frank.pk}")) == set()
    assert 'data-testid="audit-filters"' in client.get(url).content.decode()


def test_a_key_told_about_a_related_record_reads_with_that_records_field(english):
    from satuatap.distribution.models import StockItem

    rows = change_rows(
        event_on(StockItem, {"kind": [None, "purchase"], "fund": [None, "zakat"], "quantity": [None, "2.50"],
                             "value": [None, 1500000], "active": [True, False]})
    )  # fmt: skip
    labels = {label: new for label, _old, new in rows}
    assert labels["Fund"] == "Zakat" and labels["Value (Rp)"] == "Rp1.500.000"
    assert "purchase" not in labels.values() and labels["Quantity"] == "2.5"
    assert rows[-1][1:] == ("yes", "no")


def test_an_authority_limit_reads_with_the_roles_name_and_the_amount_in_rupiah(english):
    # The service keeps a limit's change under the role's key: {"head": [None, 10000000]}.
    event = event_on(Unit, {"head": [None, 10_000_000], "finance": [5_000_000, None]})
    event.action = AuditAction.AUTHORITY_LIMIT_SET
    assert change_rows(event) == [("Office head", "—", "Rp10.000.000"), ("Finance", "Rp5.000.000", "—")]
    # The same key on another event is not a role.
    assert change_rows(event_on(Unit, {"head": [None, 3]})) == [("Head", "—", "3")]
