"""Writes of distribution: programs, authority limits, the application workflow and disbursements.

Each step checks the acting user's role on the application's unit, keeps a row of
``ApplicationStep``, and leaves an audit event. The approval checks eligibility (status,
asnaf, need score), the approver's authority limit, that nobody approves their own
recommendation, the fund's available balance, and the program's fair-share rules against
the person's and household's aid history across the whole institution. A disbursement posts
one balanced entry to the ledger and one aid-history row, in one transaction.
"""

import secrets
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.audit.models import AuditAction
from satuatap.audit.services import audit_record
from satuatap.beneficiaries import services as registry
from satuatap.beneficiaries.models import AidRecord, Beneficiary, DocumentKind, Status
from satuatap.beneficiaries.selectors import beneficiaries_for
from satuatap.core.asnaf import Asnaf
from satuatap.core.errors import NotAllowed, Refusals
from satuatap.core.formatting import rupiah, tanggal
from satuatap.core.identifiers import clean_phone
from satuatap.core.money import MAX_RUPIAH
from satuatap.distribution.errors import DistributionRefused, FairShareWarning
from satuatap.distribution.models import (
    PROGRAM_FUNDS,
    AidKind,
    Application,
    ApplicationStep,
    AppStatus,
    AuthorityLimit,
    Channel,
    Disbursement,
    Program,
)
from satuatap.ledger import services as ledger
from satuatap.ledger.models import AccountRole, FundKind, LedgerBalance, Source
from satuatap.ledger.pillars import pillars_of
from satuatap.ledger.selectors import fund_available
from satuatap.ledger.services.lookups import fund_of
from satuatap.organizations.models import Role, Unit
from satuatap.organizations.permissions import active_memberships, require

# Statuses a person must have to be helped.
HELPABLE = (Status.VERIFIED, Status.ACTIVE)
# The asnaf a program may name: amil is paid through the amil share, not through programs.
PROGRAM_ASNAF = tuple(a for a in Asnaf.values if a != Asnaf.AMIL)


