"""Staff pages of batch disbursement: the list of batches, a new batch (recipients picked from the
registry of the unit's subtree, or read from a spreadsheet and checked row by row before anything is
saved), and one batch with its recipients, the approval and the payment.

Thin views over ``distribution.batches``: a batch fetched by id goes through ``batch_selectors.batch_for``
(404 outside the user's scope); each action is a POST that checks the role first (403), calls one
service and shows its refusal on the page, next to the field it names.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.beneficiaries import selectors as registry
from satuatap.core.asnaf import Asnaf
from satuatap.core.errors import NotAllowed
from satuatap.core.exports import table_response, xlsx_response
from satuatap.core.formatting import rupiah
from satuatap.core.forms import RupiahField
from satuatap.core.text import squash
from satuatap.core.views.helpers import active_unit, apply_service_error, query_int
from satuatap.distribution import selectors
from satuatap.distribution.batches import selectors as batch_selectors
from satuatap.distribution.batches import services as batch_services
from satuatap.distribution.batches.forms import (
    BatchApproveForm,
    BatchForm,
    BatchImportForm,
    BatchPayForm,
    BatchRejectForm,
)
from satuatap.distribution.models import AidKind, Batch
from satuatap.organizations.permissions import can, require

PAGE = 50
# The picker sends two fields per person listed; Django takes at most 1,000 fields in a request.
MAX_PICK = 300
SHOWN = 100
# A checked list is saved as it was checked, within this time, by whoever checked it.
SIGNING_SALT = "distribution.batch-import"
SIGNED_FOR = 6 * 3600
PREVIEW_ROWS = 200


def _programs(user, unit):
    """The programs a batch at ``unit`` may name: open now, paying money (not goods or loans)."""
    return selectors.programs_open_at(user, unit, timezone.localdate()).exclude(
        aid_kind__in=batch_selectors.NOT_IN_BATCHES
    )


# --- the list ---------------------------------------------------------------------------------------------


@login_required
def batch_list(request):
    unit = active_unit(request, "distribution.view")
    status = request.GET.get("status", "")
    status = status if status in Batch.BatchStatus.values else ""
    rows = batch_selectors.batches_for(request.user, within=unit).order_by("-created_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            _("Name"),
            _("Program"),
            _("Unit"),
            _("Recipients"),
            _("Total"),
            _("Status"),
            _("Prepared by"),
            _("Approved or rejected by"),
            _("Created"),
        ]
        data = (
            [
                b.name,
                b.program.name,
                b.unit.code,
                b.count,
                b.total,
                b.get_status_display(),
                str(b.prepared_by or ""),
                str(b.approved_by or ""),
                timezone.localtime(b.created_at).date().isoformat(),
            ]
            for b in rows.iterator(chunk_size=2000)
        )
        return table_response(
            fmt, f"batches-{unit.code}", _("Disbursement batches"), header, data, request=request, unit=unit
        )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "distribution/batches.html",
        {
            "unit": unit,
            "page": page,
            "status": status,
            "statuses": Batch.BatchStatus.choices,
            "query": f"status={status}" if status else "",
            "can_prepare": can(request.user, "distribution.recommend", unit),
            "can_configure": can(request.user, "distribution.configure", unit),
        },
    )


# --- a new batch: the picker ----------------------------------------------------------------------------


def _helpable(request, unit):
    """People registered in the unit's subtree who may be helped now (verified or active)."""
    return registry.helpable(registry.beneficiaries_for(request.user, within=unit)).filter(
        status__in=selectors.HELPABLE
    )


def _search(request, unit, q: str, asnaf: str, exclude) -> list:
    rows = registry.search(request.user, within=unit, q=q, asnaf=asnaf)
    return list(rows.filter(status__in=selectors.HELPABLE).exclude(pk__in=exclude)[: SHOWN + 1])


def _picked_ids(request) -> list[int]:
    ids: list[int] = []
    for value in request.POST.getlist("pick"):
        pk = query_int(value)
        if pk is not None and pk not in ids:
            ids.append(pk)
    return ids


