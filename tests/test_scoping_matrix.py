"""Every staff view, generated from the URL configuration: outsiders get nothing, auditors write nothing."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client

from satuatap.accounts.models import User
from satuatap.api.models import ApiToken
from satuatap.api.services import api_token_create
from satuatap.audit.models import AuditEvent
from satuatap.ledger.models import JournalEntry
from satuatap.organizations.models import Membership, Unit
from tests.scoping import LIST_VARIANTS, OBJECT_KINDS, PUBLIC, response_text, staff_views

VIEWS = staff_views()
OBJECT_VIEWS = [v for v in VIEWS if v[2] and v[1] not in PUBLIC]
LIST_VIEWS = [v for v in VIEWS if not v[2] and v[1] not in PUBLIC]
# Personal settings every role may change for themselves (not business data).
PERSONAL = {
    "api:tokens",
    "api:token_revoke",
    "accounts:password_change",
    "accounts:logout",
    "organizations:switch_unit",
    "set_language",
}


def url_for(route: str, pk) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?pk>", str(pk), route)


# Reads that write an audit event (a full NIK/NPWP shown or printed): an auditor may do them.
AUDITED_READS = {
    "donors:identifiers",
    "donors:statement",
    "beneficiaries:identifiers",
    "beneficiaries:document",
    "beneficiaries:privacy",
    "distribution:evidence",
}


def snapshot(audit: bool = True):
    """Everything a write could touch (``audit=False``: except the audit trail)."""
    from satuatap.collection.models import Campaign, Donation, FitrahRate, ReceiptPrint
    from satuatap.donors.models import Donor
    from satuatap.ledger.models import Account, AmilRate, JournalEntry, JournalLine, Period

    return (
        list(JournalEntry.objects.order_by("pk").values_list("pk", "status", "total", "memo", "updated_by")),
        JournalLine.objects.count(),
        list(Account.objects.order_by("pk").values_list("pk", "code", "name", "is_active")),
        list(Period.objects.order_by("pk").values_list("pk", "is_closed")),
        list(AmilRate.objects.order_by("pk").values_list("pk", "basis_points")),
        list(Unit.objects.order_by("pk").values_list("pk", "path", "name", "code", "kind", "is_active", "phone")),
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "unit_id", "role", "is_active")),
        list(User.objects.order_by("pk").values_list("pk", "username", "is_active")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        AuditEvent.objects.count() if audit else None,
        list(Donor.objects.order_by("pk").values_list("pk", "full_name", "phone", "merged_into")),
        list(Donation.objects.order_by("pk").values_list("pk", "status", "donor")),
        list(Campaign.objects.order_by("pk").values_list("pk", "name", "target", "code")),
        list(FitrahRate.objects.order_by("pk").values_list("pk", "amount")),
        ReceiptPrint.objects.count(),
        *_registry_snapshot(),
    )


def _registry_snapshot():
    from satuatap.beneficiaries.models import AidRecord, Assessment, Beneficiary, Consent, Document, NotDuplicate

    return (
        list(
            Beneficiary.objects.order_by("pk").values_list(
                "pk", "full_name", "status", "note", "merged_into", "erased_at"
            )
        ),
        list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_on")),
        Assessment.objects.count(),
        Document.objects.count(),
        AidRecord.objects.count(),
        NotDuplicate.objects.count(),
    )


@pytest.fixture
def books(world):
    """Both institutions keep books; branch B's and BETA's entries carry the SECRET marker."""
    from satuatap.ledger import services as ledger
    from satuatap.ledger.models import Account
    from satuatap.ledger.tests.conftest import cash_code, donate

    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    ledger.chart_create_default(actor=world.eve, institution=world.beta)
    Account.objects.filter(institution=world.beta).update(name=Concat(Value("SECRET "), "name"))
    own = donate(world.branch_a, 1_000_000)
    secret_b = donate(world.branch_b, 700_000)
    JournalEntry.objects.filter(pk=secret_b.pk).update(memo="SECRET donation at B")
    secret_beta = donate(world.beta_branch, 900_000)
    draft_a = ledger.manual_entry_draft(
        actor=_finance(world, world.branch_a),
        unit=world.branch_a,
        entry_date=own.entry_date,
        memo="koreksi",
        lines=[
            ledger.LineSpec(cash_code(world.branch_a), "zakat", debit=1000),
            ledger.LineSpec("4110", "zakat", credit=1000),
        ],
    )
    draft_b = ledger.manual_entry_draft(
        actor=_finance(world, world.branch_b),
        unit=world.branch_b,
        entry_date=own.entry_date,
        memo="SECRET draft",
        lines=[
            ledger.LineSpec(cash_code(world.branch_b), "zakat", debit=1000),
            ledger.LineSpec("4110", "zakat", credit=1000),
        ],
    )
    from satuatap.collection.services import campaign_save
    from satuatap.collection.tests.test_import_views import import_matrix_jobs
    from tests.scoping_collection import collection_matrix_ids

    gifts = collection_matrix_ids(world)
    from tests.scoping_beneficiaries import beneficiary_matrix_ids

    registry = beneficiary_matrix_ids(world)
    from tests.scoping_distribution import distribution_matrix_ids

    distribution = distribution_matrix_ids(world)

    def campaign(actor, unit, code, name):
        day = date(2026, 1, 1)
        return campaign_save(
            actor=actor, unit=unit, code=code, name=name, target=1_000_000, start_date=day, end_date=date(2026, 12, 31)
        )

    return SimpleNamespace(
        imports=import_matrix_jobs(world),
        gifts=gifts,
        registry=registry,
        distribution=distribution,
        campaign_own=campaign(world.alice, world.branch_a, "own-campaign", "Kampanye Anggrek"),
        campaigns_foreign=[
            campaign(
                world.bob, world.branch_b, "kampanye-b", "Kampanye Bakung"
            ),  # campaigns are public in their institution
            campaign(world.eve, world.beta, "secret-beta", "SECRET Kampanye Xenon"),
        ],
        own_entry=own,
        draft_a=draft_a,
        entries_foreign=[secret_b, secret_beta, draft_b],
        account_alpha=Account.objects.filter(institution=world.alpha).first(),
        account_beta=Account.objects.filter(institution=world.beta).first(),
    )


def _finance(world, unit):
    from tests.factories import UserFactory, grant

    user = UserFactory(username=f"finance-{unit.code.lower()}")
    grant(user, unit, "finance")
    return user


@pytest.fixture
def foreign(world, books):
    """Objects of other branches and of another institution that alice (admin of branch A) must never reach."""
    from satuatap.ledger.models import Account

    bob_token, _key = api_token_create(actor=world.bob, name="bob's")
    eve_token, _key = api_token_create(actor=world.eve, name="eve's")
    eve_membership = Membership.objects.get(user=world.eve)
    return {
        "unit": [world.branch_b, world.branch_b_sub, world.area, world.alpha, world.beta, world.beta_branch],
        "membership": [world.memberships.bob, eve_membership, Membership.objects.get(user=world.carol)],
        "token": [bob_token, eve_token],
        "entry": books.entries_foreign,
        # Branch B's own cash account, and an account of BETA's chart.
        "account": [Account.objects.get(institution=world.alpha, unit=world.branch_b), books.account_beta],
        "donation": [_Id(ids["donation"]) for ids in books.gifts["foreign"]],
        "receipt": [_Id(ids["receipt"]) for ids in books.gifts["foreign"]],
        "donor": [_Id(ids["donor"]) for ids in books.gifts["foreign"]],
        "campaign": books.campaigns_foreign,
        "import": books.imports["foreign"],
        **{
            kind: [_Id(ids[kind]) for ids in books.registry["foreign"]]
            for kind in ("beneficiary", "assessment", "document", "consent", "dedup_run", "beneficiary_import")
        },
        **{
            kind: [_Id(ids[kind]) for ids in books.distribution["foreign"]] for kind in books.distribution["foreign"][0]
        },
    }


class _Id(SimpleNamespace):
    """An object id in the shape the matrix expects (``.pk``)."""

    def __init__(self, pk):
        super().__init__(pk=pk)


def query_ids(world, books) -> dict:
    return {
        "unit_a": world.branch_a.pk,
        "unit_b": world.branch_b.pk,
        "unit_beta": world.beta.pk,
        "account_beta": books.account_beta.pk,
        "donor_b": books.gifts["foreign"][0]["donor"],
        "donor_beta": books.gifts["foreign"][2]["donor"],
    }


def form_data(world):
    """A superset of plausible values for every form, so a write that is allowed would happen."""
    return {
        "kind": "service",
        "name": "Written by the matrix",
        "code": "MTX1",
        "time_zone": "Asia/Jakarta",
        "new_parent": world.branch_a_sub.pk,
        "user": world.frank.pk,
        "unit": world.branch_a.pk,
        "role": "admin",
        "username": "matrixuser",
        "full_name": "Matrix",
        "password": "long-password-4711",
        "note": "matrix",
        "membership": world.memberships.audrey.pk,
        "reason": "matrix",
        "entry_date": "2025-03-11",
        "from_unit": world.branch_a.pk,
        "to_unit": world.area.pk,
        "fund": "zakat",
        "amount": 1000,
        "idempotency_key": "matrix",
        "year": 2025,
        "month": 3,
        "fund_kind": "zakat",
        "percent": "10",
        "action": "rate",
        "memo": "matrix",
        "lines-TOTAL_FORMS": 2,
        "lines-INITIAL_FORMS": 0,
        "lines-0-account": "4110",
        "lines-0-fund": "zakat",
        "lines-0-debit": 5,
        "lines-1-account": "4110",
        "lines-1-fund": "zakat",
        "lines-1-credit": 5,
    }


def test_every_view_with_an_object_id_is_in_the_matrix():
    missing = [name for _route, name, kwargs in OBJECT_VIEWS if name not in OBJECT_KINDS or kwargs != ["pk"]]
    assert not missing, f"Add these views to tests/scoping.py OBJECT_KINDS: {missing}"


@pytest.mark.parametrize(
    ("route", "name"), [(r, n) for r, n, _k in OBJECT_VIEWS], ids=[n for _r, n, _k in OBJECT_VIEWS]
)
def test_outsider_cannot_reach_objects_of_other_units(world, foreign, route, name):
    client = Client()
    client.force_login(world.alice)
    before = snapshot()
    guesses = [obj.pk for obj in foreign[OBJECT_KINDS[name]]] + [987654321]
    for pk in guesses:
        url = url_for(route, pk)
        for method in ("get", "post"):
            response = getattr(client, method)(url, form_data(world) if method == "post" else None)
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url} answered {response.status_code}"
            assert b"SECRET" not in response.content, f"{method.upper()} {url} shows another unit's data"
    assert snapshot() == before, f"{name} changed data of another unit"


def leaking_pages(user, views, marker=b"SECRET", ids=None) -> list[str]:
    """The list pages and exports among ``views`` that show ``user`` something marked as outside their units."""
    client = Client()
    client.force_login(user)
    leaks = []
    for route, name, _kwargs in views:
        for variant in LIST_VARIANTS.get(name, [""]):
            variant = variant.format(**(ids or {}))
            response = client.get(url_for(route, 0) + variant)
            assert response.status_code in (200, 302, 403, 405), f"{route}{variant} answered {response.status_code}"
            if marker in response_text(response):
                leaks.append(f"{route}{variant}")
    return leaks


@pytest.mark.parametrize(("route", "name"), [(r, n) for r, n, _k in LIST_VIEWS], ids=[n for _r, n, _k in LIST_VIEWS])
def test_lists_and_exports_show_nothing_outside_scope(world, books, route, name):
    for user in (world.alice, world.audrey, world.frank):
        leaks = leaking_pages(user, [(route, name, [])], ids=query_ids(world, books))
        assert leaks == [], f"shows data outside {user}'s units"


def test_the_matrix_catches_a_view_that_forgets_scoping(world, settings):
    """A new view that lists units without the scoping selector, or takes an id the matrix does not know, fails."""
    settings.ROOT_URLCONF = "tests.leaky_urls"
    views = staff_views()
    names = {name for _route, name, _kwargs in views}
    assert {"leak_list", "leak_detail"} <= names
    unknown = [name for _route, name, kwargs in views if kwargs and name not in OBJECT_KINDS and name not in PUBLIC]
    assert unknown == ["leak_detail"]
    leaky = [v for v in views if v[1] == "leak_list"]
    assert leaking_pages(world.alice, leaky) == ["leak/"]


def test_institution_root_admin_sees_nothing_of_another_institution(world, books):
    assert leaking_pages(world.carol, LIST_VIEWS, marker=b"Xenon", ids=query_ids(world, books)) == []


@pytest.mark.parametrize(("route", "name", "kwargs"), VIEWS, ids=[n or r for r, n, _k in VIEWS])
def test_auditor_cannot_write_anything(world, books, route, name, kwargs):
    if name in PERSONAL or name in PUBLIC:
        return
    client = Client()
    client.force_login(world.audrey)
    own = {
        "unit": world.branch_a_sub.pk,
        "membership": world.memberships.frank.pk,
        "token": 0,
        "entry": books.draft_a.pk if "approve" in name or "discard" in name else books.own_entry.pk,
        "account": books.account_alpha.pk,
        "donation": books.gifts["own"]["donation"],
        "receipt": books.gifts["own"]["receipt"],
        "donor": books.gifts["own"]["donor"],
        "campaign": books.campaign_own.pk,
        "import": books.imports["own"].pk,
        **books.registry["own"],
        **books.distribution["own"],
    }
    url = url_for(route, own[OBJECT_KINDS[name]] if kwargs else 0)
    audit = name not in AUDITED_READS
    before = snapshot(audit)
    # Two value sets, since some field names mean different things on different forms.
    for data in (form_data(world), {**form_data(world), "role": "cash", "code": "9999"}):
        response = client.post(url, data)
        assert response.status_code != 500
        assert snapshot(audit) == before, f"auditor changed data through POST {url}"


@pytest.mark.parametrize(("route", "name", "kwargs"), VIEWS, ids=[n or r for r, n, _k in VIEWS])
def test_anonymous_is_sent_to_login(world, route, name, kwargs):
    if name in PUBLIC:
        return
    url = url_for(route, world.branch_a.pk)
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        assert response.status_code in (302, 405), f"{method.upper()} {url} answered {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_operator_admin_is_closed_to_institution_staff(world):
    client = Client()
    world.carol.is_staff = True
    world.carol.save()
    client.force_login(world.carol)
    response = client.get("/operator/organizations/unit/")
    assert response.status_code == 302 and "/operator/login/" in response["Location"]