def _amount(value, field: str, *, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value > MAX_RUPIAH or value < (0 if allow_zero else 1):
        raise DistributionRefused(_("Enter a positive amount in whole rupiah."), field=field)
    return value


def _text(value, field: str, limit: int, *, required: bool = False, message: str = "") -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise DistributionRefused(message or _("This field is required."), field=field)
    if len(text) > limit:
        raise DistributionRefused(
            _("This text is too long (at most %(max)s characters).") % {"max": limit}, field=field
        )
    return text


# --- programs and authority limits ----------------------------------------------------------------


@transaction.atomic
def program_save(*, actor, unit: Unit, program: Program | None = None, **fields) -> Program:
    """Create a program of ``unit`` (or change ``program``): fund, pillar, asnaf for zakat, budget,
    period, kind of aid and the eligibility and fair-share rules."""
    require(actor, "distribution.configure", unit)
    refusals = Refusals()
    code = name = ""
    with refusals.check():
        code = _text(fields.get("code"), "code", 40, required=True, message=_("Give the program a short code."))
        if not code.replace("-", "").isalnum() or code.lower() != code:
            raise DistributionRefused(_("A code is lower-case letters, digits and dashes."), field="code")
    with refusals.check():
        name = _text(fields.get("name"), "name", 200, required=True, message=_("Name the program."))
    with refusals.check():
        if fields.get("pillar") not in dict(pillars_of(unit.institution_id)):
            raise DistributionRefused(_("Choose a pillar."), field="pillar")
    fund_kind = fields.get("fund_kind")
    with refusals.check():
        if fund_kind not in PROGRAM_FUNDS:
            raise DistributionRefused(_("Choose the fund the program spends."), field="fund_kind")
    asnaf = sorted(set(fields.get("asnaf") or []))
    if fund_kind == FundKind.ZAKAT:
        with refusals.check():
            if not asnaf:
                raise DistributionRefused(_("A zakat program names the asnaf it may help."), field="asnaf")
            if not set(asnaf) <= set(PROGRAM_ASNAF):
                raise DistributionRefused(
                    _("Choose asnaf from the list (amil is paid through the amil share)."), field="asnaf"
                )
    else:
        asnaf = []
    with refusals.check():
        if fields.get("aid_kind", AidKind.CASH) not in AidKind.values:
            raise DistributionRefused(_("Choose the kind of aid."), field="aid_kind")
    start, end = fields.get("start_date"), fields.get("end_date")
    with refusals.check():
        if not isinstance(start, date) or not isinstance(end, date) or end < start:
            raise DistributionRefused(_("Give a start date and an end date on or after it."), field="end_date")
    min_score = fields.get("min_score")
    with refusals.check():
        if min_score is not None and not (isinstance(min_score, int) and 0 <= min_score <= 100):
            raise DistributionRefused(_("A need score is between 0 and 100."), field="min_score")
    once = fields.get("once_per_months")
    with refusals.check():
        if once is not None and not (isinstance(once, int) and 1 <= once <= 120):
            raise DistributionRefused(_("Give a number of months between 1 and 120."), field="once_per_months")
    cap = fields.get("household_yearly_cap")
    regions = [" ".join(str(r).split()) for r in fields.get("regions") or [] if str(r).strip()]
    with refusals.check():
        if len(regions) > 50 or any(len(r) > 100 for r in regions):
            raise DistributionRefused(_("Name at most 50 regions of at most 100 characters each."), field="regions")
    documents = sorted(set(fields.get("required_documents") or []))
    with refusals.check():
        if not set(documents) <= set(DocumentKind.values):
            raise DistributionRefused(_("Choose documents from the list."), field="required_documents")
    installments = fields.get("installments")
    if fields.get("aid_kind") == AidKind.LOAN:
        with refusals.check():
            if not (isinstance(installments, int) and 1 <= installments <= 120):
                raise DistributionRefused(
                    _("A loan program says in how many monthly installments (1 to 120) it is repaid."),
                    field="installments",
                )
    else:
        installments = None
    budget = household_yearly_cap = None
    with refusals.check():
        budget = _amount(fields.get("budget"), "budget", allow_zero=True)
    with refusals.check():
        household_yearly_cap = None if cap in (None, "") else _amount(cap, "household_yearly_cap")
    with refusals.check():
        taken = Program.objects.filter(institution_id=unit.institution_id, code=code)
        if program is not None:
            taken = taken.exclude(pk=program.pk)
        if code and taken.exists():
            raise DistributionRefused(_("Another program already has this code."), field="code")
    refusals.raise_any(DistributionRefused)
    values = {
        "code": code,
        "name": name,
        "pillar": fields["pillar"],
        "fund_kind": fund_kind,
        "asnaf": asnaf,
        "aid_kind": fields.get("aid_kind", AidKind.CASH),
        "budget": budget,
        "target_people": max(int(fields.get("target_people") or 0), 0),
        "start_date": start,
        "end_date": end,
        "min_score": min_score,
        "once_per_months": once,
        "household_yearly_cap": household_yearly_cap,
        "step_days": min(max(int(fields.get("step_days") or 7), 1), 90),
        "regions": regions,
        "required_documents": documents,
        "is_public": bool(fields.get("is_public", False)),
        "installments": installments,
        "is_active": bool(fields.get("is_active", True)),
    }
    if program is None:
        program = Program(institution_id=unit.institution_id, unit=unit, created_by=actor)
    elif program.unit_id != unit.pk:
        raise NotAllowed(_("This program belongs to another unit."))
    else:
        _check_keeps_its_money(program, fund_kind)
    for name_, value in values.items():
        setattr(program, name_, value)
    program.save()
    audit_record(
        actor=actor,
        action=AuditAction.PROGRAM_SAVED,
        target=program,
        unit=unit,
        changes={"budget": [None, program.budget], "fund": [None, program.fund_kind]},
    )
    return program


def _check_keeps_its_money(program: Program, fund_kind: str) -> None:
    """A program's fund stays as it is once applications or money ride on it: approvals were checked
    against that fund, loans are repaid into it, and gifts for a restricted-infak program are held
    under the program itself (``Program.restriction``), so its code may change but not its fund."""
    if fund_kind == program.fund_kind:
        return
    field = "fund_kind"
    if program.applications.exists():
        raise DistributionRefused(
            _(
                "This program already has applications, so its fund and the code of its restricted money "
                "stay as they are. End it and open a new program instead."
            ),
            field=field,
        )
    if (
        program.restriction
        and LedgerBalance.objects.filter(
            institution_id=program.institution_id, fund__kind=FundKind.INFAK_RESTRICTED, restriction=program.restriction
        ).exists()
    ):
        raise DistributionRefused(
            _(
                "Infak was already given for this program, so its fund stays as it is. "
                "End it and open a new program instead."
            ),
            field=field,
        )


@transaction.atomic
def authority_limit_set(*, actor, unit: Unit, role: str, max_amount: int | None) -> AuthorityLimit | None:
    """Set up to which amount ``role`` approves at ``unit`` and below; ``None`` removes the limit.
    Nobody sets the limit of a role they hold at ``unit`` or below (it would be their own): an office
    above sets it, but at the institution's top office, whose administrators have nobody above."""
    require(actor, "distribution.configure", unit)
    refusals = Refusals()  # the role and the amount at once
    with refusals.check():
        if role not in (Role.HEAD, Role.PROGRAM, Role.FINANCE, Role.ADMIN):
            raise DistributionRefused(_("Choose a role that approves."), field="role")
    with refusals.check():
        if max_amount is not None:
            _amount(max_amount, "max_amount")
    refusals.raise_any(DistributionRefused)
    own = any(m.role == role and m.unit.path.startswith(unit.path) for m in active_memberships(actor))
    if own and unit.pk != unit.institution_id:
        raise NotAllowed(
            _("You hold this role at %(unit)s or below, so this limit would be your own; an office above sets it.")
            % {"unit": unit.name}
        )
    if max_amount is None:
        AuthorityLimit.objects.filter(unit=unit, role=role).delete()
        limit = None
    else:
        limit, _created = AuthorityLimit.objects.update_or_create(
            unit=unit, role=role, defaults={"max_amount": _amount(max_amount, "max_amount"), "created_by": actor}
        )
    audit_record(
        actor=actor,
        action=AuditAction.AUTHORITY_LIMIT_SET,
        target=unit,
        unit=unit,
        changes={role: [None, max_amount]},
    )
    return limit


def approval_limit(user, unit: Unit) -> int:
    """The largest amount ``user`` may approve for ``unit``: over the roles they hold on ``unit`` or
    an ancestor of it, the limit of that role at the membership's unit (or, where that unit sets
    none, the nearest unit above it that does); 0 for none."""
    paths = unit.lineage_paths
    best = 0
    for membership in active_memberships(user):
        if membership.unit.path not in paths:
            continue
        limits = AuthorityLimit.objects.filter(role=membership.role, unit__path__in=membership.unit.lineage_paths)
        nearest = max(limits.select_related("unit"), key=lambda limit: len(limit.unit.path), default=None)
        if nearest is not None:
            best = max(best, nearest.max_amount)
    return best


def approver_unit(unit: Unit, amount: int) -> Unit | None:
    """The nearest unit from ``unit`` up whose approvers may approve ``amount`` (where an
    application above its office's limit goes); None when no unit's limit is high enough."""
    limits = AuthorityLimit.objects.filter(unit__path__in=unit.lineage_paths, max_amount__gte=amount).select_related(
        "unit"
    )
    found = sorted(limits, key=lambda limit: -len(limit.unit.path))
    return found[0].unit if found else None


# --- the application workflow -------------------------------------------------------------------


def _step(application: Application, actor, to_status: str, note: str = "") -> None:
    """Move a saved application to ``to_status`` (the caller saves it): the step row, the audit event
    and the next deadline."""
    ApplicationStep.objects.create(
        application=application, from_status=application.status, to_status=to_status, actor=actor, note=note
    )
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_STEP,
        target=application,
        unit=application.unit,
        changes={"status": [application.status, to_status]},
        note=note,
    )
    application.status = to_status
    application.due_on = timezone.localdate() + timedelta(days=application.program.step_days)


