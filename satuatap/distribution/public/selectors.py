"""Reads of the public aid applications: the programs open online, the form's fields, and the status
of an application by its tracking code.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from satuatap.beneficiaries.models import DocumentKind
from satuatap.core.throttle import Rate
from satuatap.core.tracking import code_clean
from satuatap.distribution.models import Application, AppStatus, Program
from satuatap.organizations.models import Unit, UnitKind

# What the form asks of the applicant (the registry's field names), and which of it is required.
APPLICANT_FIELDS = (
    "full_name",
    "nik",
    "birth_place",
    "birth_date",
    "sex",
    "phone",
    "province",
    "regency",
    "district",
    "village",
    "region",
    "street",
    "rt",
    "rw",
)
REQUIRED_MESSAGES = {
    "full_name": gettext_lazy("Enter the full name."),
    "nik": gettext_lazy("Enter the NIK (16 digits, on the KTP or the KK)."),
    "birth_place": gettext_lazy("Enter the place of birth."),
    "birth_date": gettext_lazy("Enter the date of birth."),
    "sex": gettext_lazy("Choose male or female."),
    "phone": gettext_lazy("Enter a phone number we can reach you on."),
    "province": gettext_lazy("Enter the province."),
    "regency": gettext_lazy("Enter the regency or city."),
    "district": gettext_lazy("Enter the district (kecamatan)."),
    "village": gettext_lazy("Enter the village (kelurahan/desa)."),
    "street": gettext_lazy("Enter the street address."),
}
# Fields compared with a registered person's record when the NIK matches: what differs goes into
# the first step's note for the staff (never back to the public).
COMPARED_FIELDS = ("full_name", "phone", "village", "district", "regency")
# The steps every application takes, in order, shown to the applicant as they are reached.
MAIN_STEPS = (
    AppStatus.SUBMITTED,
    AppStatus.SCREENED,
    AppStatus.ASSESSED,
    AppStatus.RECOMMENDED,
    AppStatus.APPROVED,
    AppStatus.DISBURSED,
)
# What each status means to the applicant.
STATUS_MESSAGES = {
    AppStatus.SUBMITTED: gettext_lazy("Your application has been received. An officer will check it soon."),
    AppStatus.SCREENED: gettext_lazy(
        "Your application has been checked. An officer will assess your situation, possibly with a visit."
    ),
    AppStatus.ASSESSED: gettext_lazy("Your situation has been assessed. The application is being considered."),
    AppStatus.RECOMMENDED: gettext_lazy("Your application has been recommended and is waiting for a decision."),
    AppStatus.APPROVED: gettext_lazy("Your application has been approved. The office will contact you about the aid."),
    AppStatus.REJECTED: gettext_lazy(
        "Your application was not approved. For questions, please contact the office of the program."
    ),
    AppStatus.DISBURSED: gettext_lazy("The aid has been given."),
    AppStatus.EVIDENCED: gettext_lazy("The aid has been given."),
    AppStatus.FOLLOWED_UP: gettext_lazy("The aid has been given and followed up."),
}
# How often one address may look up a status.
STATUS_RATE = Rate(count=60, seconds=600)


def apply_rate() -> Rate:
    """How often one address may send an application, web form and API together: the
    ``PUBLIC_APPLICATIONS_PER_HOUR`` setting (raise it where many people share one address, as
    behind a mobile carrier's NAT)."""
    return Rate(count=settings.SATUATAP_PUBLIC_APPLICATIONS_PER_HOUR, seconds=3600)


# --- reads ----------------------------------------------------------------------------------------


def programs_open(institution: Unit | None = None) -> QuerySet[Program]:
    """The programs open to online applications today: public, active, within their period, run by
    an active office (of ``institution``, or of every institution)."""
    today = timezone.localdate()
    programs = Program.objects.filter(
        is_public=True,
        is_active=True,
        start_date__lte=today,
        end_date__gte=today,
        unit__is_active=True,
        institution__is_active=True,
    )
    if institution is not None:
        programs = programs.filter(institution=institution)
    return programs.select_related("unit", "institution").order_by("institution__name", "name", "id")


def institutions_open() -> QuerySet[Unit]:
    """The active institutions with at least one program open to online applications."""
    with_programs = programs_open().values("institution_id")
    return Unit.objects.filter(depth=1, kind=UnitKind.INSTITUTION, is_active=True, pk__in=with_programs).order_by(
        "name"
    )


def institution_public(code: str) -> Unit:
    """The active institution with this code, for the public pages; 404 if none (or ambiguous)."""
    roots = list(Unit.objects.filter(depth=1, kind=UnitKind.INSTITUTION, is_active=True, code=(code or "").upper())[:2])
    if len(roots) != 1:
        raise Http404
    return roots[0]


def program_open(institution: Unit, code: str) -> Program:
    """A program of ``institution`` open to online applications today; 404 otherwise (a closed, private
    or unknown program looks the same)."""
    program = programs_open(institution).filter(code=(code or "").lower()).first()
    if program is None:
        raise Http404
    return program


def required_kinds(program: Program) -> list[str]:
    """The program's required registry documents in the registry's order (KTP, KK, certificate, ...)."""
    return [kind for kind in DocumentKind.values if kind in (program.required_documents or [])]


def is_open(program: Program) -> bool:
    today = timezone.localdate()
    return bool(
        program.is_public
        and program.is_active
        and program.start_date <= today <= program.end_date
        and program.unit.is_active
        and program.institution.is_active
    )


def clean_code(raw: str) -> str:
    """A tracking code as people type it ("abcde 23456", "ABCDE-23456") in its stored form; "" if it
    cannot be one."""
    return code_clean(raw)


def application_by_code(raw: str) -> Application | None:
    code = clean_code(raw)
    if not code:
        return None
    return Application.objects.select_related("program", "unit", "institution").filter(tracking_code=code).first()


def status_url(request, code: str) -> str:
    """The address of the status page of ``code``, on ``PUBLIC_URL`` when it is set."""
    path = reverse("distribution:public_status") + f"?code={code}"
    base = getattr(settings, "SATUATAP_PUBLIC_URL", "") or ""
    return base + path if base else request.build_absolute_uri(path)


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    on: date | None  # None: not reached yet


@dataclass(frozen=True)
class PublicStatus:
    """What the applicant may see of their application: no personal data, no amount, no note."""

    tracking_code: str
    program: str
    institution: str
    status: str
    status_label: str
    message: str
    submitted_on: date
    steps: list[Step]


def status_of(application: Application) -> PublicStatus:
    """The application's current step and the dates of its steps, in the office's time zone; the
    main steps not reached yet follow without a date (none after a rejection)."""
    zone = application.unit.tzinfo
    reached: dict[str, date] = {}
    for to_status, at in application.steps.order_by("at", "id").values_list("to_status", "at"):
        reached.setdefault(to_status, timezone.localtime(at, zone).date())
    steps = [Step(s, str(AppStatus(s).label), on) for s, on in reached.items()]
    if application.status != AppStatus.REJECTED:
        steps += [Step(s, str(s.label), None) for s in MAIN_STEPS if s not in reached]
    submitted = reached.get(AppStatus.SUBMITTED) or timezone.localtime(application.created_at, zone).date()
    return PublicStatus(
        tracking_code=application.tracking_code,
        program=application.program.name,
        institution=application.institution.legal_name or application.institution.name,
        status=application.status,
        status_label=str(AppStatus(application.status).label),
        message=str(STATUS_MESSAGES[AppStatus(application.status)]),
        submitted_on=submitted,
        steps=steps,
    )
