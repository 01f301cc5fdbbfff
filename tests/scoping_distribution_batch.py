"""Matrix entries for distribution: batch (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (SECRET in
their names where they are foreign) and returns their ids keyed by the kinds named below;
``base`` holds the ids already built there ("program", "application", "evidence", "person").

Here: a prepared batch ("batch") of ``unit``'s program for one verified person of ``unit``, its
name, person and need carrying the marker. The evidence endpoint takes multipart form data; the
API matrix sends JSON, which an outsider or an auditor never gets past (404/403 come first).
"""

OBJECT_KINDS: dict = {
    "distribution:batch": "batch",
    "distribution:batch_decide": "batch",
    "distribution:batch_pay": "batch",
}
# "Bakung" and "Penerima" find branch B's SECRET people if scoping fails (no "?q=SECRET": see
# scoping_distribution.py).
LIST_VARIANTS: dict = {
    "distribution:batches": ["", "?format=csv", "?format=xlsx", "?status=prepared", "?page=2"],
    "distribution:batch_new": ["", "?q=Bakung", "?q=Penerima", "?q=Batch", "?asnaf=fakir", "?mode=import"],
    "distribution:batch_template": [""],
}
PUBLIC: set = set()
API_PARAMS: dict = {"batch_id": "batch"}

_APPLICATION = "/api/v1/distribution/applications/{application_id}"
_BATCH = "/api/v1/distribution/batches/{batch_id}"

API_BODIES: dict = {
    ("post", "/api/v1/distribution/batches"): lambda ids: {
        "unit_id": ids["unit"],
        "program_id": ids["program"],
        "name": "Written by the matrix",
        "need": "matrix",
        "recipients": [{"beneficiary_id": ids["beneficiary"], "amount": 1_000}],
    },
    ("post", _BATCH + "/decide"): lambda ids: {"approve": False, "note": "matrix"},
    ("post", _BATCH + "/pay"): lambda ids: {"money_account_id": ids["money_account"], "reference": "matrix"},
    ("post", _APPLICATION + "/evidence"): lambda ids: {"kind": "photo"},
    ("post", _APPLICATION + "/evidence-complete"): lambda ids: {"note": "matrix"},
    ("post", _APPLICATION + "/follow-up"): lambda ids: {"note": "matrix"},
}
PUBLIC_API: set = set()


def matrix_ids(unit, officer, marker, base) -> dict:
    from datetime import date

    from satuatap.beneficiaries.services import beneficiary_register, status_change
    from satuatap.distribution.batches import services as batch_services
    from satuatap.distribution.models import Program

    person = beneficiary_register(
        actor=officer,
        unit=unit,
        full_name=f"{marker} Penerima Batch",
        birth_date=date(1980, 2, 3),
        asnaf="fakir",
        asnaf_reason="matrix",
        consent={"method": "written", "purpose": "assistance"},
    )
    status_change(actor=officer, beneficiary=person, to_status="assessed", reason="matrix")
    status_change(actor=officer, beneficiary=person, to_status="verified", reason="matrix")
    batch = batch_services.batch_prepare(
        actor=officer,
        unit=unit,
        program=Program.objects.get(pk=base["program"]),
        name=f"{marker} Batch Ramadan",
        rows=[(person, 100_000, f"{marker} batch need")],
    )
    return {"batch": batch.pk}
