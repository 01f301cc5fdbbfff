"""Aid applications from the public: a family applies online for a program open to online
applications, and follows its application on a status page by its tracking code.

No staff member acts, so ``services.application_submit`` (which checks the actor's role and view
of the person) does not fit; ``public_application_submit`` keeps its rules with the program's own
unit as the office. The person goes into the registry through the registry's services and rules:
registered with the consent given on the form, or, when the NIK is already registered in the
institution, the application is attached to that record — and the answer to the public is the same
either way, so the form tells nobody whether a NIK is known. The uploaded documents become the
person's registry documents, so they count for the program's required documents later.

The status page and API show the program, the current step and the dates of the steps: never a
name, an identifier, an address, an amount or a note.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries import services as registry
from satuatap.beneficiaries.errors import BeneficiaryRefused, DocumentRefused
from satuatap.beneficiaries.models import Beneficiary, ConsentMethod, ConsentPurpose, DocumentKind
from satuatap.core.crypto import blind_index
from satuatap.core.errors import refusal_messages
from satuatap.core.throttle import Rate
from satuatap.core.uploads import forget_kept
from satuatap.distribution.errors import DistributionRefused
from satuatap.distribution.models import Application, ApplicationStep, AppStatus, Channel, Program
from satuatap.distribution.services import _amount, _text, tracking_code
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
# A tracking code as ``services.tracking_code`` makes it: 10 characters without look-alikes.
CODE_RE = re.compile(r"^[A-HJ-NP-Z2-9]{10}$")


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
    code = re.sub(r"[\s\-.]", "", str(raw or "")).upper()[:40]
    return code if CODE_RE.match(code) else ""


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
        message=str(STATUS_MESSAGES[application.status]),
        submitted_on=submitted,
        steps=steps,
    )


# --- the application ------------------------------------------------------------------------------


def _person_with_nik(institution_id: int, nik: str) -> Beneficiary | None:
    """The institution's record in use with this NIK, found by its keyed hash."""
    return (
        Beneficiary.objects.filter(institution_id=institution_id, merged_into__isnull=True, erased_at__isnull=True)
        .filter(nik_hash=blind_index("nik", nik))
        .order_by("pk")
        .first()
    )


def _differences(person: Beneficiary, cleaned: dict) -> str:
    """For the staff: what the form says of a registered person that differs from their record."""
    parts = []
    for field in COMPARED_FIELDS:
        given = cleaned.get(field) or ""
        if given and given.casefold() != (getattr(person, field) or "").casefold():
            parts.append(f"{Beneficiary._meta.get_field(field).verbose_name}: {given}")
    note = _("Applied online; the NIK matched a registered person.")
    if parts:
        note += " " + _("Given on the form and different from the record: %(details)s.") % {"details": "; ".join(parts)}
    return note


