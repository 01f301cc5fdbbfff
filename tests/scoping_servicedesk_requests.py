"""Matrix entries for the service desk's requests (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (the marker, SECRET
where they are foreign, in their names) and returns their ids keyed by the kinds named below: a
service that takes requests (code RQMTX) with a published standard, one request with a document.

The public pages (``permohonan/``) and the two public operations need no login; a request's status by
code shows the service, the steps and the first letter of the name only (tested in
satuatap/servicedesk/tests/test_requests_public.py).
"""

_API = "/api/v1/servicedesk"

OBJECT_KINDS: dict = {
    "servicedesk:request": "service_request",
    "servicedesk:request_step": "service_request",
    "servicedesk:request_check": "service_request",
    "servicedesk:request_document_add": "service_request",
    "servicedesk:request_document": "request_document",
}
LIST_VARIANTS: dict = {
    "servicedesk:requests": [
        "", "?overdue=1", "?format=csv", "?format=xlsx", "?overdue=1&format=xlsx", "?status=open", "?q=Pemohon",
        "?service=987654321", "?status=rejected&format=csv",
    ],
    "servicedesk:request_new": ["", "?whatsapp=1", "?ticket=987654321", "?service=987654321"],
}  # fmt: skip
PUBLIC: set = {"servicedesk:request_apply", "servicedesk:request_status"}
API_PARAMS: dict = {
    "request_id": "service_request",
    "institution": "institution_code",
    "unit": "unit_code",
    "code": "request_code",
}
API_BODIES: dict = {
    ("post", _API + "/public/units/{institution}/{unit}/requests"): lambda ids: {
        "service_id": ids.get("request_service", 0),
        "applicant_name": "SECRET Leak",
        "applicant_phone": "0812-3456-7890",
    },
    ("post", _API + "/requests"): lambda ids: {
        "unit_id": ids["unit"],
        "service_id": ids["request_service"],
        "applicant_name": "Outsider",
        "applicant_phone": "0812-3456-7890",
    },
    ("post", _API + "/requests/{request_id}/step"): lambda ids: {"to_status": "rejected", "reject_reason": "outsider"},
    ("post", _API + "/requests/{request_id}/checks"): lambda ids: {
        "requirement_id": ids["request_requirement"],
        "is_met": True,
    },
}
PUBLIC_API: set = {
    ("post", _API + "/public/units/{institution}/{unit}/requests"),
    ("get", _API + "/public/requests/{code}"),
}
# For tests/access_coverage.py: kind -> (model, unit lookup), and the reviewed reasons of public pages.
KIND_OWNERS: dict = {
    "service_request": ("servicedesk.ServiceRequest", "unit"),
    "request_document": ("servicedesk.RequestDocument", "request__unit"),
}
PUBLIC_REASONS: dict = {
    "servicedesk:request_apply": "a unit's services that take requests and the form of one (throttled, honeypot)",
    "servicedesk:request_status": "a request's steps, due date and rejection reason by its unguessable tracking "
    "code; of the person only the first letter of the name (throttled)",
}
PUBLIC_API_REASONS: dict = {
    ("post", _API + "/public/units/{institution}/{unit}/requests"): "an applicant sends a request (throttled, "
    "refused with a staff token)",
    ("get", _API + "/public/requests/{code}"): "a request's steps by tracking code, nothing about the person",
}


def matrix_ids(unit, officer, marker, base) -> dict:
    """A service taking requests at ``unit`` with a published standard, and a request with a document,
    taken by the matrix's officer (program officer and admin of the institution)."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from satuatap.organizations.models import Unit
    from satuatap.servicedesk.models import Service, ServiceStandard, StandardRequirement, StandardStatus
    from satuatap.servicedesk.requests.services import request_create
    from tests.scoping_beneficiaries import PNG

    service = Service.objects.create(
        unit=unit, code="RQMTX", name=f"{marker} Permohonan", needs_queue=False, needs_request=True
    )
    standard = ServiceStandard.objects.create(
        service=service, version=1, status=StandardStatus.PUBLISHED, effective_from=date(2020, 1, 1), service_days=5
    )
    requirement = StandardRequirement.objects.create(standard=standard, name=f"{marker} KTP")
    request = request_create(
        actor=officer,
        unit=unit,
        service=service,
        channel="counter",
        applicant_name=f"{marker} Pemohon",
        applicant_phone="0812-3456-7890",
        details=f"{marker} need for food",
        documents={requirement.pk: SimpleUploadedFile(f"{marker}.png", PNG)},
        notify=False,
    )
    institution = Unit.objects.get(pk=unit.institution_id)
    return {
        "service_request": request.pk,
        "request_document": request.documents.get().pk,
        "request_service": service.pk,
        "request_requirement": requirement.pk,
        "request_code": request.code,
        "institution_code": institution.code.lower(),
        "unit_code": unit.code.lower(),
    }


def public_pages(world, books, *, alpha, beta, nothing) -> dict:
    """The public pages of requests with the markers each must not show (tests/test_access_audit.py):
    ``alpha``/``beta`` what an ALPHA/BETA page must not show, ``nothing`` what no page may show."""
    from satuatap.servicedesk.models import ServiceRequest

    own, foreign = books.distribution["own"], books.distribution["foreign"]
    own_code, b_code, beta_code = (
        ServiceRequest.objects.get(pk=ids["service_request"]).code for ids in (own, *foreign[:2])
    )
    return {
        "servicedesk:request_apply": [
            ("/permohonan/alpha/bra/", alpha),
            (f"/permohonan/alpha/bra/?service={own['request_service']}", alpha),
            (f"/permohonan/alpha/bra/?service={foreign[1]['request_service']}", alpha + (b"SECRET",)),
            ("/permohonan/beta/bra/", beta),
            ("/permohonan/alpha/nothere/", nothing),
        ],
        "servicedesk:request_status": [
            (f"/permohonan/status/?code={own_code}", alpha),
            (f"/permohonan/status/?code={b_code}", alpha),
            (f"/permohonan/status/?code={beta_code}", beta),
            ("/permohonan/status/?code=ABCDEFGHJK", nothing),
        ],
    }


def public_api_calls(ids, *, alpha, beta, nothing) -> list:
    """(method, path, markers, operation path with {x}) of the public operations, for
    tests/test_access_audit.py: codes of both institutions, an unknown one, and the form with no data."""
    from satuatap.servicedesk.models import ServiceRequest

    foreign = ids["foreign"]
    codes = [ServiceRequest.objects.get(pk=f["service_request"]).code for f in foreign[:2]]
    status = _API + "/public/requests/{x}"
    create = _API + "/public/units/{x}/{x}/requests"
    return [
        ("get", f"{_API}/public/requests/{codes[0]}", alpha, status),
        ("get", f"{_API}/public/requests/{codes[1]}", beta, status),
        ("get", f"{_API}/public/requests/ABCDEFGHJK", nothing, status),
        ("post", f"{_API}/public/units/alpha/bra/requests", nothing, create),
        ("post", f"{_API}/public/units/beta/nothere/requests", nothing, create),
    ]