# The steps a batch takes for all its applications at once: never one application alone.
BATCH_STEPS = frozenset({AppStatus.RECOMMENDED, AppStatus.APPROVED})


def _locked(application: Application, *expected: str) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("program", "unit").get(pk=application.pk)
    )
    if expected and locked.status not in expected:
        raise DistributionRefused(
            _("This application is %(status)s; this step is not possible now.")
            % {"status": locked.get_status_display().lower()}
        )
    if locked.batch_id is not None and BATCH_STEPS.intersection(expected):
        raise DistributionRefused(
            _("This application is part of a batch; it is approved and paid with the batch, not on its own.")
        )
    return locked


def tracking_code() -> str:
    """A code the applicant can type on the status page: 10 characters without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def application_submit(
    *,
    actor,
    unit: Unit,
    program: Program,
    beneficiary: Beneficiary,
    need: str,
    requested_amount: int,
    channel: str = Channel.COUNTER,
    referrer_name: str = "",
    referrer_organisation: str = "",
    referrer_phone: str = "",
) -> Application:
    """Take an application for help for a registered person under a program of the institution;
    a referral names who sent the person (a partner, a mosque, a village office)."""
    require(actor, "distribution.apply", unit)
    if program.institution_id != unit.institution_id or beneficiary.institution_id != unit.institution_id:
        raise DistributionRefused(_("The program and the person must belong to this institution."))
    if not program.unit.contains(unit):
        raise DistributionRefused(_("This program is run by another office; choose one of this office or above it."))
    if not beneficiaries_for(actor).filter(pk=beneficiary.pk).exists():
        raise NotAllowed(_("This person is not registered in your units."))
    refusals = Refusals()
    with refusals.check():
        if not program.is_active or not (program.start_date <= timezone.localdate() <= program.end_date):
            raise DistributionRefused(_("This program is not open for applications now."), field="program")
    with refusals.check():
        if beneficiary.is_merged or beneficiary.erased_at or beneficiary.status == Status.DECEASED:
            raise DistributionRefused(_("This person cannot apply: the record is closed."), field="beneficiary")
    with refusals.check():
        if channel not in Channel.values:
            raise DistributionRefused(_("Choose how the application came in."), field="channel")
    with refusals.check():
        need = _text(need, "need", 5000, required=True, message=_("Describe the need."))
    with refusals.check():
        requested_amount = _amount(requested_amount, "requested_amount")
    referral = {}
    with refusals.check():
        referral["referrer_name"] = _text(referrer_name, "referrer_name", 200)
        if channel == Channel.REFERRAL and not referral["referrer_name"]:
            raise DistributionRefused(
                _("Name the person or partner who referred the applicant."), field="referrer_name"
            )
    with refusals.check():
        referral["referrer_organisation"] = _text(referrer_organisation, "referrer_organisation", 200)
    with refusals.check():
        referral["referrer_phone"] = clean_phone(referrer_phone, DistributionRefused, "referrer_phone")
    refusals.raise_any(DistributionRefused)
    if channel != Channel.REFERRAL:
        referral = {}
    application = Application(
        institution_id=unit.institution_id,
        unit=unit,
        program=program,
        beneficiary=beneficiary,
        channel=channel,
        need=need,
        requested_amount=requested_amount,
        created_by=actor if actor.is_authenticated else None,
        due_on=timezone.localdate() + timedelta(days=program.step_days),
        **referral,
    )
    for _attempt in range(5):
        application.tracking_code = tracking_code()
        if not Application.objects.filter(tracking_code=application.tracking_code).exists():
            break
    application.save()
    ApplicationStep.objects.create(application=application, to_status=AppStatus.SUBMITTED, actor=application.created_by)
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_STEP,
        target=application,
        unit=unit,
        changes={"status": [None, AppStatus.SUBMITTED], "amount": [None, application.requested_amount]},
    )
    return application


@transaction.atomic
def application_screen(*, actor, application: Application, note: str = "", reject: bool = False) -> Application:
    """First look: complete and within the program (or rejected with the reason)."""
    require(actor, "distribution.assess", application.unit)
    application = _locked(application, AppStatus.SUBMITTED)
    if reject:
        return _reject(actor, application, note)
    _step(application, actor, AppStatus.SCREENED, _text(note, "note", 2000))
    application.save()
    return application


@transaction.atomic
def application_assess(*, actor, application: Application, note: str = "") -> Application:
    """Link the person's latest field assessment (made in the registry) to the application."""
    require(actor, "distribution.assess", application.unit)
    application = _locked(application, AppStatus.SCREENED)
    latest = application.beneficiary.assessments.order_by("-assessed_on", "-id").first()
    if latest is None:
        raise DistributionRefused(_("Assess the person first (on their page in the registry)."))
    application.assessment = latest
    _step(application, actor, AppStatus.ASSESSED, _text(note, "note", 2000))
    application.save()
    return application