def public_application_submit(
    *,
    program: Program,
    applicant: dict,
    need: str,
    requested_amount,
    documents: dict,
    consent: bool,
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Application:
    """Take an application from the online form for a program open to online applications: the
    person is registered (or found by their NIK), the uploaded documents kept in the registry, the
    application submitted with the program's office as its unit. All of it or nothing: the files kept
    for a refused attempt are removed again."""
    kept: list[str] = []
    try:
        with transaction.atomic():
            return _submit(
                program=program,
                applicant=applicant,
                need=need,
                requested_amount=requested_amount,
                documents=documents,
                consent=consent,
                guardian_name=guardian_name,
                guardian_relation=guardian_relation,
                kept=kept,
            )
    except BaseException:
        for path in kept:
            forget_kept(path)
        raise


def _submit(*, program, applicant, need, requested_amount, documents, consent, guardian_name, guardian_relation, kept):
    # Check everything before anything is written.
    program = Program.objects.select_related("unit", "institution").get(pk=program.pk)
    if not is_open(program):
        raise DistributionRefused(_("This program is not open for online applications now."), field="program")
    need = _text(need, "need", 5000, required=True, message=_("Describe the need."))
    amount = _amount(requested_amount, "requested_amount")
    unknown = set(applicant) - set(APPLICANT_FIELDS)
    if unknown:
        raise DistributionRefused(_("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if applicant.get("region"):  # a picked region stands for the names of its levels
        named = registry.clean_fields({"region": applicant["region"]})
        applicant = {**applicant, **{field: value for field, value in named.items() if value}}
    for field, message in REQUIRED_MESSAGES.items():
        if applicant.get(field) in (None, ""):
            raise DistributionRefused(str(message), field=field)
    cleaned = registry.clean_fields({f: applicant[f] for f in APPLICANT_FIELDS if f in applicant})
    if consent is not True:
        raise DistributionRefused(
            _("Agree to the processing of your data for this application; without it we cannot take it."),
            field="consent",
        )
    given_consent = {
        "method": ConsentMethod.DIGITAL,
        "purpose": ConsentPurpose.ASSISTANCE,
        "guardian_name": guardian_name,
        "guardian_relation": guardian_relation,
    }
    person = _person_with_nik(program.institution_id, cleaned["nik"])
    # The registry's rules across fields, on the data as given: the birth date and sex agree with the
    # NIK, a child's guardian gives the consent. Its one rule about the NIK — that it is new to the
    # institution — is left out: a known NIK attaches the application to its record, and its message
    # would tell the public who holds the NIK.
    problems = [
        problem
        for problem in registry.registration_problems(program.institution_id, cleaned, given_consent)
        if "nik" not in {field for field, _message in refusal_messages(problem)}
    ]
    if problems:
        raise problems[0]
    uploads = {kind: upload for kind, upload in (documents or {}).items() if upload}
    unknown_kinds = set(uploads) - set(DocumentKind.values)
    if unknown_kinds:
        raise DistributionRefused(_("Choose the kind of document."), field=f"document_{sorted(unknown_kinds)[0]}")
    for kind in required_kinds(program):
        if kind not in uploads:
            raise DistributionRefused(
                _("Upload the %(document)s; this program needs it.") % {"document": DocumentKind(kind).label},
                field=f"document_{kind}",
            )

    note = ""
    if person is None:
        person = registry.beneficiary_register_online(unit=program.unit, consent=given_consent, **cleaned)
    else:
        note = _differences(person, cleaned)
        try:
            registry.consent_record_online(beneficiary=person, **given_consent)
        except BeneficiaryRefused:
            # Said without the record's name: the public must not learn it.
            raise DistributionRefused(
                _("A parent or guardian gives consent for a child: enter their name and relation."),
                field="guardian_name",
            ) from None
    for kind, upload in uploads.items():
        try:
            document = registry.document_add_online(beneficiary=person, kind=kind, upload=upload)
        except DocumentRefused as exc:
            messages = [message for _field, message in refusal_messages(exc)]
            raise DistributionRefused(" ".join(messages), field=f"document_{kind}") from None
        kept.append(document.path)

    unit = program.unit
    application = Application(
        institution_id=program.institution_id,
        unit=unit,
        program=program,
        beneficiary=person,
        channel=Channel.PUBLIC,
        need=need,
        requested_amount=amount,
        created_by=None,
        due_on=timezone.localdate() + timedelta(days=program.step_days),
    )
    for _attempt in range(5):
        application.tracking_code = tracking_code()
        if not Application.objects.filter(tracking_code=application.tracking_code).exists():
            break
    application.save()
    ApplicationStep.objects.create(application=application, to_status=AppStatus.SUBMITTED, actor=None, note=note)
    audit_record(
        actor=None,
        action=AuditAction.APPLICATION_STEP,
        target=application,
        unit=unit,
        changes={
            "status": [None, AppStatus.SUBMITTED],
            "amount": [None, amount],
            "channel": [None, Channel.PUBLIC],
            "documents": [None, len(uploads)],
        },
        note=note or _("Applied online."),
    )
    return application
