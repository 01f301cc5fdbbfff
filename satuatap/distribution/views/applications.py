"""Staff pages of distribution (penyaluran): the applications list, taking an application at the
counter, and one application with the action its status and the user's role allow. Programs,
authority limits and disbursements are in ``views.setup``.

Thin views over ``distribution.services`` and ``.selectors``: every application fetched by id goes
through ``selectors.application_for`` (404 outside the user's scope); each action is a POST that
calls one service, shows a refusal next to the field it names (the page re-rendered with what was
typed), and answers 403 when the user's role does not allow it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import selectors as registry
from satuatap.beneficiaries import services as registry_services
from satuatap.beneficiaries.models import Beneficiary
from satuatap.core.exports import table_response
from satuatap.core.formatting import format_date, rupiah, tanggal
from satuatap.core.text import squash
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int
from satuatap.distribution import selectors, services
from satuatap.distribution.forms import (
    ApplicationForm,
    ApproveForm,
    AssessForm,
    EvidenceCompleteForm,
    FollowUpForm,
    MakeEligibleForm,
    PayForm,
    RecommendForm,
    RejectForm,
    ScreenForm,
)
from satuatap.distribution.models import OPEN_STATUSES, AppStatus
from satuatap.distribution.views.evidence import EvidenceForm
from satuatap.organizations.permissions import can, require

PAGE = 25
# Statuses before the decision: the fair-share rules are still a question.
UNDECIDED = (AppStatus.SUBMITTED, AppStatus.SCREENED, AppStatus.ASSESSED, AppStatus.RECOMMENDED)


# --- the list ---------------------------------------------------------------------------------------------


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    return {
        "q": request.GET.get("q", "")[:100],
        "status": status if status in AppStatus.values else "",
        "program": query_int(request.GET.get("program")),
        "overdue": request.GET.get("overdue") in ("1", "on", "true"),
    }


def _query(filters: dict, **changes) -> str:
    merged = {**filters, **changes}
    return urlencode({k: ("1" if v is True else v) for k, v in merged.items() if v})


@login_required
def application_list(request):
    unit = active_unit(request, "distribution.view")
    today = timezone.localdate()
    filters = _filters(request)
    rows = selectors.application_list(request.user, within=unit, today=today, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Tracking code"),
            _("Submitted on"),
            _("Beneficiary number"),
            _("Name"),
            _("Program"),
            _("Unit"),
            _("Requested"),
            _("Recommended"),
            _("Approved"),
            _("Paid"),
            _("Status"),
            _("Due on"),
            _("Overdue"),
        ]
        data = (
            [
                a.tracking_code,
                timezone.localtime(a.created_at).date().isoformat(),
                a.beneficiary.number,
                a.beneficiary.full_name,
                a.program.name,
                a.unit.code,
                a.requested_amount,
                a.recommended_amount,
                a.approved_amount,
                a.paid_amount,
                a.get_status_display(),
                a.due_on.isoformat() if a.due_on else "",
                _("yes") if a.status in OPEN_STATUSES and a.due_on and a.due_on < today else "",
            ]
            for a in rows.iterator(chunk_size=2000)
        )
        return table_response(
            fmt, f"applications-{unit.code}", _("Aid applications"), header, data, request=request, unit=unit
        )
    counted = selectors.application_list(request.user, within=unit, today=today, **{**filters, "status": ""})
    counts = selectors.status_counts(counted)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    for application in page:
        application.amount_now = selectors.amount_shown(application)
        application.is_overdue = application.status in OPEN_STATUSES and bool(
            application.due_on and application.due_on < today
        )
    return render(
        request,
        "distribution/applications.html",
        {
            "unit": unit,
            "filters": filters,
            "query": _query(filters),
            "page": page,
            "tabs": [
                {
                    "value": "",
                    "label": _("All"),
                    "count": sum(counts.values()),
                    "query": _query(filters, status=""),
                },
                *[
                    {"value": value, "label": label, "count": counts[value], "query": _query(filters, status=value)}
                    for value, label in AppStatus.choices
                ],
            ],
            "programs": selectors.programs_to_filter(request.user, unit),
            "can_apply": can(request.user, "distribution.apply", unit),
            "can_configure": can(request.user, "distribution.configure", unit),
        },
    )


# --- taking an application ------------------------------------------------------------------------------


def _person(user, pk) -> Beneficiary | None:
    """The person with ``pk`` if the user may see them in the registry; None otherwise."""
    if query_int(pk) is None:
        return None
    try:
        return registry.beneficiary_for(user, pk)
    except Http404:
        return None


def _people(request, unit, q: str):
    q = squash(q)[:100]
    if len(q) < 2:
        return []
    return list(registry.search(request.user, within=unit, q=q)[:10])


@login_required
def application_new(request):
    """At the counter: find the person in the registry, then the program, the need and the amount."""
    unit = active_unit(request, "distribution.apply")
    today = timezone.localdate()
    programs = selectors.programs_open_at(request.user, unit, today)
    source = request.POST if request.method == "POST" else request.GET
    person = _person(request.user, source.get("beneficiary"))
    initial = {"beneficiary": person.pk if person else None}
    wanted = query_int(request.GET.get("program"))
    if wanted and programs.filter(pk=wanted).exists():
        initial["program"] = wanted
    form = ApplicationForm(request.POST or None, programs=programs, initial=initial)
    if request.method == "POST" and form.is_valid():
        if person is None or person.pk != form.cleaned_data["beneficiary"]:
            form.add_error("beneficiary", _("Choose the person from the registry first."))
        else:
            try:
                application = services.application_submit(
                    actor=request.user,
                    unit=unit,
                    program=form.cleaned_data["program"],
                    beneficiary=person,
                    need=form.cleaned_data["need"],
                    requested_amount=form.cleaned_data["requested_amount"],
                    channel=form.cleaned_data["channel"],
                    referrer_name=form.cleaned_data["referrer_name"],
                    referrer_organisation=form.cleaned_data["referrer_organisation"],
                    referrer_phone=form.cleaned_data["referrer_phone"],
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The application of %(name)s is taken; its tracking code is %(code)s.")
                    % {"name": person.full_name, "code": application.tracking_code},
                )
                return redirect("distribution:application", pk=application.pk)
    asked = source.get("beneficiary")
    return render(
        request,
        "distribution/application_new.html",
        {
            "unit": unit,
            "form": form,
            "person": person,
            "person_helpable": person is not None and person.status in selectors.HELPABLE,
            "unknown_person": bool(asked) and person is None,
            "q": request.GET.get("q", "")[:100],
            "people": _people(request, unit, request.GET.get("q", "")) if person is None else [],
            "no_programs": not programs.exists(),
        },
    )


@login_required
def people_search(request):
    """The person picker's results (htmx): the registry of the active unit, by name, number, NIK or phone."""
    unit = active_unit(request, "distribution.apply")
    q = request.GET.get("q", "")
    return render(request, "distribution/_people.html", {"people": _people(request, unit, q), "q": q[:100]})


