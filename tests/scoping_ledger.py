"""Matrix entries for the ledger API (merged into tests/scoping.py).

The ledger's path parameters name journal entries and accounts; ``ledger_matrix_ids``
builds real ones of other units and institutions for tests/test_api_matrix.py.
"""

from datetime import date

from tests.scoping_setup_api import LEDGER_SETUP_API_BODIES

SECRET = "SECRET"  # the marker of conftest.world: what a branch-A persona must never see

# The kinds the ledger path parameters really name.
LEDGER_OBJECT_KINDS = {"entry_id": "entry", "account_id": "account"}

LEDGER_API_PARAMS: dict[str, str] = LEDGER_OBJECT_KINDS

# Staff pages taking a <slug>: each value is checked like a list page (merged into SLUGS).
LEDGER_SLUGS = {"ledger:everyday_entry": ["amil-cost", "bank-interest", "non-halal-use"]}

_LINES = [
    {"account_code": "1300", "fund_kind": "zakat", "debit": 1000},
    {"account_code": "1100.BRA", "fund_kind": "zakat", "credit": 1000},
]

LEDGER_API_BODIES: dict = {
    ("post", "/api/v1/ledger/entries"): lambda ids: {
        "unit_id": ids["unit"],
        "entry_date": "2025-03-10",
        "memo": "Written by the matrix",
        "lines": _LINES,
    },
    ("patch", "/api/v1/ledger/entries/{entry_id}"): lambda ids: {"memo": "Changed by the matrix", "lines": _LINES},
    ("post", "/api/v1/ledger/entries/{entry_id}/approve"): lambda ids: None,
    ("post", "/api/v1/ledger/entries/{entry_id}/discard"): lambda ids: None,
    ("post", "/api/v1/ledger/entries/{entry_id}/reverse"): lambda ids: {"reason": "Reversed by the matrix"},
    ("post", "/api/v1/ledger/transfers"): lambda ids: {
        "from_unit_id": ids["unit"],
        "to_unit_id": ids["unit"],
        "kind": "remit",
        "fund_kind": "zakat",
        "amount": 1000,
        "idempotency_key": "matrix",
    },
    ("post", "/api/v1/ledger/periods/close"): lambda ids: {"unit_id": ids["unit"], "year": 2025, "month": 3},
}
LEDGER_API_BODIES.update(LEDGER_SETUP_API_BODIES)


def ledger_matrix_ids(world) -> dict:
    """Ledger objects for the access matrix, keyed like its id sets.

    Returns ``{"foreign": [ids, ...], "own": ids}`` where each ids dict has the
    keys "entry" and "account": a posted entry and a draft of branch B, a posted
    entry of institution BETA with BETA's accounts, and (own) a draft and
    account of branch A's subtree. Donations are posted as the system
    (``actor=None``), drafts by finance personas created here.
    """
    from satuatap.ledger import services
    from satuatap.ledger.models import Account, Source
    from satuatap.organizations.models import Role
    from tests.factories import UserFactory, grant

    day = date(2025, 3, 10)
    carol_fin = UserFactory(username="matrix-fin-alpha")
    grant(carol_fin, world.alpha, Role.FINANCE)
    eve_fin = UserFactory(username="matrix-fin-beta")
    grant(eve_fin, world.beta, Role.FINANCE)
    services.chart_create_default(actor=world.carol, institution=world.alpha)
    services.chart_create_default(actor=world.eve, institution=world.beta)

    def cash(unit):
        return Account.objects.get(institution_id=unit.institution_id, code=f"1100.{unit.code}")

    def donation(unit, key):
        return services.entry_post(
            actor=None,
            unit=unit,
            entry_date=day,
            source=Source.DONATION,
            idempotency_key=key,
            lines=[
                services.LineSpec(cash(unit), "zakat", debit=5000),
                services.LineSpec("4110", "zakat", credit=5000),
            ],
        )

    def draft(unit, memo=f"{SECRET} draft"):
        return services.manual_entry_draft(
            actor=carol_fin,
            unit=unit,
            entry_date=day,
            memo=memo,
            lines=[
                services.LineSpec("1300", "zakat", debit=100),
                services.LineSpec(cash(unit), "zakat", credit=100),
            ],
        )

    b_posted = donation(world.branch_b, "matrix-b")
    b_draft = draft(world.branch_b)
    beta_posted = donation(world.beta_branch, "matrix-beta")
    beta_draft = services.manual_entry_draft(
        actor=eve_fin,
        unit=world.beta_branch,
        entry_date=day,
        memo=f"{SECRET} draft",
        lines=[
            services.LineSpec("1300", "zakat", debit=100),
            services.LineSpec(cash(world.beta_branch), "zakat", credit=100),
        ],
    )
    own_draft = draft(world.branch_a_sub, memo="Own draft")
    beta_account = Account.objects.get(institution=world.beta, code="4110")
    return {
        "foreign": [
            {"entry": b_posted.pk, "account": cash(world.branch_b).pk},
            {"entry": b_draft.pk, "account": cash(world.branch_b_sub).pk},
            {"entry": beta_posted.pk, "account": beta_account.pk},
            {"entry": beta_draft.pk, "account": cash(world.beta_branch).pk},
            {"entry": 987654321, "account": 987654321},
        ],
        "own": {"entry": own_draft.pk, "account": cash(world.branch_a_sub).pk},
    }
