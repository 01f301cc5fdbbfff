"""Matrix entries for the service desk's catalogue (merged into tests/scoping.py and the matrices).

``matrix_ids(unit, officer, marker, base)`` builds this area's objects at ``unit`` (the marker, SECRET
where they are foreign, in their names) and returns their ids keyed by the kinds named below: a
service "MTX" with a published version 1 of its standard and a draft version 2 whose product reads
"<first word of the marker> draft" (SECRET draft / Own draft: a draft never shows on a public page).

The public pages and operation show a unit's published standards only; ``PUBLIC_PAGES`` and
``public_api_calls`` say what tests/test_access_audit.py visits for them.
"""

OBJECT_KINDS: dict = {
    "servicedesk:service": "service",
    "servicedesk:service_edit": "service",
    "servicedesk:standard_new": "service",
    "servicedesk:standard": "standard",
    "servicedesk:standard_edit": "standard",
    "servicedesk:standard_approve": "standard",
    "servicedesk:standard_publish": "standard",
    "servicedesk:standard_print": "standard",
}
LIST_VARIANTS: dict = {
    "servicedesk:services": ["", "?format=csv", "?format=xlsx"],
    "servicedesk:service_new": [""],
    "servicedesk:service_adopt": [""],
    "servicedesk:settings": [""],
}
PUBLIC: set = {
    "servicedesk:public_services",
    "servicedesk:public_standard",
    "servicedesk:standard_pdf",
    "servicedesk:maklumat_pdf",
}
# The public operation's {institution} and {unit} are codes, not ids: any value answers the same 404.
API_PARAMS: dict = {"service_id": "service", "standard_id": "standard", "institution": "unit", "unit": "unit"}

_SD = "/api/v1/servicedesk"

API_BODIES: dict = {
    ("post", _SD + "/services"): lambda ids: {"unit_id": ids["unit"], "code": "LEAK", "name": "Leak"},
    ("patch", _SD + "/services/{service_id}"): lambda ids: {"name": "Renamed by the matrix"},
    ("post", _SD + "/services/{service_id}/standards"): lambda ids: {"product": "matrix"},
    ("post", _SD + "/standards/{standard_id}/approve"): lambda ids: {},
    ("post", _SD + "/standards/{standard_id}/publish"): lambda ids: {"effective_from": "2099-01-01"},
}
PUBLIC_API: set = {("get", _SD + "/public/units/{institution}/{unit}/services")}
# For tests/access_coverage.py: kind -> (model, unit lookup), and the reviewed reasons of public pages.
KIND_OWNERS: dict = {
    "service": ("servicedesk.Service", "unit"),
    "standard": ("servicedesk.ServiceStandard", "service__unit"),
}
PUBLIC_REASONS: dict = {
    "servicedesk:public_services": "a unit's services with their published standards, office hours and WhatsApp line "
    "(throttled)",
    "servicedesk:public_standard": "one service's published standard (an older published version by ?versi=)",
    "servicedesk:standard_pdf": "the printable PDF of a published standard (throttled)",
    "servicedesk:maklumat_pdf": "the unit's maklumat pelayanan poster (throttled)",
}
PUBLIC_API_REASONS: dict = {
    ("get", _SD + "/public/units/{institution}/{unit}/services"): "a unit's services with their published "
    "standards (throttled)",
}

# For tests/test_access_audit.py: the public pages it visits, with the markers each must not show.
PUBLIC_PAGES: set = set(PUBLIC)


def public_pages(world, books, *, alpha, beta, nothing) -> dict:
    """tests/test_access_audit.py's visits of the catalogue's public pages, with the markers each must
    not show (``alpha``/``beta``: what an ALPHA/BETA page must not show; ``nothing``: no page)."""
    return {
        "servicedesk:public_services": [
            ("/layanan/alpha/bra/", alpha),
            ("/layanan/alpha/brb/", alpha),
            ("/layanan/beta/bra/", beta),
            ("/layanan/alpha/nope/", nothing),
        ],
        "servicedesk:public_standard": [
            ("/layanan/alpha/bra/mtx/", alpha),
            ("/layanan/alpha/bra/mtx/?versi=2", alpha),
            ("/layanan/alpha/brb/mtx/", alpha),
            ("/layanan/beta/bra/mtx/", beta),
        ],
        "servicedesk:standard_pdf": [
            ("/layanan/alpha/bra/mtx/standar.pdf", alpha),
            ("/layanan/beta/bra/mtx/standar.pdf", beta),
        ],
        "servicedesk:maklumat_pdf": [
            ("/layanan/alpha/bra/maklumat.pdf", alpha),
            ("/layanan/beta/bra/maklumat.pdf?size=a3", beta),
        ],
    }


def public_api_calls(ids, *, alpha, beta, nothing) -> list:
    """(method, path, markers it must not show, operation path with {x}) of the public operations."""
    services = _SD + "/public/units/{x}/{x}/services"
    return [
        ("get", _SD + "/public/units/alpha/bra/services", alpha, services),
        ("get", _SD + "/public/units/alpha/brb/services", alpha, services),
        ("get", _SD + "/public/units/beta/bra/services", beta, services),
        ("get", _SD + "/public/units/alpha/nope/services", nothing, services),
    ]


def matrix_ids(unit, officer, marker, base) -> dict:
    """A service of ``unit`` with a published version 1 (written directly: the matrix's officer is
    not a head) and a draft version 2."""
    from django.utils import timezone

    from satuatap.servicedesk.catalogue import services
    from satuatap.servicedesk.models import ServiceStandard, StandardRequirement, StandardStatus

    service = services.service_save(
        actor=officer, unit=unit, code="MTX", name=f"{marker} Layanan", needs_appointment=True, needs_request=True
    )
    first = ServiceStandard.objects.create(
        service=service,
        version=1,
        status=StandardStatus.PUBLISHED,
        effective_from=timezone.localdate(),
        legal_basis="UU 25/2009",
        procedure=["Datang", "Dilayani"],
        service_minutes=10,
        product=f"{marker} produk",
    )
    StandardRequirement.objects.create(standard=first, name=f"{marker} KTP")
    draft = services.standard_draft(actor=officer, service=service, product=f"{marker.split()[0]} draft")
    services.desk_settings_save(actor=officer, unit=unit, maklumat=f"{marker} maklumat", whatsapp_line="081226001234")
    return {"service": service.pk, "standard": draft.pk}
