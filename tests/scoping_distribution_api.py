"""Matrix entries for the distribution API (merged into tests/scoping.py).

The bodies are valid requests, so a refusal in the matrix comes from scope or role, never from
the schema. They read these kinds from ``ids``: "unit", "program", "application", "beneficiary"
and "money_account" (a cash or bank account).
"""

from datetime import date

DISTRIBUTION_API_PARAMS = {"program_id": "program", "application_id": "application"}

_APPLICATION = "/api/v1/distribution/applications/{application_id}"

DISTRIBUTION_API_BODIES: dict = {
    ("post", "/api/v1/distribution/programs"): lambda ids: {
        "unit_id": ids["unit"],
        "code": "matrix-program",
        "name": "Created by the matrix",
        "pillar": "humanitarian",
        "fund_kind": "infak",
        "budget": 1_000_000,
        "start_date": date(2026, 1, 1).isoformat(),
        "end_date": date(2026, 12, 31).isoformat(),
    },
    ("patch", "/api/v1/distribution/programs/{program_id}"): lambda ids: {"name": "Renamed by the matrix"},
    ("post", "/api/v1/distribution/applications"): lambda ids: {
        "unit_id": ids["unit"],
        "program_id": ids["program"],
        "beneficiary_id": ids["beneficiary"],
        "need": "Written by the matrix",
        "requested_amount": 100_000,
    },
    ("post", _APPLICATION + "/screen"): lambda ids: {"note": "matrix", "reject": True},
    ("post", _APPLICATION + "/assess"): lambda ids: {"note": "matrix"},
    ("post", _APPLICATION + "/recommend"): lambda ids: {"amount": 100_000, "note": "matrix"},
    ("post", _APPLICATION + "/decide"): lambda ids: {"approve": False, "note": "matrix"},
    ("post", _APPLICATION + "/pay"): lambda ids: {
        "amount": 1_000,
        "money_account_id": ids["money_account"],
        "reference": "matrix",
    },
}