@transaction.atomic
def application_recommend(*, actor, application: Application, amount: int, note: str = "") -> Application:
    """The program officer's recommendation: how much, with the reason."""
    require(actor, "distribution.recommend", application.unit)
    application = _locked(application, AppStatus.ASSESSED)
    application.recommended_amount = _amount(amount, "amount")
    application.recommended_by = actor
    _step(application, actor, AppStatus.RECOMMENDED, _text(note, "note", 2000))
    application.save()
    return application


def _reject(actor, application: Application, note: str) -> Application:
    note = _text(note, "note", 2000, required=True, message=_("Give the reason for rejecting."))
    application.decided_by = actor
    _step(application, actor, AppStatus.REJECTED, note)
    application.due_on = None
    application.save()
    return application


def eligibility_problems(application: Application) -> list[str]:
    """Why the person may not be helped under this program, if anything."""
    person, program = application.beneficiary, application.program
    problems = []
    if person.is_held:
        problems.append(
            _("%(name)s may be the same person as %(other)s: someone must review the possible duplicate first.")
            % {"name": person.full_name, "other": person.possible_duplicate_of.number}
        )
    if person.status not in HELPABLE:
        problems.append(
            _("%(name)s is %(status)s; only verified or active beneficiaries are helped.")
            % {"name": person.full_name, "status": person.get_status_display().lower()}
        )
    if program.fund_kind == FundKind.ZAKAT and person.asnaf not in program.asnaf:
        problems.append(
            _("Zakat of this program goes only to %(asnaf)s; %(name)s is %(theirs)s.")
            % {
                "asnaf": ", ".join(program.asnaf_labels()),
                "name": person.full_name,
                "theirs": person.get_asnaf_display() or _("not classified"),
            }
        )
    if program.regions and not lives_in(person, program.regions):
        problems.append(
            _("The program serves %(regions)s; %(name)s lives in %(where)s.")
            % {
                "regions": ", ".join(program.regions),
                "name": person.full_name,
                "where": ", ".join(p for p in (person.district, person.regency, person.province) if p)
                or _("an unknown place"),
            }
        )
    missing = missing_documents(person, program)
    if missing:
        problems.append(
            _("Documents still missing for this program: %(documents)s.") % {"documents": ", ".join(missing)}
        )
    if program.min_score is not None:
        score = application.assessment.score if application.assessment_id else None
        if score is None or score < program.min_score:
            problems.append(
                _("The program needs a need score of at least %(min)s; this application's is %(score)s.")
                % {"min": program.min_score, "score": "—" if score is None else score}
            )
    return problems