def _new_from_picker(request, unit, programs):
    source = request.POST if request.method == "POST" else request.GET
    action = request.POST.get("action", "")
    q = squash(source.get("q", ""))[:100]
    asnaf = source.get("asnaf", "")
    asnaf = asnaf if asnaf in Asnaf.values else ""
    found = _helpable(request, unit).in_bulk(_picked_ids(request))
    chosen = [found[pk] for pk in _picked_ids(request) if pk in found]
    results = _search(request, unit, q, asnaf, [p.pk for p in chosen])
    too_many = False
    if action == "all":
        room = MAX_PICK - len(chosen)
        chosen += results[:SHOWN][:room]
        too_many = len(results[:SHOWN]) > room
        results = _search(request, unit, q, asnaf, [p.pk for p in chosen])
    if len(chosen) > MAX_PICK:
        chosen, too_many = chosen[:MAX_PICK], True
    amounts = {p.pk: request.POST.get(f"amount-{p.pk}", "").strip()[:30] for p in chosen}
    row_errors: dict[int, list[str]] = {}
    if action == "save":
        # Every problem in one round: the form's fields, each person's amount and, once the program is
        # known, each person's eligibility.
        form = BatchForm(request.POST, programs=programs)
        valid = form.is_valid()
        data = form.cleaned_data
        rows = []
        for person in chosen:
            try:
                amount = RupiahField(required=False, min_value=1).clean(amounts[person.pk])
            except ValidationError as exc:
                row_errors[person.pk] = exc.messages
                continue
            amount = amount or data.get("default_amount")
            if amount is None:
                if "default_amount" not in form.errors:  # else the amount per person is what to correct
                    row_errors[person.pk] = [_("Enter the amount, or an amount per person for everyone.")]
                continue
            # A missing need is said beside its field, not once per person.
            rows.append((person, amount, data.get("need") or "-"))
        if not chosen:
            form.add_error(None, _("Tick at least one person."))
        elif "program" in data:
            for position, message in batch_selectors.row_problems(
                actor=request.user, unit=unit, program=data["program"], rows=rows
            ):
                row_errors.setdefault(rows[position - 1][0].pk, []).append(message)
        if row_errors:
            form.add_error(None, _("Some recipients cannot be in this batch: see below. Untick them or correct them."))
        elif valid and chosen:
            try:
                batch = batch_services.batch_prepare(
                    actor=request.user, unit=unit, program=data["program"], name=data["name"], rows=rows
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Batch %(name)s is prepared: %(count)s recipients, %(total)s. An approver decides next.")
                    % {"name": batch.name, "count": batch.count, "total": rupiah(batch.total)},
                )
                return redirect("distribution:batch", pk=batch.pk)
    else:
        kept = {k: request.POST.get(k) for k in ("name", "program", "default_amount", "need") if request.POST.get(k)}
        form = BatchForm(initial=kept, programs=programs)
    for person in chosen:
        person.amount_typed = amounts[person.pk]
        person.row_errors = row_errors.get(person.pk, [])
    return render(
        request,
        "distribution/batch_new.html",
        {
            "unit": unit,
            "mode": "pick",
            "form": form,
            "q": q,
            "asnaf": asnaf,
            "asnaf_choices": Asnaf.choices,
            "chosen": chosen,
            "results": results[:SHOWN],
            "more_results": len(results) > SHOWN,
            "too_many": too_many,
            "max_pick": MAX_PICK,
            "no_programs": not programs.exists(),
        },
    )


# --- a new batch: from a spreadsheet ----------------------------------------------------------------------


