"""Matrix entries for the setup endpoints of the API (merged into tests/scoping.py): the chart of
accounts and bank accounts, amil share rates and batch, zakat fitrah rates, approval limits, the
needs standard and staff accounts.

Their only path parameter, ``account_id``, is the ledger's (tests/scoping_ledger.py); the bodies
name the unit (and the account) of each id set, so an outsider aims every write at another unit.
"""

# The ledger's (merged into LEDGER_API_BODIES, which the ledger's own API matrix checks too).
LEDGER_SETUP_API_BODIES: dict = {
    ("post", "/api/v1/ledger/chart"): lambda ids: {"unit_id": ids["unit"]},
    ("post", "/api/v1/ledger/accounts"): lambda ids: {
        "code": "1299.MX",
        "name": "Bank of the matrix",
        "role": "bank",
        "unit_id": ids["unit"],
        "bank_name": "BSI",
        "bank_account_number": "7000000001",
    },
    ("patch", "/api/v1/ledger/accounts/{account_id}"): lambda ids: {"name": "Renamed by the matrix"},
    ("post", "/api/v1/ledger/amil-rates"): lambda ids: {
        "unit_id": ids["unit"],
        "fund_kind": "infak",
        "basis_points": 0,
    },
    ("post", "/api/v1/ledger/amil-share"): lambda ids: {"unit_id": ids["unit"], "month": "2026-03"},
}

SETUP_API_BODIES: dict = {
    ("post", "/api/v1/collection/fitrah-rates"): lambda ids: {
        "unit_id": ids["unit"],
        "hijri_year": 1447,
        "mode": "money",
        "amount": 1000,
    },
    ("post", "/api/v1/distribution/approval-limits"): lambda ids: {
        "unit_id": ids["unit"],
        "role": "head",
        "max_amount": 1000,
    },
    ("post", "/api/v1/beneficiaries/standards"): lambda ids: {
        "unit_id": ids["unit"],
        "name": "Standard of the matrix",
        "valid_from": "2026-01-01",
        "amounts": {"food": {"base": 1000}},
    },
    ("post", "/api/v1/staff-accounts"): lambda ids: {
        "unit_id": ids["unit"],
        "role": "admin",
        "username": "matrix-staff",
        "full_name": "Staff of the matrix",
        "password": "matrix-pass-phrase-2026",
    },
}