def _place(name: str) -> str:
    """A region's name without its kind, in lower case: "Kota Surakarta" and "SURAKARTA" match."""
    words = name.lower().replace(".", " ").split()
    while words and words[0] in ("kota", "kabupaten", "kab", "provinsi", "prov", "kecamatan", "kec"):
        words = words[1:]
    return " ".join(words)


def lives_in(person, regions: list[str]) -> bool:
    """Whether the person's address lies in one of the named provinces, regencies/cities or districts."""
    places = {_place(p) for p in (person.province, person.regency, person.district) if p}
    return any(_place(region) in places for region in regions)


def missing_documents(person, program: Program) -> list[str]:
    """The labels of the program's required documents the person has none of in the registry."""
    if not program.required_documents:
        return []
    held = set(person.documents.values_list("kind", flat=True))
    return [str(DocumentKind(kind).label) for kind in program.required_documents if kind not in held]


def fair_share_warnings(application: Application, amount: int, on: date | None = None) -> list[str]:
    """What the program's fair-share rules say about helping this person now, read from the aid
    history of the whole institution (the person's and their household's)."""
    on = on or timezone.localdate()
    person, program = application.beneficiary, application.program
    warnings = []
    if program.once_per_months:
        since = on - timedelta(days=round(program.once_per_months * 30.44))
        earlier = AidRecord.objects.filter(
            beneficiary=person, source__startswith=f"program:{program.pk}:", given_on__gte=since
        ).order_by("-given_on")
        last = earlier.first()
        if last is not None:
            warnings.append(
                _("%(name)s was already helped by this program on %(date)s; the rule is once in %(months)s months.")
                % {"name": person.full_name, "date": tanggal(last.given_on), "months": program.once_per_months}
            )
    if program.household_yearly_cap:
        year_ago = on - timedelta(days=365)
        scope = {"household_id": person.household_id} if person.household_id else {"beneficiary": person}
        received = (
            AidRecord.objects.filter(given_on__gte=year_ago, **scope).aggregate(total=Sum("amount"))["total"] or 0
        )
        if received + amount > program.household_yearly_cap:
            warnings.append(
                _(
                    "The household received %(received)s in the last 12 months; "
                    "with %(amount)s it passes the cap of %(cap)s."
                )
                % {
                    "received": rupiah(received),
                    "amount": rupiah(amount),
                    "cap": rupiah(program.household_yearly_cap),
                }
            )
    return warnings


