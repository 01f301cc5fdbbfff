"""Matrix entries for distribution: loans (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (SECRET in
their names where they are foreign) and returns their ids keyed by the kinds named below;
``base`` holds the ids already built there ("program", "application", "evidence", "person").

Here: an interest-free loan ("loan") of a loan program of ``unit``, paid out to a verified person
of ``unit`` (both named with the marker). The chart of accounts must exist (the matrix fixtures
create it); the unit's infak fund is seeded by a posted donation.
"""

OBJECT_KINDS: dict = {"distribution:loan": "loan", "distribution:loan_repay": "loan"}
# "Bakung" and "Peminjam" find branch B's SECRET loan if scoping fails (no "?q=SECRET": see
# scoping_distribution.py).
LIST_VARIANTS: dict = {
    "distribution:loans": [
        "", "?format=csv", "?format=xlsx", "?state=open", "?state=overdue", "?state=repaid", "?q=Bakung",
        "?q=Peminjam", "?q=Pinjaman", "?state=open&format=xlsx",
    ],
}  # fmt: skip
PUBLIC: set = set()
API_PARAMS: dict = {"loan_id": "loan"}
API_BODIES: dict = {
    ("post", "/api/v1/distribution/loans/{loan_id}/repayments"): lambda ids: {
        "amount": 1_000,
        "money_account_id": ids["money_account"],
        "reference": "matrix",
    },
}
PUBLIC_API: set = set()


def matrix_ids(unit, officer, marker, base) -> dict:
    from datetime import date

    from django.utils import timezone

    from satuatap.beneficiaries.services import (
        assessment_record,
        beneficiary_register,
        beneficiary_update,
        status_change,
    )
    from satuatap.distribution import services
    from satuatap.ledger import services as ledger
    from satuatap.ledger.chart import cash_key
    from satuatap.ledger.models import Account, Source
    from satuatap.organizations.models import Role
    from tests.factories import UserFactory, grant

    today = timezone.localdate()
    tag = f"{unit.institution.code}-{unit.code}".lower()
    # The officer holds program and admin roles: recommending; someone else approves and finance pays.
    head = UserFactory(username=f"matrix-loans-head-{tag}")
    finance = UserFactory(username=f"matrix-loans-finance-{tag}")
    grant(head, unit, Role.HEAD)
    grant(finance, unit, Role.FINANCE)
    services.authority_limit_set(actor=officer, unit=unit, role=Role.HEAD, max_amount=10_000_000)
    cash = Account.objects.get(institution_id=unit.institution_id, system_key=cash_key(unit.pk))
    ledger.entry_post(
        actor=None,
        unit=unit,
        entry_date=today,
        source=Source.DONATION,
        idempotency_key=f"matrix-loans-seed-{unit.pk}",
        lines=[
            ledger.LineSpec(cash, "infak", debit=2_000_000),
            ledger.LineSpec("4210", "infak", credit=2_000_000),
        ],
    )
    person = beneficiary_register(
        actor=officer,
        unit=unit,
        full_name=f"{marker} Peminjam Mustahik",
        birth_date=date(1975, 6, 1),
        consent={"method": "written", "purpose": "assistance"},
    )
    beneficiary_update(actor=officer, beneficiary=person, asnaf="miskin", asnaf_reason="matrix survey")
    assessment_record(
        actor=officer,
        beneficiary=person,
        unit=unit,
        household_size=3,
        dependants=2,
        monthly_income=900_000,
        housing="rented",
        housing_condition="poor",
    )
    status_change(actor=officer, beneficiary=person, to_status="verified", reason="matrix")
    program = services.program_save(
        actor=officer,
        unit=unit,
        code=f"loan-{tag}",
        name=f"{marker} Pinjaman Modal",
        pillar="economy",
        fund_kind="infak",
        aid_kind="loan",
        installments=10,
        budget=10_000_000,
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    application = services.application_submit(
        actor=officer,
        unit=unit,
        program=program,
        beneficiary=person,
        need=f"{marker} modal usaha warung",
        requested_amount=1_000_000,
    )
    application = services.application_screen(actor=officer, application=application)
    application = services.application_assess(actor=officer, application=application)
    application = services.application_recommend(actor=officer, application=application, amount=1_000_000)
    application = services.application_decide(actor=head, application=application, approve=True)
    disbursement = services.disbursement_pay(
        actor=finance, application=application, amount=1_000_000, money_account=cash, reference=f"{marker} TRF"
    )
    return {"loan": disbursement.loan.pk}