def _save_checked(request, unit, programs):
    """Save the list checked a moment ago (signed into the page, so the file is not sent twice)."""
    again = redirect(reverse("distribution:batch_new") + "?mode=import")
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=SIGNING_SALT, max_age=SIGNED_FOR)
    except signing.BadSignature:
        messages.error(request, _("The checked list has expired or was changed; upload the file again."))
        return again
    if data.get("unit") != unit.pk or data.get("user") != request.user.pk:
        messages.error(request, _("The checked list has expired or was changed; upload the file again."))
        return again
    program = programs.filter(pk=data.get("program")).first()
    if program is None:
        messages.error(request, _("The program is no longer open for batches; upload the file again."))
        return again
    people = registry.beneficiaries_for(request.user).in_bulk([row[0] for row in data["rows"]])
    if len(people) != len({row[0] for row in data["rows"]}):
        messages.error(request, _("Some people of the list are no longer in your registry; check the file again."))
        return again
    rows = [(people[pk], amount, need or data["need"]) for pk, amount, need in data["rows"]]
    try:
        batch = batch_services.batch_prepare(
            actor=request.user, unit=unit, program=program, name=data["name"], rows=rows
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return again
    messages.success(
        request,
        _("Batch %(name)s is prepared: %(count)s recipients, %(total)s. An approver decides next.")
        % {"name": batch.name, "count": batch.count, "total": rupiah(batch.total)},
    )
    return redirect("distribution:batch", pk=batch.pk)


def _new_from_file(request, unit, programs):
    if request.method == "POST" and request.POST.get("action") == "save":
        return _save_checked(request, unit, programs)
    form = BatchImportForm(request.POST or None, request.FILES or None, programs=programs)
    preview = None
    valid = request.method == "POST" and form.is_valid()
    data = form.cleaned_data if request.method == "POST" else {}
    if "program" in data and "file" in data:
        # The file is read even when another field is wrong, so its refusal comes in the same round.
        upload = data["file"]
        try:
            rows, errors = batch_selectors.batch_rows_read(
                actor=request.user,
                unit=unit,
                program=data["program"],
                content=upload.read(),
                filename=upload.name,
                default_amount=data.get("default_amount"),
                need=data.get("need", ""),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
            valid = False
        if valid:
            need = squash(data["need"])
            preview = {
                "rows": rows[:PREVIEW_ROWS],
                "more": max(len(rows) - PREVIEW_ROWS, 0),
                "count": len(rows),
                "total": sum(r.amount for r in rows),
                "errors": errors,
                "filename": upload.name,
                "program": data["program"],
                "name": data["name"],
                "payload": ""
                if errors
                else signing.dumps(
                    {
                        "unit": unit.pk,
                        "user": request.user.pk,
                        "program": data["program"].pk,
                        "name": data["name"],
                        "need": need,
                        "rows": [[r.person.pk, r.amount, "" if r.need == need else r.need] for r in rows],
                    },
                    salt=SIGNING_SALT,
                    compress=True,
                ),
            }
    return render(
        request,
        "distribution/batch_new.html",
        {
            "unit": unit,
            "mode": "import",
            "form": form,
            "preview": preview,
            "columns": batch_selectors.IMPORT_COLUMNS,
            "no_programs": not programs.exists(),
        },
    )


@login_required
def batch_new(request):
    unit = active_unit(request, "distribution.recommend")
    programs = _programs(request.user, unit)
    source = request.POST if request.method == "POST" else request.GET
    if source.get("mode") == "import":
        return _new_from_file(request, unit, programs)
    return _new_from_picker(request, unit, programs)


@login_required
def batch_template(request):
    """An empty list of recipients to fill in, with an example row."""
    active_unit(request, "distribution.recommend")
    header = [str(column.label) for column in batch_selectors.IMPORT_COLUMNS]
    example = [str(column.example) for column in batch_selectors.IMPORT_COLUMNS]
    return xlsx_response("batch-recipients-template", [(_("Recipients"), header, [example])])


# --- one batch --------------------------------------------------------------------------------------------


def _export(batch, fmt):
    header = [
        _("Tracking code"),
        _("Beneficiary number"),
        _("Name"),
        _("Asnaf"),
        _("Amount"),
        _("Paid"),
        _("Status"),
    ]
    data = (
        [
            a.tracking_code,
            a.beneficiary.number,
            a.beneficiary.full_name,
            a.beneficiary.get_asnaf_display(),
            a.recommended_amount,
            a.paid_amount,
            a.get_status_display(),
        ]
        for a in batch_selectors.recipients_of(batch).iterator(chunk_size=2000)
    )
    return table_response(fmt, f"batch-{batch.pk}", batch.name, header, data)


def _detail(request, batch, bound: dict | None = None):
    """The batch page; ``bound``: the action form the user just sent, shown with its errors."""
    user, unit = request.user, batch.unit
    page = Paginator(batch_selectors.recipients_of(batch), PAGE).get_page(request.GET.get("page"))
    batch_selectors.recipient_checks(batch, page)
    actions: dict = {}
    prepared = batch.status == Batch.BatchStatus.PREPARED
    may_approve = prepared and can(user, "distribution.approve", unit)
    own = batch.prepared_by_id == user.pk
    if may_approve and not own:
        actions["approve"] = BatchApproveForm(prefix="approve")
        actions["reject"] = BatchRejectForm(prefix="reject")
    third_party = batch.program.aid_kind == AidKind.THIRD_PARTY
    if batch.status == Batch.BatchStatus.APPROVED and can(user, "distribution.pay", unit):
        actions["pay"] = BatchPayForm(
            prefix="pay",
            accounts=selectors.money_accounts(unit),
            third_party=third_party,
            initial={"paid_on": timezone.localdate()},
        )
    for name, form in (bound or {}).items():
        if name in actions:
            actions[name] = form
        else:  # the step is not open any more (someone else moved the batch): say why
            for error in [e for errors in form.errors.values() for e in errors]:
                messages.error(request, error)
    limit = selectors.approval_limit(user, unit) if may_approve else None
    return render(
        request,
        "distribution/batch.html",
        {
            "b": batch,
            "program": batch.program,
            "page": page,
            "actions": actions,
            "own_batch": may_approve and own,
            "limit": limit,
            "above_limit": limit is not None and batch.total > limit,
            "approver": selectors.approver_unit(unit, batch.total) if prepared else None,
            "flagged": any(a.problems or a.warnings for a in page),
            "can_ledger": can(user, "ledger.view", unit),
            "next": selectors.batch_next_actor(user, batch),
        },
    )


@login_required
def batch_detail(request, pk):
    active_unit(request, "distribution.view")
    batch = batch_selectors.batch_for(request.user, pk)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _export(batch, fmt)
    return _detail(request, batch)


def _batch(request, pk, capability: str) -> Batch:
    active_unit(request, "distribution.view")
    batch = batch_selectors.batch_for(request.user, pk)
    require(request.user, capability, batch.unit)
    return batch


def _act(request, batch, name: str, form, call, done):
    """Run one action: a valid form calls the service; a refusal shows on the page, next to its field."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        except NotAllowed as exc:  # one's own batch, or above one's authority limit: said on the form
            form.add_error(None, str(exc))
        else:
            messages.success(request, done(result))
            return redirect("distribution:batch", pk=batch.pk)
    return _detail(request, batch, bound={name: form})


@login_required
@require_POST
def batch_decide(request, pk):
    batch = _batch(request, pk, "distribution.approve")
    if request.POST.get("decision") == "reject":
        return _act(
            request,
            batch,
            "reject",
            BatchRejectForm(request.POST, prefix="reject"),
            lambda data: batch_services.batch_decide(actor=request.user, batch=batch, approve=False, note=data["note"]),
            lambda result: _("The batch is rejected."),
        )
    return _act(
        request,
        batch,
        "approve",
        BatchApproveForm(request.POST, prefix="approve"),
        lambda data: batch_services.batch_decide(
            actor=request.user,
            batch=batch,
            approve=True,
            note=data["note"],
            override_reason=data["override_reason"],
        ),
        lambda result: (
            _("The batch is approved: %(count)s recipients, %(total)s. Finance pays next.")
            % {"count": result.count, "total": rupiah(result.total)}
        ),
    )


@login_required
@require_POST
def batch_pay(request, pk):
    batch = _batch(request, pk, "distribution.pay")
    form = BatchPayForm(
        request.POST,
        prefix="pay",
        accounts=selectors.money_accounts(batch.unit),
        third_party=batch.program.aid_kind == AidKind.THIRD_PARTY,
        batch=batch,
    )
    return _act(
        request,
        batch,
        "pay",
        form,
        lambda data: batch_services.batch_pay(
            actor=request.user,
            batch=batch,
            money_account=data["money_account"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            payee_name=data.get("payee_name", ""),
            payee_account=data.get("payee_account", ""),
        ),
        lambda result: (
            _("%(total)s is paid to %(count)s recipients; journal entry %(entry)s is posted.")
            % {"total": rupiah(result.total), "count": result.count, "entry": f"#{result.entry_id}"}
        ),
    )