@transaction.atomic
def application_decide(
    *,
    actor,
    application: Application,
    approve: bool,
    amount: int | None = None,
    note: str = "",
    override_reason: str = "",
) -> Application:
    """Approve (within the approver's authority limit, never one's own recommendation, the person
    eligible, the fund able to pay, the fair-share rules kept or overridden with a reason) or reject."""
    require(actor, "distribution.approve", application.unit)
    application = _locked(application, AppStatus.RECOMMENDED)
    if application.recommended_by_id == actor.pk:
        raise NotAllowed(_("You recommended this application; another person approves it."))
    if not approve:
        return _reject(actor, application, note)
    amount = _amount(application.recommended_amount if amount is None else amount, "amount")
    problems = eligibility_problems(application)
    if problems:
        raise DistributionRefused(" ".join(problems))
    limit = approval_limit(actor, application.unit)
    if amount > limit:
        higher = approver_unit(application.unit, amount)
        where = _("an approver at %(unit)s") % {"unit": higher.name} if higher else _("no office (set a higher limit)")
        raise NotAllowed(
            _("%(amount)s is above your authority limit of %(limit)s; it goes to %(where)s.")
            % {"amount": rupiah(amount), "limit": rupiah(limit), "where": where}
        )
    program = application.program
    fund = fund_of(application.institution_id, program.fund_kind)
    available = fund_available(application.unit, fund, program.restriction or None)
    if amount > available:
        raise DistributionRefused(
            _("%(fund)s of %(unit)s has %(available)s available; %(amount)s cannot be approved.")
            % {
                "fund": fund.name,
                "unit": application.unit.name,
                "available": rupiah(available),
                "amount": rupiah(amount),
            }
        )
    warnings = fair_share_warnings(application, amount)
    override_reason = _text(override_reason, "override_reason", 2000)
    if warnings and not override_reason:
        raise FairShareWarning(" ".join(warnings), field="override_reason")
    application.approved_amount = amount
    application.decided_by = actor
    application.override_reason = override_reason if warnings else ""
    note = _text(note, "note", 2000)
    if warnings:
        note = " ".join([note, _("Fair-share rule overridden: %(reason)s") % {"reason": override_reason}]).strip()
    _step(application, actor, AppStatus.APPROVED, note)
    application.save()
    return application


# --- disbursements --------------------------------------------------------------------------------


