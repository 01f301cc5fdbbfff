"""Matrix entries for the donors and donations API and the collection reports page
(merged into tests/scoping.py).

The path parameters name donors and donations; ``collection_matrix_ids`` builds real ones of
other units and institutions for tests/test_api_matrix.py, in the shape of
``tests.scoping_ledger.ledger_matrix_ids`` (merge each ``foreign[i]`` into the ledger's).
"""

from datetime import date

SECRET = "SECRET"  # the marker of conftest.world: what a branch-A persona must never see

COLLECTION_OBJECT_KINDS = {
    "donor_id": "donor",
    "donation_id": "donation",
    "receipt_id": "receipt",
    "token": "receipt_token",
}

# Operations anyone may call without a token (they show no personal data).
COLLECTION_PUBLIC_API = {("get", "/api/v1/public/receipts/{token}")}

COLLECTION_API_PARAMS: dict[str, str] = COLLECTION_OBJECT_KINDS

COLLECTION_API_BODIES: dict = {
    ("post", "/api/v1/donors"): lambda ids: {"unit_id": ids["unit"], "full_name": "Registered by the matrix"},
    ("patch", "/api/v1/donors/{donor_id}"): lambda ids: {"full_name": "Renamed by the matrix", "note": "matrix"},
    # No Idempotency-Key header in the matrix: a role that may not record is refused before it is asked for.
    ("post", "/api/v1/donations"): lambda ids: {
        "unit_id": ids["unit"],
        "donor_id": ids["donor"],
        "donation_date": "2026-03-10",
        "channel": "cash",
        "lines": [{"kind": "infak", "amount": 1000}],
    },
    ("post", "/api/v1/receipts/{receipt_id}/void"): lambda ids: {"reason": "matrix"},
}

# The reports page takes no object id: its queries name other units (filled in by test_scoping_matrix).
COLLECTION_LIST_VARIANTS = {
    "collection:reports": [
        "",
        "?start=2026-01-01&end=2026-12-31&report=units",
        "?unit={unit_b}&start=2026-01-01&end=2026-12-31",
        "?unit={unit_beta}&start=2026-01-01&end=2026-12-31&report=funds&format=xlsx",
        "?unit={unit_b}&start=2026-01-01&end=2026-12-31&format=xlsx-all",
        "?start=2026-01-01&end=2026-12-31&compare=previous_year&format=xlsx-all",
        "?start=2026-01-01&end=2026-12-31&report=campaigns&format=csv",
        "?start=2026-01-01&end=2026-12-31&report=days&format=pdf",
    ],
}


def collection_matrix_ids(world) -> dict:
    """Donors and donations for the access matrix, keyed like its id sets.

    Returns ``{"foreign": [ids, ...], "own": ids}`` where each ids dict has the keys "donor"
    and "donation": a donor registered at branch B who gave there (SECRET in the name), the
    same at branch B's service unit, a donor and donation of institution BETA, one more of
    BETA, and ids that do not exist; (own) a donor and donation of branch A's subtree.
    Needs both institutions' charts of accounts (``ledger_matrix_ids`` creates them).
    """
    from satuatap.collection.services import DonationLineSpec, donation_record
    from satuatap.donors.services import donor_register
    from satuatap.ledger import services as ledger
    from satuatap.ledger.models import Account
    from satuatap.organizations.models import Role
    from tests.factories import UserFactory, grant

    day = date(2026, 3, 10)
    for institution, admin in ((world.alpha, world.carol), (world.beta, world.eve)):
        if not Account.objects.filter(institution=institution).exists():
            ledger.chart_create_default(actor=admin, institution=institution)
    clerk_alpha = UserFactory(username="matrix-clerk-alpha")
    grant(clerk_alpha, world.alpha, Role.FRONT_OFFICE)
    clerk_beta = UserFactory(username="matrix-clerk-beta")
    grant(clerk_beta, world.beta, Role.FRONT_OFFICE)

    def gift(unit, clerk, name, note=f"{SECRET} note"):
        donor = donor_register(actor=clerk, unit=unit, full_name=name)
        donation = donation_record(
            actor=clerk,
            unit=unit,
            donor=donor,
            donation_date=day,
            channel="cash",
            lines=[DonationLineSpec("infak", 25_000)],
            idempotency_key=f"matrix-{unit.pk}-{name}",
            note=note,
        )
        receipt = donation.receipt
        return {
            "donor": donor.pk,
            "donation": donation.pk,
            "receipt": receipt.pk,
            "receipt_token": receipt.verify_token,
        }

    # Donors belong to the whole institution (any of its counters may record a gift from them),
    # so branch B's donors are not secret to branch A; their donations are (see the note).
    b = gift(world.branch_b, clerk_alpha, "Donor Bakung")
    b_sub = gift(world.branch_b_sub, clerk_alpha, "Donor Layanan Bakung")
    beta = gift(world.beta_branch, clerk_beta, f"{SECRET} Donor Xenon")
    beta_2 = gift(world.beta_branch, clerk_beta, f"{SECRET} Donor Xenon Dua")
    own = gift(world.branch_a_sub, clerk_alpha, "Own Donor", note="own note")
    return {
        "foreign": [
            b,
            b_sub,
            beta,
            beta_2,
            {"donor": 987654321, "donation": 987654321, "receipt": 987654321, "receipt_token": "no-such-token"},
        ],
        "own": own,
    }
