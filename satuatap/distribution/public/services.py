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

from datetime import timedelta
from typing import cast

from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries import services as registry
from satuatap.beneficiaries.errors import BeneficiaryRefused, DocumentRefused
from satuatap.beneficiaries.models import Beneficiary, ConsentMethod, ConsentPurpose, DocumentKind
from satuatap.core.crypto import blind_index
from satuatap.core.errors import refusal_messages
from satuatap.core.uploads import forget_kept
from satuatap.distribution.errors import DistributionRefused, clean_text, whole_rupiah
from satuatap.distribution.models import Application, ApplicationStep, AppStatus, Channel, Program
from satuatap.distribution.public.selectors import (
    APPLICANT_FIELDS,
    COMPARED_FIELDS,
    REQUIRED_MESSAGES,
    is_open,
    required_kinds,
)
from satuatap.distribution.services import tracking_code

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
            parts.append(f"{cast(Field, Beneficiary._meta.get_field(field)).verbose_name}: {given}")
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
    need = clean_text(need, "need", 5000, required=True, message=_("Describe the need."))
    amount = whole_rupiah(requested_amount, "requested_amount")
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