def disbursement_post(
    *,
    actor,
    application: Application,
    amount: int,
    credit_account,
    kind: str,
    paid_on: date | None = None,
    debit_account=None,
    reference: str = "",
    payee_name: str = "",
    payee_account: str = "",
    description: str = "",
) -> Disbursement:
    """The one way help is given out, whatever its kind: checks the amount against what is left of
    the approval and the person's eligibility, posts Dr ``debit_account`` (default: the distribution
    account of the asnaf for zakat, of the pillar otherwise) / Cr ``credit_account`` (cash, bank,
    inventory), keeps the disbursement and the aid-history row, and marks the application disbursed
    once fully paid. The caller holds ``distribution.pay`` and runs inside a transaction."""
    require(actor, "distribution.pay", application.unit)
    application = _locked(application, AppStatus.APPROVED)
    person, program = application.beneficiary, application.program
    amount = _payable(application, amount)
    problems = eligibility_problems(application)
    if problems:
        raise DistributionRefused(" ".join(problems))
    paid_on = _payment_day(paid_on)
    if debit_account is None:
        debit_account = ledger.distribution_account(
            application.institution_id, program.fund_kind, asnaf=person.asnaf, pillar=program.pillar
        )
    number = application.disbursements.count() + 1
    entry = ledger.entry_post(
        actor=actor,
        unit=application.unit,
        entry_date=paid_on,
        source=Source.DISBURSEMENT,
        source_ref=f"{application.tracking_code}/{number}",
        idempotency_key=f"disbursement:{application.tracking_code}:{number}",
        memo=_("%(program)s: %(name)s") % {"program": program.name, "name": person.number},
        lines=[
            ledger.LineSpec(debit_account, program.fund_kind, debit=amount, restriction=program.restriction),
            ledger.LineSpec(credit_account, program.fund_kind, credit=amount, restriction=program.restriction),
        ],
    )
    disbursement = Disbursement.objects.create(
        application=application,
        institution_id=application.institution_id,
        unit=application.unit,
        program=program,
        beneficiary=person,
        household_id=person.household_id,
        amount=amount,
        paid_on=paid_on,
        money_account=credit_account,
        reference=_text(reference, "reference", 100),
        kind=kind,
        payee_name=_text(payee_name, "payee_name", 200),
        payee_account=_text(payee_account, "payee_account", 200),
        entry=entry,
        created_by=actor,
    )
    registry.aid_record(
        actor=actor,
        beneficiary=person,
        unit=application.unit,
        given_on=paid_on,
        program=program.name,
        amount=amount,
        description=(description or application.need)[:300],
        asnaf=person.asnaf if program.fund_kind == FundKind.ZAKAT else "",
        source=f"program:{program.pk}:disbursement:{disbursement.pk}",
        capability="distribution.pay",
    )
    application.paid_amount += amount
    if application.left_to_pay == 0:
        _step(application, actor, AppStatus.DISBURSED)  # the evidence is due next
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.DISBURSEMENT_PAID,
        target=application,
        unit=application.unit,
        changes={"amount": [None, amount], "entry": [None, entry.pk], "kind": [None, kind]},
    )
    return disbursement


def _payable(application: Application, amount) -> int:
    amount = _amount(amount, "amount")
    if amount > application.left_to_pay:
        raise DistributionRefused(
            _("Only %(left)s of the approved %(approved)s is left to pay.")
            % {"left": rupiah(application.left_to_pay), "approved": rupiah(application.approved_amount)},
            field="amount",
        )
    return amount


def _payment_day(paid_on: date | None) -> date:
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise DistributionRefused(_("A payment cannot be dated in the future."), field="paid_on")
    return paid_on


def disbursement_fields_check(application: Application, **fields) -> None:
    """Refuse, naming every bad field, what ``disbursement_pay`` would refuse in these fields alone
    (``amount``, ``paid_on``, ``payee_name``): the payment form calls it with its well-formed
    fields, so these refusals come in the same round as the form's own."""
    refusals = Refusals()
    if "amount" in fields:
        with refusals.check():
            _payable(application, fields["amount"])
    if "paid_on" in fields:
        with refusals.check():
            _payment_day(fields["paid_on"])
    if "payee_name" in fields:
        with refusals.check():
            payee_name = _text(fields["payee_name"], "payee_name", 200)
            if application.program.aid_kind == AidKind.THIRD_PARTY and not payee_name:
                raise DistributionRefused(
                    _("Name the school, hospital or shop paid on the person's behalf."), field="payee_name"
                )
    refusals.raise_any(DistributionRefused)