# --- one application --------------------------------------------------------------------------------------


def _latest_assessment(person):
    return person.assessments.order_by("-assessed_on", "-id").first()


def _suggestion(user, application, problems, bound) -> dict | None:
    """The one-step way to eligibility, offered while the person is not eligible and their latest
    assessment suggests an asnaf the user's role may apply (with verifying the person)."""
    if not problems and bound is None:
        return None
    assessment = _latest_assessment(application.beneficiary)
    if assessment is None or not registry_services.may_apply_assessment(user, assessment):
        return None
    form = bound or MakeEligibleForm(
        prefix="make_eligible", initial={"reason": registry_services.suggestion_reason(assessment)}
    )
    return {"assessment": assessment, "form": form}


def _detail(request, application, bound: dict | None = None):
    """The application page; ``bound``: the action form the user just sent, shown with its errors."""
    user, unit = request.user, application.unit
    person, status = application.beneficiary, application.status
    amount = selectors.amount_shown(application)
    problems = selectors.eligibility_problems(application) if status in OPEN_STATUSES else []
    warnings = selectors.fair_share_warnings(application, amount) if status in UNDECIDED else []
    allowed = selectors.application_actions(user, application)
    actions: dict = {}
    if "screen" in allowed:
        actions["screen"] = ScreenForm(prefix="screen")
    if "assess" in allowed:
        actions["assess"] = AssessForm(prefix="assess")
    if "recommend" in allowed:
        actions["recommend"] = RecommendForm(prefix="recommend", initial={"amount": application.requested_amount})
    own_recommendation = application.recommended_by_id == user.pk
    in_batch = selectors.in_batch(application)  # decided and paid with it
    may_approve = selectors.may_approve(user, application)
    if "approve" in allowed:
        actions["approve"] = ApproveForm(prefix="approve", initial={"amount": amount})
        actions["reject"] = RejectForm(prefix="reject")
    if "pay" in allowed:
        actions["pay"] = PayForm(
            prefix="pay",
            accounts=selectors.money_accounts(unit),
            initial={"amount": application.left_to_pay, "paid_on": timezone.localdate()},
        )
    if "evidence_complete" in allowed:
        actions["evidence_complete"] = EvidenceCompleteForm(prefix="evidence_complete")
    if "follow_up" in allowed:
        actions["follow_up"] = FollowUpForm(prefix="follow_up", initial={"on": timezone.localdate()})
    for name, form in (bound or {}).items():
        if name == "make_eligible":
            continue  # shown with the suggestion
        if name in actions:
            actions[name] = form
        else:  # the step is not open any more (someone else moved the application): say why
            for error in [e for errors in form.errors.values() for e in errors]:
                messages.error(request, error)
    suggestion = _suggestion(user, application, problems, (bound or {}).get("make_eligible"))
    limit = selectors.approval_limit(user, unit) if may_approve else None
    known = selectors.approvers(unit, amount) if status == AppStatus.RECOMMENDED else None
    approver = known[0] if known else None
    aid = registry.aid_history(person)
    return render(
        request,
        "distribution/application.html",
        {
            "a": application,
            "person": person,
            "program": application.program,
            "amount": amount,
            "steps": selectors.steps_of(application),
            "problems": problems,
            "warnings": warnings,
            "actions": actions,
            "show_override": bool(warnings)
            or ("approve" in actions and bool(actions["approve"]["override_reason"].errors)),
            "own_recommendation": may_approve and own_recommendation,
            "limit": limit,
            "above_limit": limit is not None and amount > limit,
            "approver": approver,
            "latest_assessment": _latest_assessment(person) if "assess" in actions else None,
            "next": selectors.next_actor(user, application, known=known, limit=limit),
            "suggestion": suggestion,
            "aid": aid[:50],
            "aid_totals": registry.aid_totals(person),
            "disbursements": application.disbursements.select_related("money_account", "entry", "loan").order_by("pk"),
            "can_ledger": can(user, "ledger.view", unit),
            "pay_goods": "pay_goods" in allowed,
            "in_batch": in_batch,
            "can_evidence": can(user, "distribution.evidence", application.unit),
            "can_keep_evidence": can(user, "distribution.evidence_keep", application.unit),
            "evidence": application.evidence.select_related("uploaded_by"),
            "evidence_form": EvidenceForm(),
            "evidence_missing": selectors.without_evidence(application.disbursements.all()).exists(),
            "evidence_days": settings.EVIDENCE_DAYS,
            "is_overdue": status in OPEN_STATUSES
            and bool(application.due_on and application.due_on < timezone.localdate()),
        },
    )


