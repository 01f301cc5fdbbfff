"""Distribution over the REST API: public (no token), for an institution's own app or website.

``GET /public/aid-programs`` lists the programs open to online applications; ``POST
/public/aid-applications`` takes an application (multipart: the form's fields and files, the same
form and rules as the web page ``/bantuan/``) and answers its tracking code; ``GET
/public/aid-applications/{tracking_code}`` tells its status: the program, the current step and the
dates of the steps, never anything about the person. Sending applications and looking up codes are
limited per address (429 with ``Retry-After``). A request carrying a staff token is refused on the
public form: staff take applications through ``POST /distribution/applications``, under their name.
"""

from datetime import date

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from satuatap.api.schemas import ErrorOut
from satuatap.beneficiaries.models import DocumentKind
from satuatap.core.throttle import throttle_hit
from satuatap.distribution.models import AidKind, AppStatus, Program
from satuatap.distribution.public import selectors as public_selectors
from satuatap.distribution.public import services as public_services
from satuatap.distribution.public.forms import PublicApplicationForm
from satuatap.distribution.public.selectors import APPLICANT_FIELDS

router = Router(tags=["public aid applications"])


class DocumentOut(Schema):
    kind: str = Field(description="Send the file as the multipart field `document_<kind>`.")
    label: str


class PublicProgramOut(Schema):
    id: int = Field(description="Send it as `program_id` with an application.")
    code: str
    name: str
    institution_code: str
    institution: str
    office: str
    pillar: str
    aid_kind: AidKind
    end_date: date = Field(description="The last day applications are taken.")
    regions: list[str] = Field(description="Where the applicant must live (empty: anywhere).")
    required_documents: list[DocumentOut]
    apply_url: str = Field(description="The program's application form on the web.")


class PublicStepOut(Schema):
    status: AppStatus
    label: str
    on: date | None = Field(description="When the step was reached; null for a step not reached yet.")


class PublicStatusOut(Schema):
    tracking_code: str
    program: str
    institution: str
    status: AppStatus
    status_label: str
    message: str = Field(description="What the status means, for the applicant.")
    submitted_on: date
    steps: list[PublicStepOut]


class PublicApplicationOut(Schema):
    tracking_code: str = Field(description="The code the applicant follows the application with.")
    status_url: str
    status: PublicStatusOut


def _error(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _throttled(wait: int) -> JsonResponse:
    message = _("Too many requests from your address. Try again in %(seconds)s seconds.") % {"seconds": wait}
    response = JsonResponse(_error("throttled", message), status=429)
    response["Retry-After"] = str(wait)
    return response


def _program_out(request, program: Program) -> dict:
    return {
        "id": program.pk,
        "code": program.code,
        "name": program.name,
        "institution_code": program.institution.code,
        "institution": program.institution.legal_name or program.institution.name,
        "office": program.unit.name,
        "pillar": program.get_pillar_display(),
        "aid_kind": program.aid_kind,
        "end_date": program.end_date,
        "regions": program.regions,
        "required_documents": [
            {"kind": kind, "label": str(DocumentKind(kind).label)} for kind in public_selectors.required_kinds(program)
        ],
        "apply_url": request.build_absolute_uri(
            reverse("distribution:public_apply_program", args=[program.institution.code.lower(), program.code])
        ),
    }


@router.get(
    "/public/aid-programs",
    auth=None,
    response={200: list[PublicProgramOut], 404: ErrorOut},
    summary="Programs open to online applications (no login)",
    operation_id="satuatap_distribution_api_public_list_open_programs",
)
def list_open_programs(request, institution: str = ""):
    """Public, active programs within their period. ``institution``: an institution's code, to list
    only its programs (404 if no active institution has it)."""
    try:
        root = public_selectors.institution_public(institution) if institution else None
    except Http404:
        return Status(404, _error("not_found", _("No active institution has this code.")))
    return [_program_out(request, program) for program in public_selectors.programs_open(root)]


MULTIPART_SCHEMA = {
    "type": "object",
    "required": [
        "program_id",
        *[f for f in APPLICANT_FIELDS if f in public_selectors.REQUIRED_MESSAGES],
        "need",
        "requested_amount",
        "consent",
    ],
    "properties": {
        "program_id": {"type": "integer", "description": "From GET /public/aid-programs."},
        **{f: {"type": "string"} for f in APPLICANT_FIELDS},
        "birth_date": {"type": "string", "format": "date"},
        "sex": {"type": "string", "enum": ["M", "F"]},
        "need": {"type": "string", "maxLength": 5000},
        "requested_amount": {"type": "string", "description": "Whole rupiah: 1500000 or 1.500.000."},
        "guardian_name": {"type": "string", "description": "For an applicant under 18: who gives consent."},
        "guardian_relation": {"type": "string"},
        "consent": {"type": "boolean", "description": "Must be true: consent to the processing of the data."},
        **{
            f"document_{kind}": {
                "type": "string",
                "format": "binary",
                "description": "PDF, JPEG, PNG or WebP; required when the program lists this kind.",
            }
            for kind in DocumentKind.values
        },
    },
}


@router.post(
    "/public/aid-applications",
    auth=None,
    response={201: PublicApplicationOut, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Apply for aid (no login): multipart fields and files; answers the tracking code",
    description=(
        "The fields and files of the public form, as `multipart/form-data`. Missing or malformed fields answer "
        "422 with a message per field; a rule of the registry or the program (NIK agreeing with the birth date, "
        "a program not open, a file of a wrong type or too large) answers 400 naming the field. Nothing is kept "
        "of a refused application. Limited per address: 429 with `Retry-After`."
    ),
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": MULTIPART_SCHEMA}}}},
    operation_id="satuatap_distribution_api_public_create_application",
)
def create_application(request):
    if request.headers.get("Authorization") or request.headers.get("X-API-Key"):
        return Status(
            403,
            _error(
                "forbidden",
                _("This is the public form. Staff take applications through POST /api/v1/distribution/applications."),
            ),
        )
    wait = throttle_hit(request, "aid-apply", public_selectors.apply_rate())
    if wait:
        return _throttled(wait)
    raw_id = (request.POST.get("program_id") or "").strip()
    program = None
    if raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 18:
        program = public_selectors.programs_open().filter(pk=int(raw_id)).first()
    if program is None:
        message = _("Choose a program open to online applications (GET /api/v1/public/aid-programs).")
        return Status(400, _error("refused", message, {"program_id": [message]}))
    form = PublicApplicationForm(request.POST, request.FILES, program=program)
    if not form.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        return Status(422, _error("invalid_input", _("Some values are missing or invalid."), fields))
    application = public_services.public_application_submit(**form.submission())  # refusals: 400 by the API's handler
    status = public_selectors.status_of(application)
    return Status(
        201,
        {
            "tracking_code": application.tracking_code,
            "status_url": public_selectors.status_url(request, application.tracking_code),
            "status": status,
        },
    )


@router.get(
    "/public/aid-applications/{tracking_code}",
    auth=None,
    response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="The status of an application by its tracking code (no login; nothing about the person)",
    operation_id="satuatap_distribution_api_public_application_status",
)
def application_status(request, tracking_code: str):
    wait = throttle_hit(request, "aid-status", public_selectors.STATUS_RATE)
    if wait:
        return _throttled(wait)
    application = public_selectors.application_by_code(tracking_code)
    if application is None:
        return Status(404, _error("not_found", _("No application has this tracking code.")))
    return public_selectors.status_of(application)
