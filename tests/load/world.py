"""The office network of the load test, committed in the test database so that gunicorn sees it.

``build(scale)`` makes the benchmark's institution with ``bench.generate`` (regions, areas and
branches, the default chart, a generated journal) and its donors and their donations with
``bench.donors_generate``, then the people of the scenario:

* a front-office clerk per branch, each with a logged-in session (the counter);
* an online channel: a front-office account of the institution with an API token, posting
  QRIS donations into the first branch's bank account;
* two auditors reading dashboards (the institution, and one region) with sessions;
* a public campaign, and a recorded donation whose receipt the public verifies.

It returns what ``tests/load/locustfile.py`` reads (as JSON) and what the test checks afterwards.
"""

from datetime import date, timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone


def session_for(user) -> str:
    """A logged-in session of ``user`` (what the login page leaves), as its cookie value."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def build(scale: float, donors: int) -> dict:
    from bench import donors_generate
    from bench.generate import generate, shape
    from satuatap.api.services import api_token_create
    from satuatap.collection.services import DonationLineSpec, campaign_save, donation_record
    from satuatap.donors.models import Donor
    from satuatap.ledger.models import AccountRole
    from satuatap.ledger.services import account_create
    from satuatap.organizations.models import Role, Unit, UnitKind
    from tests.factories import UserFactory, grant

    size = shape(scale, "bench")
    institution = Unit.objects.get(pk=generate(size, vacuum=False)["institution"])
    donors_generate.generate(donors, vacuum=False)
    branches = list(Unit.objects.filter(institution=institution, kind=UnitKind.BRANCH).order_by("path"))
    region = Unit.objects.filter(institution=institution, kind=UnitKind.REGION).order_by("path").first()
    donor_ids = list(Donor.objects.filter(institution=institution).order_by("pk").values_list("pk", flat=True)[:500])

    finance = UserFactory(username="load-finance")
    grant(finance, institution, Role.FINANCE)
    online = UserFactory(username="load-online")
    grant(online, institution, Role.FRONT_OFFICE)
    _token, key = api_token_create(actor=online, name="online donations")
    bank = account_create(
        actor=finance,
        institution=institution,
        code=f"1210.{branches[0].code}",
        name=f"Bank {branches[0].name}",
        role=AccountRole.BANK,
        unit=branches[0],
        bank_name="Bank Syariah Indonesia",
        bank_account_number="7000000042",
    )
    today = timezone.localdate()
    campaign = campaign_save(
        actor=finance,
        unit=institution,
        code="sumur-ntt",
        name="Sumur untuk NTT",
        target=5_000_000_000,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=60),
    )
    clerks = []
    for branch in branches:
        clerk = UserFactory(username=f"load-clerk-{branch.code.lower()}")
        grant(clerk, branch, Role.FRONT_OFFICE)
        clerks.append({"user": clerk.pk, "unit": branch.pk, "session": session_for(clerk)})
    readers = []
    for name, unit in (("load-auditor", institution), ("load-region-auditor", region)):
        reader = UserFactory(username=name)
        grant(reader, unit, Role.AUDITOR)
        readers.append({"user": reader.pk, "unit": unit.pk, "session": session_for(reader)})
    shown = donation_record(
        actor=clerks and _user(clerks[0]["user"]),
        unit=branches[0],
        donor=Donor.objects.get(pk=donor_ids[0]),
        donation_date=today,
        channel="cash",
        lines=[DonationLineSpec("infak", 50_000)],
        idempotency_key="load-public-receipt",
    )
    return {
        "institution": institution.pk,
        "institution_code": institution.code,
        "first_year": size.first_year,
        "today": today.isoformat(),
        "month_start": date(today.year, today.month, 1).isoformat(),
        "clerks": clerks,
        "online": {"user": online.pk, "token": key, "unit": branches[0].pk, "bank_account": bank.pk},
        "readers": readers,
        "donors": donor_ids,
        "campaign": campaign.code,
        "receipt_token": shown.receipt.verify_token,
        "kept_donation": shown.pk,
    }


def _user(pk: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)
