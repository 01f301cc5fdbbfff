"""Distribution fixtures: books with zakat and infak at branch A, a verified fakir (the registry's
Siti), a zakat program and authority limits.

Personas on top of ``conftest.world`` and the registry's: ``fiona`` finance of branch A, ``hank``
head of branch A (approves up to Rp5.000.000), ``rita`` head of region R1 (up to Rp50.000.000),
``paula`` program officer of branch A (from the registry fixture), ``frank`` front office.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import timezone

from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.tests.conftest import english_messages, registry  # noqa: F401  (fixtures re-exported)
from satuatap.distribution import services
from satuatap.ledger import services as ledger
from satuatap.ledger.chart import cash_key
from satuatap.ledger.models import Account, Source
from satuatap.organizations.models import Role
from tests.factories import UserFactory, grant


def fund(unit, amount, *, fund_kind="zakat", account="4110", restriction="", key="seed"):
    """Money received at ``unit``: Dr its cash / Cr a receipt account."""
    cash = Account.objects.get(institution_id=unit.institution_id, system_key=cash_key(unit.pk))
    return ledger.entry_post(
        actor=None,
        unit=unit,
        entry_date=timezone.localdate(),
        source=Source.DONATION,
        idempotency_key=f"{key}-{unit.pk}-{fund_kind}-{restriction}",
        lines=[
            ledger.LineSpec(cash, fund_kind, debit=amount, restriction=restriction),
            ledger.LineSpec(account, fund_kind, credit=amount, restriction=restriction),
        ],
    )


@pytest.fixture
def books(world, registry):  # noqa: F811
    ledger.chart_create_default(actor=world.carol, institution=world.alpha)
    people = {}
    for name, unit, role in [
        ("fiona", world.branch_a, Role.FINANCE),
        ("hank", world.branch_a, Role.HEAD),
        ("rita", world.region, Role.HEAD),
    ]:
        people[name] = UserFactory(username=name)
        grant(people[name], unit, role)
    fund(world.branch_a, 20_000_000)
    fund(world.branch_a, 3_000_000, fund_kind="infak", account="4210")
    services.authority_limit_set(actor=world.carol, unit=world.branch_a, role=Role.HEAD, max_amount=5_000_000)
    services.authority_limit_set(actor=world.carol, unit=world.region, role=Role.HEAD, max_amount=50_000_000)
    siti = registry.siti
    registry_services.beneficiary_update(actor=registry.paula, beneficiary=siti, asnaf="fakir", asnaf_reason="survey")
    registry_services.assessment_record(
        actor=registry.paula,
        beneficiary=siti,
        unit=world.branch_a,
        household_size=4,
        dependants=3,
        monthly_income=800_000,
        housing="rented",
        housing_condition="poor",
    )
    registry_services.status_change(actor=registry.hana, beneficiary=siti, to_status="verified", reason="visited")
    today = timezone.localdate()
    program = services.program_save(
        actor=world.carol,
        unit=world.branch_a,
        code="sembako",
        name="Santunan sembako",
        pillar="humanitarian",
        fund_kind="zakat",
        asnaf=["fakir", "miskin"],
        budget=100_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
        once_per_months=6,
    )
    cash = Account.objects.get(institution_id=world.alpha.pk, system_key=cash_key(world.branch_a.pk))
    return SimpleNamespace(program=program, siti=siti, cash=cash, registry=registry, **people)


def apply_and_recommend(world, books, amount=1_000_000, program=None):
    """An application for Siti taken at the counter, screened, assessed and recommended by paula."""
    paula = books.registry.paula
    application = services.application_submit(
        actor=world.frank,
        unit=world.branch_a,
        program=program or books.program,
        beneficiary=books.siti,
        need="Kebutuhan pangan bulan ini",
        requested_amount=amount,
    )
    application = services.application_screen(actor=paula, application=application, note="lengkap")
    application = services.application_assess(actor=paula, application=application)
    return services.application_recommend(actor=paula, application=application, amount=amount, note="layak")
