"""Matrix entries for the beneficiary registry's pages and API (merged into tests/scoping.py).

``beneficiary_matrix_ids`` builds, for tests/test_scoping_matrix.py and tests/test_api_matrix.py,
beneficiaries of branch B and of BETA (SECRET in their names) with an assessment, a document, a
consent, an import and a batch run each, which alice (admin of branch A) must never reach.
"""

from datetime import date

SECRET = "SECRET"

BENEFICIARY_OBJECT_KINDS = {
    **{
        f"beneficiaries:{name}": "beneficiary"
        for name in (
            "detail", "edit", "status", "identifiers", "assess", "aid_new", "privacy", "document_upload",
            "consent_add", "merge", "not_duplicate", "possible_duplicate_review",
        )
    },
    "beneficiaries:assessment": "assessment",
    "beneficiaries:assessment_apply": "assessment",
    "beneficiaries:document": "document",
    "beneficiaries:consent_withdraw": "consent",
    "beneficiaries:dedup_run": "dedup_run",
    "beneficiaries:dedup_review": "dedup_run",
    **{
        f"beneficiaries:import_{name}": "beneficiary_import"
        for name in ("detail", "commit", "cancel", "errors", "row_correct")
    },
}  # fmt: skip

BENEFICIARY_LIST_VARIANTS = {
    "beneficiaries:list": ["", "?format=csv", "?format=xlsx", "?q=Mustahik", "?status=applicant"],
    "beneficiaries:search": ["?q=Mustahik", "?q=SECRET"],
    "beneficiaries:candidates": ["?full_name=SECRET+Bakung+Mustahik&birth_date=1975-11-02"],
    "beneficiaries:dedup_runs": [""],
    "beneficiaries:import_list": [""],
}

BENEFICIARY_API_PARAMS = {"beneficiary_id": "beneficiary", "run_id": "dedup_run"}

BENEFICIARY_API_BODIES: dict = {
    ("post", "/api/v1/beneficiaries"): lambda ids: {
        "unit_id": ids["unit"],
        "full_name": "Registered by the matrix",
        "consent": {"method": "written", "purpose": "assistance"},
    },
    ("patch", "/api/v1/beneficiaries/{beneficiary_id}"): lambda ids: {"note": "matrix"},
    ("post", "/api/v1/beneficiaries/{beneficiary_id}/status"): lambda ids: {"to_status": "rejected", "reason": "m"},
    ("post", "/api/v1/beneficiaries/{beneficiary_id}/assessments"): lambda ids: {
        "unit_id": ids["unit"],
        "household_size": 3,
        "dependants": 1,
        "monthly_income": 100_000,
        "housing": "rented",
        "housing_condition": "poor",
    },
    ("post", "/api/v1/beneficiaries/candidates"): lambda ids: {"unit_id": ids["unit"], "name": "SECRET Bakung"},
    ("post", "/api/v1/beneficiaries/dedup-runs"): lambda ids: {"unit_id": ids["unit"]},
    ("post", "/api/v1/beneficiaries/dedup-runs/{run_id}/review"): lambda ids: {
        "unit_id": ids["unit"],
        "pair_ids": [987654321],
        "decision": "different",
    },
}

# A PNG of one pixel: what a phone uploads, in miniature.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def beneficiary_matrix_ids(world) -> dict:
    """``{"foreign": [ids, ...], "own": ids}``, each ids a dict keyed by the object kinds above."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from satuatap.beneficiaries import services
    from satuatap.beneficiaries.imports.jobs import import_upload
    from satuatap.beneficiaries.models import DedupRun, NeedCategory
    from satuatap.organizations.models import Role
    from tests.factories import UserFactory, grant

    amounts = {c.value: {"base": 300_000, "per_member": 100_000} for c in NeedCategory}
    officers = {}
    for institution, admin in ((world.alpha, world.carol), (world.beta, world.eve)):
        services.standard_save(
            actor=admin,
            unit=institution,
            name=f"Standar {institution.code}" if institution == world.alpha else f"{SECRET} standard",
            valid_from=date(2026, 1, 1),
            amounts=amounts,
        )
        officer = UserFactory(username=f"matrix-program-{institution.code.lower()}")
        grant(officer, institution, Role.PROGRAM)
        grant(officer, institution, Role.ADMIN)
        officers[institution.pk] = officer

    def record(unit, name, marker=SECRET):
        officer = officers[unit.institution_id]
        person = services.beneficiary_register(
            actor=officer,
            unit=unit,
            full_name=name,
            birth_date=date(1975, 11, 2),
            note=f"{marker} note",
            consent={"method": "written", "purpose": "assistance"},
        )
        assessment = services.assessment_record(
            actor=officer,
            beneficiary=person,
            unit=unit,
            household_size=3,
            dependants=1,
            monthly_income=100_000,
            housing="rented",
            housing_condition="poor",
            notes=f"{marker} visit",
        )
        document = services.document_add(
            actor=officer,
            beneficiary=person,
            kind="photo",
            upload=SimpleUploadedFile(f"{marker}.png", PNG, content_type="image/png"),
        )
        job = import_upload(
            actor=officer,
            unit=unit,
            filename=f"{marker}-{unit.code}.csv",
            content=f"nama;tanggal_lahir\n{marker} Import;1980-01-01\n".encode(),
        )
        run = DedupRun.objects.create(
            institution_id=unit.institution_id,
            status=DedupRun.RunStatus.DONE,
            records=2,
            clusters=[{"ids": [person.pk], "pairs": []}],
        )
        return {
            "beneficiary": person.pk,
            "assessment": assessment.pk,
            "document": document.pk,
            "consent": person.consents.get().pk,
            "beneficiary_import": job.pk,
            "dedup_run": run.pk,
        }

    b = record(world.branch_b, f"{SECRET} Bakung Mustahik")
    beta = record(world.beta_branch, f"{SECRET} Xenon Mustahik")
    own = record(world.branch_a_sub, "Own Mustahik", marker="own")
    missing = dict.fromkeys(b, 987654321)
    # A batch run belongs to the whole institution: branch A's users may open ALPHA's runs (they
    # list only the records they may see), never BETA's.
    b["dedup_run"] = beta["dedup_run"]
    return {"foreign": [b, beta, missing], "own": own}
