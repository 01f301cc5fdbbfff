"""Matrix entries for the distribution pages (merged into tests/scoping.py).

``distribution_matrix_ids`` builds, for tests/test_scoping_matrix.py, a program and an aid
application at branch B and at BETA (SECRET in their names and needs, Xenon in BETA's), which
alice (admin of branch A) must never reach, and the same at branch A for the own-unit checks.
"""

from datetime import date

from tests import (
    scoping_distribution_batch,
    scoping_distribution_loans,
    scoping_distribution_public,
    scoping_distribution_stock,
)

# The areas of distribution that keep their own matrix entries (merged by tests/scoping.py).
DISTRIBUTION_AREAS = (
    scoping_distribution_public,
    scoping_distribution_stock,
    scoping_distribution_loans,
    scoping_distribution_batch,
)

from tests.scoping_servicedesk import SERVICEDESK_AREAS  # noqa: E402

SECRET = "SECRET"

DISTRIBUTION_OBJECT_KINDS = {
    **{
        f"distribution:{name}": "application"
        for name in (
            "application",
            "screen",
            "assess",
            "recommend",
            "decide",
            "pay",
            "evidence_complete",
            "follow_up",
            "make_eligible",
        )
    },
    "distribution:program_edit": "program",
    "distribution:evidence_upload": "application",
    "distribution:aid_receipt": "application",
    "distribution:evidence": "evidence",
}

# No "?q=SECRET" on full pages: every page (a 403 too) echoes its own address in the layout's
# language and unit switchers; "Bakung" finds branch B's SECRET records if scoping fails.
DISTRIBUTION_LIST_VARIANTS = {
    "distribution:applications": [
        "", "?format=csv", "?format=xlsx", "?status=submitted", "?overdue=1", "?q=Bakung", "?q=Penerima",
        "?program=987654321",
    ],
    "distribution:application_new": ["", "?beneficiary=987654321", "?q=Bakung", "?q=Mustahik"],
    "distribution:people": ["?q=Bakung", "?q=Penerima", "?q=Mustahik"],
    "distribution:programs": ["", "?format=csv", "?format=xlsx"],
    "distribution:program_new": ["", "?fund_kind=zakat"],
    "distribution:limits": [""],
    "distribution:pillars": [""],
    "distribution:disbursements": ["", "?format=csv", "?format=xlsx", "?start=2020-01-01&end=2099-12-31"],
    "distribution:report": ["", "?format=xlsx", "?format=pdf", "?part=regencies", "?start=2020-01&end=2099-12"],
}  # fmt: skip


def distribution_matrix_ids(world) -> dict:
    """``{"foreign": [ids, ...], "own": ids}``, each ids a dict keyed by the object kinds above."""
    from django.utils import timezone

    from satuatap.beneficiaries.services import beneficiary_register
    from satuatap.distribution import services
    from satuatap.organizations.models import Role
    from tests.factories import UserFactory, grant

    today = timezone.localdate()
    officers = {}
    for institution in (world.alpha, world.beta):
        officer = UserFactory(username=f"matrix-distribution-{institution.code.lower()}")
        grant(officer, institution, Role.PROGRAM)
        grant(officer, institution, Role.ADMIN)
        officers[institution.pk] = officer

    def build(unit, code, marker):
        officer = officers[unit.institution_id]
        person = beneficiary_register(
            actor=officer,
            unit=unit,
            full_name=f"{marker} Penerima Mustahik",
            birth_date=date(1970, 1, 1),
            consent={"method": "written", "purpose": "assistance"},
        )
        program = services.program_save(
            actor=officer,
            unit=unit,
            code=code,
            name=f"{marker} Program Sembako",
            pillar="humanitarian",
            fund_kind="infak",
            budget=10_000_000,
            start_date=date(today.year, 1, 1),
            end_date=date(today.year, 12, 31),
        )
        application = services.application_submit(
            actor=officer,
            unit=unit,
            program=program,
            beneficiary=person,
            need=f"{marker} need for food",
            requested_amount=500_000,
        )
        # Evidence kept for the application (written directly: the application is not approved).
        from django.core.files.uploadedfile import SimpleUploadedFile

        from satuatap.core.uploads import keep_upload
        from satuatap.distribution.models import Evidence
        from tests.scoping_beneficiaries import PNG

        kept = keep_upload(SimpleUploadedFile(f"{marker}.png", PNG), "distribution/matrix")
        evidence = Evidence.objects.create(
            application=application,
            kind="photo",
            **Evidence.fields_of(kept),
        )
        ids = {"program": program.pk, "application": application.pk, "evidence": evidence.pk, "person": person.pk}
        for area in (*DISTRIBUTION_AREAS, *SERVICEDESK_AREAS):
            ids.update(area.matrix_ids(unit, officer, marker, dict(ids)))
        return ids

    b = build(world.branch_b, "secret-b", f"{SECRET} Bakung")
    beta = build(world.beta_branch, "secret-beta", f"{SECRET} Xenon")
    own = build(world.branch_a, "own-program", "Own")
    missing = dict.fromkeys(b, 987654321)
    return {"foreign": [b, beta, missing], "own": own}