@login_required
def application_detail(request, pk):
    active_unit(request, "distribution.view")
    return _detail(request, selectors.application_for(request.user, pk))


def _act(request, application, name: str, form, call, done):
    """Run one step: a valid form calls the service; a refusal shows on the page, next to its field."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, done(result, form.cleaned_data))
            return redirect("distribution:application", pk=application.pk)
    return _detail(request, application, bound={name: form})


def _application(request, pk, capability: str):
    active_unit(request, "distribution.view")
    application = selectors.application_for(request.user, pk)
    require(request.user, capability, application.unit)
    return application


@login_required
@require_POST
def application_screen(request, pk):
    application = _application(request, pk, "distribution.assess")
    reject = request.POST.get("decision") == "reject"
    return _act(
        request,
        application,
        "screen",
        ScreenForm(request.POST, prefix="screen"),
        lambda data: services.application_screen(
            actor=request.user, application=application, note=data["note"], reject=reject
        ),
        lambda result, data: _("The application is rejected.") if reject else _("The application is screened."),
    )


@login_required
@require_POST
def application_assess(request, pk):
    application = _application(request, pk, "distribution.assess")
    return _act(
        request,
        application,
        "assess",
        AssessForm(request.POST, prefix="assess"),
        lambda data: services.application_assess(actor=request.user, application=application, note=data["note"]),
        lambda result, data: (
            _("The assessment of %(date)s (need score %(score)s) is linked to the application.")
            % {"date": format_date(result.assessment.assessed_on), "score": result.assessment.score}
        ),
    )


@login_required
@require_POST
def application_recommend(request, pk):
    application = _application(request, pk, "distribution.recommend")
    return _act(
        request,
        application,
        "recommend",
        RecommendForm(request.POST, prefix="recommend"),
        lambda data: services.application_recommend(
            actor=request.user, application=application, amount=data["amount"], note=data["note"]
        ),
        lambda result, data: _("Recommended: %(amount)s.") % {"amount": rupiah(result.recommended_amount)},
    )


@login_required
@require_POST
def application_decide(request, pk):
    application = _application(request, pk, "distribution.approve")
    if request.POST.get("decision") == "reject":
        return _act(
            request,
            application,
            "reject",
            RejectForm(request.POST, prefix="reject"),
            lambda data: services.application_decide(
                actor=request.user, application=application, approve=False, note=data["note"]
            ),
            lambda result, data: _("The application is rejected."),
        )
    return _act(
        request,
        application,
        "approve",
        ApproveForm(request.POST, prefix="approve"),
        lambda data: services.application_decide(
            actor=request.user,
            application=application,
            approve=True,
            amount=data["amount"],
            note=data["note"],
            override_reason=data["override_reason"],
        ),
        lambda result, data: _("Approved: %(amount)s.") % {"amount": rupiah(result.approved_amount)},
    )


@login_required
@require_POST
def application_pay(request, pk):
    application = _application(request, pk, "distribution.pay")
    return _act(
        request,
        application,
        "pay",
        PayForm(
            request.POST, prefix="pay", accounts=selectors.money_accounts(application.unit), application=application
        ),
        lambda data: services.disbursement_pay(
            actor=request.user,
            application=application,
            amount=data["amount"],
            money_account=data["money_account"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            payee_name=data["payee_name"],
            payee_account=data["payee_account"],
        ),
        lambda result, data: (
            _("%(amount)s is paid to %(name)s; journal entry %(entry)s is posted.")
            % {
                "amount": rupiah(result.amount),
                "name": application.beneficiary.full_name,
                "entry": f"#{result.entry.pk}",
            }
        ),
    )


@login_required
@require_POST
def application_evidence_complete(request, pk):
    application = _application(request, pk, "distribution.evidence_keep")
    return _act(
        request,
        application,
        "evidence_complete",
        EvidenceCompleteForm(request.POST, prefix="evidence_complete"),
        lambda data: services.application_evidence_complete(
            actor=request.user, application=application, note=data["note"]
        ),
        lambda result, data: (
            _("The evidence is complete; the follow-up is due by %(day)s.") % {"day": tanggal(result.due_on)}
        ),
    )


@login_required
@require_POST
def application_follow_up(request, pk):
    application = _application(request, pk, "distribution.assess")
    return _act(
        request,
        application,
        "follow_up",
        FollowUpForm(request.POST, prefix="follow_up"),
        lambda data: services.application_follow_up(
            actor=request.user, application=application, note=data["note"], on=data["on"]
        ),
        lambda result, data: _("The follow-up is recorded; the application is done."),
    )


@login_required
@require_POST
def application_make_eligible(request, pk):
    """Apply the asnaf the person's latest assessment suggests, with the reason, and verify them."""
    active_unit(request, "distribution.view")
    application = selectors.application_for(request.user, pk)
    assessment = _latest_assessment(application.beneficiary)
    if assessment is None:
        messages.error(request, _("The person has not been assessed yet."))
        return redirect("distribution:application", pk=application.pk)
    return _act(
        request,
        application,
        "make_eligible",
        MakeEligibleForm(request.POST, prefix="make_eligible"),
        lambda data: registry_services.assessment_apply(
            actor=request.user, assessment=assessment, reason=data["reason"]
        ),
        lambda person, data: (
            _("%(name)s is classified as %(asnaf)s and verified.")
            % {"name": person.full_name, "asnaf": person.get_asnaf_display()}
        ),
    )