@transaction.atomic
def disbursement_pay(
    *,
    actor,
    application: Application,
    amount: int,
    money_account,
    paid_on: date | None = None,
    reference: str = "",
    payee_name: str = "",
    payee_account: str = "",
) -> Disbursement:
    """Pay (part of) an approved application from a cash or bank account of its unit: to the person,
    or to a third party on their behalf (a school, a hospital: named with their account). A loan
    program's payment is a receivable of the fund, repaid by installments (``loans``)."""
    require(actor, "distribution.pay", application.unit)
    application = _locked(application, AppStatus.APPROVED)
    program = application.program
    if program.aid_kind == AidKind.GOODS:
        raise DistributionRefused(_("This program gives goods; give them out from the stock."))
    # Every bad field at once; ``disbursement_post`` checks the amount and the day again, under the lock.
    refusals = Refusals()
    with refusals.check():
        ledger.check_money_account(money_account, application.unit, "money_account")
    with refusals.check():
        disbursement_fields_check(application, amount=amount, paid_on=paid_on, payee_name=payee_name)
    refusals.raise_any(DistributionRefused)
    payee_name = _text(payee_name, "payee_name", 200)
    is_loan = program.aid_kind == AidKind.LOAN
    if payee_name and program.aid_kind != AidKind.LOAN:
        kind = AidKind.THIRD_PARTY
    elif program.aid_kind in (AidKind.CASH, AidKind.TRANSFER):
        kind = AidKind.TRANSFER if money_account.role == AccountRole.BANK else AidKind.CASH
    else:
        kind = program.aid_kind
    disbursement = disbursement_post(
        actor=actor,
        application=application,
        amount=amount,
        credit_account=money_account,
        debit_account=ledger.receivable_account(application.institution_id) if is_loan else None,
        kind=kind,
        paid_on=paid_on,
        reference=reference,
        payee_name=payee_name,
        payee_account=payee_account,
    )
    if is_loan:
        from satuatap.distribution import loans

        loans.loan_open(actor=actor, disbursement=disbursement)
    return disbursement


# --- after the payment: evidence, follow-up ---------------------------------------------------------


@transaction.atomic
def application_evidence_complete(*, actor, application: Application, note: str = "") -> Application:
    """Mark a disbursed application's evidence complete (at least one piece kept); the follow-up is due next."""
    require(actor, "distribution.evidence_keep", application.unit)
    application = _locked(application, AppStatus.DISBURSED)
    if not application.evidence.exists():
        raise DistributionRefused(
            _("Keep at least one piece of evidence (photo, signed receipt, transfer proof) first.")
        )
    _step(application, actor, AppStatus.EVIDENCED, _text(note, "note", 2000))
    application.save()
    return application


@transaction.atomic
def follow_up_fields_check(**fields) -> None:
    """Refuse, naming both at once, a follow-up's ``note`` (what it found, required) and its day ``on``
    (not in the future); a field left out is not checked (a form has refused it already)."""
    refusals = Refusals()
    if "note" in fields:
        with refusals.check():
            _text(fields["note"], "note", 2000, required=True, message=_("Say what the follow-up found."))
    if fields.get("on") is not None:
        with refusals.check():
            if fields["on"] > timezone.localdate():
                raise DistributionRefused(_("A follow-up cannot be dated in the future."), field="on")
    refusals.raise_any(DistributionRefused)


def application_follow_up(*, actor, application: Application, note: str, on: date | None = None) -> Application:
    """Record the follow-up visit or call after the aid: what was found. The application is then done."""
    require(actor, "distribution.assess", application.unit)
    application = _locked(application, AppStatus.EVIDENCED)
    follow_up_fields_check(note=note, on=on)
    note = _text(note, "note", 2000)
    on = on or timezone.localdate()
    _step(application, actor, AppStatus.FOLLOWED_UP, note)
    application.followed_up_on = on
    application.due_on = None
    application.save()
    return application
